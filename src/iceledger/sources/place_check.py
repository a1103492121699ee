"""Cross-check the hand-written AOR codes of jurisdictions against the place resolver.

Operation places and designations keep the place text as the source wrote it, and each maps to a
jurisdiction whose AOR code was written by hand. This module runs the same texts through the
geography registry's resolver (`resolve_place`) on the day they refer to. It reports a finding when
the resolver's candidates leave out our code, or when the text itself names another AOR
("Ithaca, New York (Buffalo)"). It reports and never overrides: a disagreement means either the
hand-written code or the gazetteer needs a look.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from iceledger.sources.geography.resolver import resolve_place
from iceledger.validation import Finding


@dataclass(frozen=True)
class PlaceText:
    label: str  # what the text belongs to, e.g. "safe-city-2017 place 7"
    text: str
    aor_code: str | None  # our hand-written code for it
    on: dt.date | None  # the day the text refers to
    kind: str | None = None  # the listing's heading (state, county, city), when it has one
    where: str = ""  # source_detail of the row


def check_place_texts(items: list[PlaceText]) -> list[Finding]:
    out, agree, several, unresolved = [], 0, 0, []
    for item in items:
        kind = "state" if item.kind == "state" else item.kind if item.kind in ("county", "city") else None
        res = resolve_place(item.text, on=item.on, kind=kind)
        if res.stated_aor and item.aor_code and res.stated_aor != item.aor_code:
            out.append(Finding("warning", "listed_aor_differs",
                               f"{item.label}: {item.text!r} names AOR {res.stated_aor}, our jurisdiction has {item.aor_code}",
                               "check the jurisdiction's aor_code in data/policies/jurisdictions.csv",
                               detail={"file": item.where, "text": item.text}))
            continue
        codes = set(res.aor_codes)
        if not codes:
            unresolved.append(item.text)
        elif item.aor_code and item.aor_code not in codes:
            out.append(Finding("warning", "resolver_aor_differs",
                               f"{item.label}: the place resolver puts {item.text!r} in {sorted(codes)}, ours is {item.aor_code}",
                               "check the jurisdiction's aor_code in data/policies/jurisdictions.csv, or the gazetteer in data/geo/",
                               detail={"file": item.where, "text": item.text, "resolver": sorted(codes)}))
        elif item.aor_code:
            agree += 1
        else:
            several += 1
    if items:
        names = sorted(set(unresolved))
        out.append(Finding("info", "place_texts_checked",
                           f"{len(items)} place texts checked against the place resolver: {agree} agree with our AOR code, "
                           f"{several} span several AORs, {len(unresolved)} not resolved by it",
                           detail={"agree": agree, "several": several, "not_resolved": names[:10],
                                   "left_out": max(0, len(names) - 10)}, count=len(items)))
    return out


def check_operation_places(con) -> list[Finding]:
    rows = con.execute("""
        SELECT p.operation_slug, p.place_seq, p.place_text, p.alt_place_names, p.aor_code,
               coalesce(o.operation_end_date, o.operation_start_date, o.announced_date), p.source_detail
        FROM ref_operation_places p JOIN ref_operations o USING (operation_slug)
        WHERE p.place_level <> 'nation' ORDER BY 1, 2""").fetchall()
    items = [PlaceText(f"{slug} place {seq}", text, aor, day, where=detail)
             for slug, seq, place, alts, aor, day, detail in rows for text in [place, *(alts or [])]]
    return check_place_texts(items)


def check_designations(con) -> list[Finding]:
    rows = con.execute("""
        SELECT d.designation_id, d.listed_name, d.listed_level, j.aor_code, l.designation_date, d.source_detail
        FROM ref_policy_designations d JOIN ref_jurisdictions j USING (jurisdiction_id)
        JOIN ref_designation_lists l USING (designation_list_id) ORDER BY 1""").fetchall()
    return check_place_texts([PlaceText(did, name, aor, day, level, detail) for did, name, level, aor, day, detail in rows])

"""Claim results through the gate.

Checks against official figures are public already and pass unchanged. A check against the records
is published only through a short list of safe fields, its rows with every category and place taken
from its declared list (codes.py). When any count behind it is from 1 to the threshold (a percent
change of two small counts too), its value, rows and explanation are withheld, and so is its verdict:
an "equals 4" check is supported only at the true 4, so a verdict on a withheld count reads
``not_shown`` ("not shown: rests on fewer than 11"). The claim's overall verdict is shown only when the
withheld checks could not change it (whatever they found); otherwise it is ``not_shown`` too, and its
explanation is written again from the checks that are shown. A count that changed by 1 to the
threshold since an earlier publication showed it is withheld the same way (history.py), in the same
words. Quality counts and provenance notes of a records check never leave the ledger.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import fields as dataclass_fields
from decimal import Decimal

from iceledger.claims import check_claims
from iceledger.claims.claim_files import load_claims
from iceledger.claims.result import Check, decide
from iceledger.claims.vocabulary import CONTRADICTED, SUPPORTED
from iceledger.measures.derive import minus_year
from iceledger.publish.codes import ValueLists
from iceledger.publish.history import History, cell_key
from iceledger.publish.lattice import NATIONAL, load_lattice
from iceledger.publish.query import NOT_SHOWN

# What a public records check may say: its verdict and terms, the query and the releases behind it.
SAFE_RECORD_FIELDS = ("kind", "name", "verdict", "decides", "comparison", "expected", "tolerance", "testable_when",
                      "level", "is_synthetic", "label", "query", "releases")
CHECK_FIELDS = {f.name for f in dataclass_fields(Check)}


def _is_count(v) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and float(v).is_integer()


def counts_of(check: dict) -> dict[str, int]:
    """Every whole number the records check rests on, each under a name that is stable across publications:
    its value, and each count of each row (a row named by its dimension values)."""
    out = {"value": int(check["value"])} if _is_count(check.get("value")) else {}
    for row in check.get("rows") or []:
        dims = json.dumps({k: v for k, v in row.items() if not _is_count(v) and not isinstance(v, (list, float))},
                          sort_keys=True, default=str)
        for k, v in row.items():
            for j, x in enumerate(v if isinstance(v, list) else [v]):
                if _is_count(x):
                    out[f"{dims}/{k}/{j}"] = int(x)
    return out


def not_shown_text(threshold: int) -> str:
    return f"not shown: rests on fewer than {threshold + 1} (a count the disclosure policy withholds)"


def gate_records_check(check: dict, threshold: int, lists: ValueLists | None = None, withhold: bool = False) -> tuple[dict, bool]:
    """(the public form of a records check, whether it was withheld). ``withhold``: withhold it even when no count
    is small (one changed by little since it was shown, or it repeats a sum of withheld cells)."""
    public = {k: check[k] for k in SAFE_RECORD_FIELDS if k in check}
    small = withhold or any(1 <= c <= threshold for c in counts_of(check).values())
    if small:
        text = not_shown_text(threshold)
        public.update(verdict=NOT_SHOWN, value=None, value_text=text, explanation=text, rows=None)
    else:
        rows = check.get("rows")
        if lists is not None and rows:
            rows = [lists.fold_row(r) for r in rows]
        public.update(value=check.get("value"), explanation=check.get("explanation"), rows=rows)
    return public, small


def _as_check(data: dict) -> Check:
    return Check(**{k: v for k, v in data.items() if k in CHECK_FIELDS})


def public_verdict(checks: list[dict], hidden: list[int], threshold: int) -> tuple[str, str]:
    """The overall verdict and explanation that can be shown when the checks at ``hidden`` are withheld:
    the true verdict when every outcome of the withheld checks gives the same one, else NOT_SHOWN."""
    shown = [_as_check(c) for i, c in enumerate(checks) if i not in hidden]
    outcomes = set()
    for verdicts in itertools.product((SUPPORTED, CONTRADICTED), repeat=len(hidden)):
        trial = [_as_check(c) for c in checks]
        for i, v in zip(hidden, verdicts):
            trial[i].verdict = v
        outcomes.add(decide(trial)[0])
    names = ", ".join(dict.fromkeys(_as_check(checks[i]).name for i in hidden))
    if len(outcomes) > 1:
        return NOT_SHOWN, (f"Not shown: the verdict rests on a count of fewer than {threshold + 1} in {names}, which the "
                           "disclosure policy withholds.")
    verdict, text = decide(shown)
    return outcomes.pop(), f"{text} {names[:1].upper() + names[1:]}: {not_shown_text(threshold)}.".strip()


PLACE_DIMS = {d: lv for p in load_lattice().places.values() for d, lv in zip(p.dimensions, p.levels)}  # aor_code: aor...


class PublishedCells:
    """The month cells of this publication's tables, to find a records count that repeats some of them: a count
    over whole months whose filters are a table's dimensions is the sum of that table's cells, so it must not
    be shown when one of them is withheld (it would be a new total that could give the withheld one away)."""

    def __init__(self, rows: list[dict] | None = None):
        self.tables: dict[tuple, list[tuple]] = {}
        for r in rows or []:
            if r["time_grain"] != "month":
                continue
            cats = {r[f"category_{i}"]: r[f"category_{i}_value"] for i in (1, 2) if r[f"category_{i}"]}
            key = (r["measure_name"], r["cell_place_level"], frozenset(cats))
            self.tables.setdefault(key, []).append((r["period_date"], r["place_code"], cats, r["is_suppressed"]))

    def repeats_withheld(self, subject: str, months: set, filters: dict[str, list]) -> bool:
        place = [d for d in filters if d in PLACE_DIMS]
        if len(place) > 1:
            return False
        level = PLACE_DIMS[place[0]] if place else NATIONAL
        cats = frozenset(d for d in filters if d not in PLACE_DIMS)
        for month, code, values, hidden in self.tables.get((subject, level, cats), []):
            if hidden and month in months and (not place or code in filters[place[0]]) \
                    and all(values.get(c) in filters[c] for c in cats):
                return True
        return False


def _months(lo: dt.date, hi: dt.date) -> set[dt.date] | None:
    """The months from ``lo`` to ``hi`` when the span is made of whole months, else None."""
    if lo.day != 1 or (hi + dt.timedelta(days=1)).day != 1:
        return None
    out, m = set(), lo
    while m <= hi:
        out.add(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def repeats_withheld_cells(spec, rows: list[dict], cells: PublishedCells | None) -> bool:
    """Whether a records count (a claim's ``count`` spec, or one of its rows) is the sum of month cells of a
    published table of which one is withheld."""
    if spec is None or cells is None:
        return False
    spans = [(spec.date_from, spec.date_to)] + ([(minus_year(spec.date_from), minus_year(spec.date_to))]
                                                 if getattr(spec, "compare", None) == "year_earlier" else [])
    where = {k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in (spec.where or {}).items()}
    for lo, hi in spans:
        months = _months(lo, hi) if lo and hi else None
        if months is None:
            continue
        for row in rows or [{}]:
            keep, filters = set(months), dict(where)
            for d in spec.by or []:
                v = row.get(d)
                if d == "month" and v is not None:
                    keep &= {dt.date.fromisoformat(str(v)[:10])}
                elif d == "fy" and v is not None:
                    keep = {m for m in keep if m.year + (m.month >= 10) == int(v)}
                elif d in ("day", "week", "year") or v is None:
                    keep = set()
                else:
                    filters[d] = [str(v)]
            if keep and cells.repeats_withheld(spec.count, keep, filters):
                return True
    return False


def claim_key(claim_id: str, position: int, name: str) -> str:
    """The name of a claim check's count across publications (history.py)."""
    return cell_key("claim", claim_id, position, name)


def gate_result(data: dict, threshold: int, lists: ValueLists | None = None, history: History | None = None,
                spec=None, cells: PublishedCells | None = None) -> tuple[dict, bool, dict[str, int]]:
    """The public form of one claim result (``ClaimResult.to_dict()``), whether anything was withheld, and the
    counts it shows (for the history). ``spec``: the claim's records count, checked against ``cells``."""
    history = history or History.none()
    checks: list[dict] = []
    hidden: list = []
    shown: dict[str, int] = {}
    for i, check in enumerate(data.get("checks") or []):
        if check.get("kind") == "records":
            counts = {claim_key(data["claim_id"], i, k): v for k, v in counts_of(check).items()}
            withhold = any(history.changed_by_little(k, v, threshold) for k, v in counts.items()) \
                or (check.get("value") is not None and repeats_withheld_cells(spec, check.get("rows"), cells))
            public, withheld = gate_records_check(check, threshold, lists, withhold)
            if withheld:
                hidden.append(len(checks))
            else:
                shown.update(counts)
            checks.append(public)
        else:
            checks.append(check)
    out = {**data, "checks": checks}
    if not hidden:
        return out, False, shown
    verdict, explanation = public_verdict(data["checks"], hidden, threshold)
    out.update(verdict=verdict, explanation=explanation)
    if data.get("value_source") == "records" or verdict == NOT_SHOWN:
        out.update(value=None, computed_value=None, value_source=None,
                   value_text=not_shown_text(threshold) if data.get("value_source") == "records" else None)
    return out, True, shown


def checked_claims(engine, paths=None) -> list[tuple[str, dict]]:
    """The claims checked on ``engine``, as (claim id, result as a dict): what ``gate_claims`` gates. It does not
    depend on the publication's cells, so a publication computes it while the gate searches."""
    return [(res.claim_id, res.to_dict()) for res in check_claims(paths, engine=engine)]


def gate_claims(engine, threshold: int, paths=None, history: History | None = None,
                cells: PublishedCells | None = None,
                checked: list[tuple[str, dict]] | None = None) -> tuple[list[dict], str | None, dict]:
    """(rows for out_claim_results, a note when there are none to give, the counts they show). ``cells``: this
    publication's cells, so that no claim shows a sum of withheld ones. ``checked``: ``checked_claims``, when
    already computed."""
    rows, shown = [], {}
    lists = ValueLists(engine)
    specs = {lc.claim.id: lc.claim.measure.records.spec for lc in load_claims(paths) if lc.claim.measure.records}
    for claim_id, result in checked_claims(engine, paths) if checked is None else checked:
        data, hidden, counts = gate_result(result, threshold, lists, history, specs.get(claim_id), cells)
        shown.update(counts)
        rows.append({"claim_id": data.get("claim_id"), "claim_statement": data.get("statement"),
                     "claim_verdict": data.get("verdict"), "computed_value": data.get("computed_value"),
                     "is_suppressed": hidden, "official_value": data.get("official_value"),
                     "is_synthetic": bool(data.get("is_synthetic")),
                     "claim_result_json": json.dumps(data, default=str, sort_keys=True)})
    return rows, None if rows else "no claims were checked", shown

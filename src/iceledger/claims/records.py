"""Checks against ICE's record-level releases, through the measures layer.

A records check is testable only when the loaded releases cover every day it counts (for a change
against a year earlier, both periods): counting an uncovered period would give a zero that means
"not loaded", not "none happened". A check on synthetic records is run and shown, labelled as a
demonstration, and never decides the claim's verdict.
"""

from __future__ import annotations

import datetime as dt

from iceledger.claims import registry_sql
from iceledger.claims.claim_files import LoadedClaim
from iceledger.claims.result import SYNTHETIC_LABEL, Check
from iceledger.claims.vocabulary import CONTRADICTED, NOT_TESTABLE, SUPPORTED, compare, format_number
from iceledger.errors import IceledgerError
from iceledger.measures import NotAvailable, measure, operation_window
from iceledger.measures.catalog import subject, subjects
from iceledger.measures.derive import minus_year
from iceledger.metadata import table as table_meta


def periods(spec, window: dict | None) -> list[tuple[dt.date, dt.date]]:
    """The periods a records check counts: its window, and the same days a year earlier when comparing."""
    if window is not None:
        return [(window["from"], window["to"])]
    out = [(spec.date_from, spec.date_to)]
    if spec.compare == "year_earlier":
        out.append((minus_year(spec.date_from), minus_year(spec.date_to)))
    return out


def wanted(engine, spec, kind: str) -> str:
    """What to load to make the check testable, in plain words."""
    lo, hi, aors = spec.date_from, spec.date_to, spec.where.get("aor_code")
    if kind == "window" and spec.operation and engine.has(registry_sql.OPERATIONS):
        op, _ = registry_sql.fetch_operation(engine, spec.operation)
        if op:
            lo, hi = lo or op["operation_start_date"], hi or op["operation_end_date"]
        if not aors and engine.has(registry_sql.PLACES):
            aors = sorted({r["aor_code"] for r in registry_sql.fetch(engine, registry_sql.places_query(spec.operation)) if r["aor_code"]})
    text = f"load a release of ICE's records with {spec.count} dated {lo or '?'} to {hi or '?'}"
    if aors:
        aors = [aors] if isinstance(aors, str) else aors
        text += f" in {'the ' + str(len(aors)) + ' AORs ' if len(aors) > 1 else 'AOR '}{', '.join(aors)}"
    if getattr(spec, "compare", None) == "year_earlier":
        text += ", and the same days a year earlier"
    if kind == "window":
        text += f" (and the {spec.weeks} weeks before, for the baseline)"
    return text + " (`iceledger ingest`)"


def coverage(engine, result) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Per table counted: the first and last date of the subject in the releases the measure chose."""
    subj = subject(result.spec["count"])
    out = {}
    for sel in result.provenance["selection"]:
        t = engine.table(sel["table"])
        t = t.filter(t.release_id.isin(sel["releases"]))
        col = t[subj.date_column]
        row = engine.rows(t.aggregate(lo=col.min(), hi=col.max()))[0]
        out[sel["table"]] = (row["lo"], row["hi"])
    return out


def uncovered(spans: dict, needed: list[tuple[dt.date, dt.date]]) -> list[str]:
    gaps = []
    for table, (lo, hi) in spans.items():
        for a, b in needed:
            if lo is None or a < lo or b > hi:
                gaps.append(f"{table} holds {lo} to {hi}, which does not cover {a} to {b}")
    return gaps


def _dated_by(result) -> str:
    """' (dated by …)' where the date counted needs saying: removals (ICE's removal date, or departure where a
    release has none) and any count by another date than the one ICE counts its table by."""
    date = result.provenance.get("date") or {}
    subj = subject(result.spec["count"])
    if date and (subj.basis_column or date["column"] != table_meta(subj.table).count_date):
        return f" (dated by {date['basis']})"
    return ""


def describe_value(result, kind: str, column: str, value, row: dict, who: str) -> str:
    """The value found, in words: what was counted, over which days (``who``: whose records)."""
    count, v = result.spec["count"], format_number(value)
    if kind == "window":
        w = result.provenance["window"]
        areas = result.spec["where"].get("aor_code")
        where = f" in {len(areas)} AORs" if isinstance(areas, list) else f" in {areas}" if areas else ""
        if column == "window_n":
            return f"{who} hold {v} {count} from {w['from']} to {w['to']}{where}"
        return f"{who} give {column} = {v} for {w['from']} to {w['to']}{where}"
    days = f"from {result.spec['date_from']} to {result.spec['date_to']}" + _dated_by(result)
    picked = result.rows[0] if not row and len(result.rows) == 1 else {}
    if column == "n":
        return f"{who} hold {v} {count} {days}"
    if column == "change_pct" and "prior_n" in picked:
        return (f"{who} hold {format_number(picked['n'])} {count} {days} against {format_number(picked['prior_n'])} "
                f"a year earlier, a change of {v}%")
    return f"{who} give {column} = {v} ({count} {days})"


# A claim's date basis for removals → the core_removals column that dates them: ICE's removal date is
# removal_count_date (the removal date, or the departure date where a release has none; see docs/measures.md).
DATE_BASIS_COLUMNS = {"removal": "removal_count_date", "departure": "departed_date"}


def on_date_basis(spec, basis: str):
    """(the spec counting the same records dated by the claim's basis, a note saying so), or (None, why not): the
    subject of the same table whose date column is the basis's."""
    wanted_column = DATE_BASIS_COLUMNS[basis]
    own = subject(spec.count)
    if own.date_column == wanted_column:
        return spec, f"{spec.count} counted by {basis} date ({wanted_column}), as the claim says"
    alike = [s for s in subjects().values() if s.table == own.table and s.date_column == wanted_column]
    if not alike:
        return None, (f"the claim counts {spec.count} by {basis} date ({wanted_column}), but the measures date {spec.count} "
                      f"by {own.date_column} and offer no count of {own.table} by {wanted_column}")
    return spec.model_copy(update={"count": alike[0].name}), f"{spec.count} counted by {basis} date ({wanted_column}), as the claim says"


def check_records(engine, lc: LoadedClaim) -> Check | None:
    """The records check of a claim, or None when the claim has no records measure."""
    claim, rec = lc.claim, lc.claim.measure.records
    if rec is None:
        return None
    comparison, expected, tolerance = claim.records_terms()
    kind, spec = ("window", rec.window) if rec.window is not None else ("count", rec.spec)
    base = dict(comparison=comparison, expected=expected, tolerance=tolerance)
    note = [rec.note] if rec.note else []
    if rec.date_basis:
        spec, basis_note = on_date_basis(spec, rec.date_basis)
        if spec is None:
            return Check("records", NOT_TESTABLE, True, **base, explanation=basis_note + ".",
                         testable_when="a measure counting removals by that date (the measures' subjects.csv)", notes=note)
        note.append(basis_note)
    try:
        result = operation_window(spec, engine=engine) if kind == "window" else measure(spec, engine=engine)
    except NotAvailable as exc:
        return Check("records", NOT_TESTABLE, True, **base, explanation=exc.message + ".",
                     testable_when=wanted(engine, spec, kind), notes=note)
    except IceledgerError as exc:
        raise lc.error(exc.code, exc.message, exc.fix, "measure", "records") from None
    prov = result.provenance
    synthetic = bool(prov["quality"].get("synthetic_included")) or any(r["is_synthetic"] for r in prov["releases"])
    notes = list(prov["notes"])
    if synthetic and not any(n.startswith("SYNTHETIC") for n in notes):
        notes.insert(0, "SYNTHETIC: the releases counted are synthetic, generated by iceledger, not ICE's records")
    details = dict(query="\n\n".join(f"-- {q['purpose']}\n{q['sql']}" for q in prov["sql"]), releases=prov["releases"],
                   quality=prov["quality"], notes=notes + note, rows=result.rows,
                   is_synthetic=synthetic, label=SYNTHETIC_LABEL if synthetic else None)
    decides = not synthetic
    gaps = uncovered(coverage(engine, result), periods(spec, prov.get("window")))
    if gaps:
        return Check("records", NOT_TESTABLE, decides, **base, explanation="the loaded records do not cover the period: "
                     + "; ".join(gaps) + ".", testable_when=wanted(engine, spec, kind), **details)
    column = rec.column
    try:
        value = result.provenance["overall"][column] if kind == "window" and not rec.row else result.value(column, **rec.row)
    except (KeyError, IceledgerError) as exc:
        raise lc.error("bad_records_value", f"the measure gives no single value for {column!r} ({exc})",
                       f"name one of the result's columns ({', '.join(result.columns)}) in value, and pick one row with row",
                       "measure", "records", "value") from None
    if value is None:
        return Check("records", NOT_TESTABLE, decides, **base,
                     explanation=f"the records give no value for {column} (a prior period with no records, or nothing to divide by).",
                     testable_when=wanted(engine, spec, kind), **details)
    outcome = compare(comparison, value, expected, tolerance)
    what = describe_value(result, kind, column, value, rec.row, "the SYNTHETIC records" if synthetic else "ICE's records")
    return Check("records", SUPPORTED if outcome.holds else CONTRADICTED, decides, **base, value=value,
                 explanation=f"{what}; {outcome.detail}.", **details)

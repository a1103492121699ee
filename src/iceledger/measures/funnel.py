"""The detainer funnel: detainers lodged → how they were lifted (declined by the agency, booked into
detention, other, missing) → ICE custody (an ICE arrest or a detention book-in of the same person,
in the same identifier namespace, from the day the detainer was prepared to N days after) → removal
(a removal of the same person on or after the custody date), with the median days to custody.

Detainers are dated by prepare date and placed by the detainer's own fields (facility, its county,
AOR); custody and removal are looked up in the releases the same rules select for their tables.
A stage whose table is not loaded for the detainers' namespace is reported as unknown (empty),
never as zero.
"""

from __future__ import annotations

import ibis

from iceledger.measures.count import QUALITY, engine_for
from iceledger.measures.engine import Engine
from iceledger.measures.events import build_frame, lift_group_expr
from iceledger.measures.ref_tables import NotAvailable
from iceledger.measures.result import MeasureResult, build_provenance, event_aggregates, quality_aggregates, summarise_quality
from iceledger.measures.spec import FunnelSpec, LedgerQuery

CUSTODY_SUBJECTS = ("arrests", "book_ins")
COLUMNS = ["lodged", "declined", "booked_into_detention", "lift_other", "lift_missing", "in_custody", "custody_share",
           "median_days_to_custody", "removed", "removed_share"]


def funnel(spec: FunnelSpec | dict, *, engine: Engine | None = None, home=None) -> MeasureResult:
    spec = spec if isinstance(spec, FunnelSpec) else FunnelSpec.parse(spec)
    with engine_for(engine, home) as eng:
        return run_funnel(eng, spec)


def _linked_query(spec: FunnelSpec) -> LedgerQuery:
    """The release, synthetic and duplicate rules of ``spec`` without its detainer filters."""
    return LedgerQuery(releases=spec.releases, synthetic=spec.synthetic, count_duplicates=spec.count_duplicates,
                       namespace=spec.namespace)


def _stage(eng, subjects: tuple[str, ...], spec: FunnelSpec, notes: list[str]):
    frames = []
    for s in subjects:
        try:
            frames.append(build_frame(eng, s, _linked_query(spec), []))
        except NotAvailable as exc:
            notes.append(f"{s}: {exc.message}")
    return frames


def _events(frames) -> ibis.Table | None:
    parts = [f.events.filter(f.events.person_id.notnull())
             .select(_ns=f.events.id_namespace, _syn=f.events.is_synthetic, _pid=f.events.person_id, _when=f.events._date)
             for f in frames]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])


def _reach(frames, det_spaces: list[str], stage: str, notes: list[str]) -> bool:
    spaces = {n for f in frames for n in f.selection.namespaces}
    missing = [n for n in det_spaces if n not in spaces]
    if missing:
        notes.append(f"{stage}: no records loaded in namespace {', '.join(missing)}; "
                     + ("that stage is unknown for those detainers" if len(missing) < len(det_spaces) else "that stage is unknown"))
    return len(missing) < len(det_spaces)


def _plan(eng: Engine, spec: FunnelSpec) -> tuple:
    """The funnel's frames and expressions, built (and compiled) once per engine, with the notes they gave."""
    notes: list[str] = []
    det = build_frame(eng, "detainers", spec, spec.by, extra=("detainer_lift_reason",))
    spaces = det.selection.namespaces
    custody_frames = _stage(eng, CUSTODY_SUBJECTS, spec, notes)
    removal_frames = _stage(eng, ("removals",), spec, notes)
    custody = _events(custody_frames) if _reach(custody_frames, spaces, "custody", notes) else None
    removals = _events(removal_frames) if custody is not None and _reach(removal_frames, spaces, "removal", notes) else None
    # one pass, as a count: every detainer the release rule selected, the funnel's counts taken over those the
    # duplicate and overlap rules keep and, beside them, the rules' own counts (QUALITY)
    overlap, dup = bool(det.selection.exclusions), not spec.count_duplicates  # else the flag is always false

    def kept(t):
        return (~t._overlap & ~t._dup) if overlap and dup else ~t._overlap if overlap else ~t._dup if dup else None

    def where(t, cond=None):
        k = kept(t)
        return cond if k is None else k if cond is None else k & cond

    d = det.flagged.mutate(_lift=lift_group_expr(det.flagged.detainer_lift_reason))
    who = ["id_namespace", "is_synthetic", "person_id"]
    if custody is not None:
        # custody depends only on (person, prepare date): look it up once per distinct pair
        keys = d.filter(where(d, d.person_id.notnull())).select(*who, "_date").distinct()
        j = keys.join(custody, [keys.id_namespace == custody._ns, keys.is_synthetic == custody._syn,
                                keys.person_id == custody._pid, custody._when >= keys._date,
                                custody._when <= keys._date + ibis.interval(days=spec.within_days)])
        first = j.group_by([*who, "_date"]).aggregate(_custody=j._when.min())
        d = d.left_join(first, [*who, "_date"]).select(*d.columns, "_custody")
    else:
        d = d.mutate(_custody=ibis.null("date"))
    if removals is not None:
        # removed after custody ⇔ the person's last removal is on or after the custody date
        last = removals.group_by(["_ns", "_syn", "_pid"]).aggregate(_last_removal=removals._when.max())
        d = d.left_join(last, [d.id_namespace == last._ns, d.is_synthetic == last._syn, d.person_id == last._pid])
        d = d.select(*[c for c in d.columns if c not in ("_ns", "_syn", "_pid", "_last_removal")],
                     _removed=(d._last_removal >= d._custody).fill_null(False))
    else:
        d = d.mutate(_removed=ibis.literal(False))

    def count(cond=None):
        w = where(d, cond)
        return d.count() if w is None else d.count(where=w)

    aggs = dict(
        lodged=count(), declined=count(d._lift == "declined"),
        booked_into_detention=count(d._lift == "booked_into_detention"),
        lift_other=count(d._lift == "other"), lift_missing=count(d._lift == "missing"),
        in_custody=count(d._custody.notnull()),
        median_days_to_custody=_median_days(d, kept(d)),
        removed=count(d._removed), **event_aggregates(d, det, spec.by, rows=False, where=kept(d)))
    aggs.update({QUALITY + k: v for k, v in quality_aggregates(d).items()
                 if (overlap or k != "overlap_left_out") and (dup or k != "duplicates_left_out")})
    expr = d.group_by(spec.by).aggregate(**aggs) if spec.by else d.aggregate(**aggs)
    eng.sql(expr)
    return det, custody_frames, removal_frames, custody, removals, expr, notes


def _median_days(d, kept):
    """Median days from preparation to custody of the detainers kept: their days beside NULL for the others,
    which a median skips (Spark cannot take a median with a filter)."""
    days = d._custody.delta(d._date, unit="day")
    return (days if kept is None else ibis.ifelse(kept, days, ibis.null("int64"))).median()


def run_funnel(eng: Engine, spec: FunnelSpec) -> MeasureResult:
    det, custody_frames, removal_frames, custody, removals, expr, plan_notes = eng.memo(
        ("funnel", spec.model_dump_json()), lambda: _plan(eng, spec))
    notes = list(plan_notes)
    rows = eng.rows(expr)
    qual = {"rows_read": 0, "duplicates_flagged": 0, "duplicates_left_out": 0, "overlap_left_out": 0}
    for k in [c for c in expr.columns if c.startswith(QUALITY)]:
        qual[k.removeprefix(QUALITY)] = sum(r.pop(k) or 0 for r in rows)
    if spec.by:  # a group all of whose detainers the rules left out (run by hand, the query gives it with lodged 0)
        rows = [r for r in rows if r["lodged"]]
    quality = summarise_quality(rows, qual, det, spec.by, spec.count_duplicates, spec.synthetic, rows_column="lodged")
    for r in rows:
        if custody is None:
            r.update(in_custody=None, median_days_to_custody=None)
        if removals is None:
            r["removed"] = None
        r["custody_share"] = round(r["in_custody"] / r["lodged"], 4) if r["in_custody"] is not None and r["lodged"] else None
        r["removed_share"] = round(r["removed"] / r["in_custody"], 4) if r["removed"] is not None and r["in_custody"] else None
        if r["median_days_to_custody"] is not None:
            r["median_days_to_custody"] = float(r["median_days_to_custody"])
    if custody is not None:
        _note_follow_up(eng, custody, spec, notes)
    from iceledger.measures.derive import sort_rows

    rows = sort_rows(rows, spec.by)
    sql = [{"purpose": "funnel", "sql": eng.sql(expr)}]
    prov = build_provenance(eng, [det, *custody_frames, *removal_frames], sql, quality, notes,
                            {"within_days": spec.within_days,
                             "rules": {"custody": "ICE arrest or detention book-in of the same person (same namespace) "
                                                  f"0 to {spec.within_days} days after the detainer was prepared",
                                       "removal": "removal of the same person on or after the custody date"}})
    return MeasureResult("funnel", spec.model_dump(mode="json"), [*spec.by, *COLUMNS],
                         [{k: r.get(k) for k in [*spec.by, *COLUMNS]} for r in rows], prov)


def _note_follow_up(eng, custody, spec: FunnelSpec, notes: list[str]) -> None:
    """Detainers too recent for N days of follow-up in the loaded records are flagged."""
    last_expr = custody.aggregate(last=custody._when.max())
    last = eng.memo(("custody_last", eng.sql(last_expr)), lambda: eng.rows(last_expr)[0]["last"])
    if last is None:
        return
    import datetime as dt

    cutoff = last - dt.timedelta(days=spec.within_days)
    if spec.date_to is None or spec.date_to > cutoff:
        notes.append(f"custody records end on {last}: detainers prepared after {cutoff} have fewer than "
                     f"{spec.within_days} days of follow-up, so their custody share is a lower bound")

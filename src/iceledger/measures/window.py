"""An operation window against a baseline: the events in a window of at most seven days, by area,
against the same weekdays in each of the N weeks before (mean, lowest and highest week).

The window may come from the operations registry (``operation: safe-city-2017``): its dates, and
its areas as an aor_code filter; counted by AOR, each row then carries the count the operation's
announcement gave for the area (``announced``), and the overall row the announced total. Baseline
weeks are the window moved back 7, 14, ... 7N days.
"""

from __future__ import annotations

import datetime as dt

from iceledger.errors import InputError, NotFoundError
from iceledger.measures.count import engine_for
from iceledger.measures.engine import Engine
from iceledger.measures.events import build_frame
from iceledger.measures.ref_tables import registry_table
from iceledger.measures.result import MeasureResult, build_provenance, event_aggregates, quality_aggregates, summarise_quality
from iceledger.measures.spec import WindowSpec

COLUMNS = ["window_n", "baseline_mean", "baseline_min", "baseline_max", "excess", "ratio", "baseline_weeks"]


def operation_window(spec: WindowSpec | dict, *, engine: Engine | None = None, home=None) -> MeasureResult:
    spec = spec if isinstance(spec, WindowSpec) else WindowSpec.parse(spec)
    with engine_for(engine, home) as eng:
        return run_window(eng, spec)


def _from_operation(eng, spec: WindowSpec, notes: list[str]) -> tuple[WindowSpec, dict]:
    """The spec with the operation's window and areas, and what was announced (total, per AOR)."""
    ops = registry_table(eng, "operations")
    rows = eng.rows(ops.filter(ops.operation_slug == spec.operation))
    if not rows:
        raise NotFoundError("unknown_operation", f"no operation {spec.operation!r} in the operations registry",
                            fix="see `iceledger operations list` for the slugs")
    op = rows[0]
    update = {"date_from": spec.date_from or op["start_date"], "date_to": spec.date_to or op["end_date"]}
    places = registry_table(eng, "operation_places", required=False)
    listed = eng.rows(places.filter(places.operation_slug == spec.operation)) if places is not None else []
    announced = {"operation": spec.operation, "total": op["announced_count"], "figure_id": op["figure_id"], "by_aor": {}}
    for r in listed:
        if r["aor_code"] and r["announced_count"] is not None:
            announced["by_aor"][r["aor_code"]] = announced["by_aor"].get(r["aor_code"], 0) + r["announced_count"]
    codes = sorted({r["aor_code"] for r in listed if r["aor_code"]})
    if codes and "aor_code" not in spec.where:
        update["where"] = {**spec.where, "aor_code": codes}
    notes.append(f"window and areas of operation {spec.operation} from the operations registry (source {op['source_id']})")
    data = {**spec.model_dump(), **update, "operation": None}
    out = WindowSpec.parse(data)
    return out.model_copy(update={"operation": spec.operation}), announced


def run_window(eng: Engine, spec: WindowSpec) -> MeasureResult:
    notes: list[str] = []
    announced = None
    if spec.operation:
        spec, announced = _from_operation(eng, spec, notes)
    lo, hi = spec.date_from, spec.date_to
    assert lo is not None and hi is not None  # a window spec has both ends (WindowSpec)
    length = (hi - lo).days + 1
    if length > 7:
        raise InputError("window_too_long", f"the window {lo}..{hi} is {length} days long",
                         fix="use a window of at most seven days (or a year-earlier comparison with `iceledger measure`)")
    base = lo - dt.timedelta(days=7 * spec.weeks)
    frame = build_frame(eng, spec.count, spec, spec.by, window=(base, hi))
    t = frame.events
    offset = t._date.delta(base, unit="day")
    t = t.mutate(_weeks_back=spec.weeks - offset // 7).filter(lambda x: x._date.delta(base, unit="day") % 7 < length)
    expr = t.group_by([*spec.by, "_weeks_back"]).aggregate(n=t.count(), **event_aggregates(t, frame, spec.by, rows=False))
    qual_expr = frame.flagged.aggregate(**quality_aggregates(frame.flagged))
    whole = frame.selection.apply(eng.table(frame.subject.table))
    span = whole.aggregate(first=whole[frame.subject.date_column].min())
    counts = eng.rows(expr)
    quality = summarise_quality(counts, eng.rows(qual_expr)[0], frame, spec.by, spec.count_duplicates, spec.synthetic)
    first = eng.rows(span)[0]["first"]
    if first is None or first > base:
        notes.append(f"the records counted begin on {first}, after the baseline starts ({base}): "
                     "earlier baseline weeks may be incomplete")
    groups: dict[tuple, dict[int, int]] = {}
    for r in counts:
        groups.setdefault(tuple(r[d] for d in spec.by), {})[int(r["_weeks_back"])] = r["n"]
    listed = spec.where.get("aor_code")
    if spec.by == ["aor_code"] and isinstance(listed, list):
        for code in listed:
            groups.setdefault((code,), {})
    rows = [_row(spec, key, weeks) for key, weeks in groups.items()]
    totals: dict[int, int] = {}
    for weeks in groups.values():
        for k, n in weeks.items():
            totals[k] = totals.get(k, 0) + n
    from iceledger.measures.derive import sort_rows

    rows = sort_rows(rows, spec.by)
    overall = _row(spec, (), totals)
    columns = [*spec.by, *COLUMNS]
    if announced and spec.by == ["aor_code"]:
        for r in rows:
            r["announced"] = announced["by_aor"].get(r["aor_code"])
        columns.append("announced")
    sql = [{"purpose": "window", "sql": eng.sql(expr)}, {"purpose": "quality", "sql": eng.sql(qual_expr)}]
    extra = {"window": {"from": lo, "to": hi, "days": length, "weeks": spec.weeks, "baseline_from": base},
             "overall": {k: overall[k] for k in COLUMNS}, "date": {"column": frame.subject.date_column,
                                                                     "basis": frame.subject.date_basis}}
    if announced:
        extra["announced"] = announced
    prov = build_provenance(eng, [frame], sql, quality, notes, extra)
    return MeasureResult("window", spec.model_dump(mode="json"), columns, rows, prov)


def _row(spec: WindowSpec, key: tuple, weeks: dict[int, int]) -> dict:
    base = [weeks.get(k, 0) for k in range(spec.weeks, 0, -1)]
    mean = sum(base) / len(base)
    now = weeks.get(0, 0)
    return {**dict(zip(spec.by, key)), "window_n": now, "baseline_mean": round(mean, 2), "baseline_min": min(base),
            "baseline_max": max(base), "excess": round(now - mean, 2), "ratio": round(now / mean, 2) if mean else None,
            "baseline_weeks": base}

"""`measure`: counts of events or distinct people by up to three dimensions, with shares, change
against a year earlier or before/after a date, and rates where a resident population is known."""

from __future__ import annotations

import contextlib

import ibis

from iceledger.errors import InputError
from iceledger.measures import catalog, derive
from iceledger.measures.engine import Engine, open_duckdb, row_maker, rows_built
from iceledger.measures.events import build_frame
from iceledger.measures.result import (
    MeasureResult,
    build_provenance,
    date_basis,
    event_aggregates,
    quality_aggregates,
    summarise_quality,
)
from iceledger.measures.spec import MeasureSpec

WINDOW_LABEL = "_window"
QUALITY = "_q_"  # one-pass queries: the release and duplicate rules' counts, per group
KEPT = "_kept"
SUMMED = ("_no_aor", "_synthetic", "_no_person")  # event counts a one-pass query sums over its groups (result.py)


@contextlib.contextmanager
def engine_for(engine: Engine | None, home=None):
    """``engine`` as given, or DuckDB on the ledger of ``home`` (closed afterwards)."""
    if engine is not None:
        yield engine
        return
    from iceledger.settings import load_settings

    eng = open_duckdb(load_settings(home))
    try:
        yield eng
    finally:
        eng.close()


def measure(spec: MeasureSpec | dict, *, engine: Engine | None = None, home=None) -> MeasureResult:
    """Count what ``spec`` asks for. Runs on ``engine`` (default: DuckDB on the ledger of ``home``)."""
    spec = spec if isinstance(spec, MeasureSpec) else MeasureSpec.parse(spec)
    with engine_for(engine, home) as eng:
        return run_measure(eng, spec)


def _windows(spec: MeasureSpec):
    """The query window, and the label expression splitting current from prior when comparing."""
    lo, hi = spec.date_from, spec.date_to
    if spec.compare != "year_earlier" or not (lo or hi):
        return (lo, hi), None
    plo, phi = (derive.minus_year(lo) if lo else None), (derive.minus_year(hi) if hi else None)
    if lo and hi and plo and phi and phi >= lo:
        raise InputError("window_too_long", f"the window {lo}..{hi} is longer than a year, so it overlaps the year before",
                         fix="compare a window of at most one year, or add a time dimension (by month or fy) without a window")

    def label(date):
        current = ibis.literal(True)
        prior = ibis.literal(True)
        if lo:
            current &= date >= lo
            prior &= date >= plo
        if hi:
            current &= date <= hi
            prior &= date <= phi
        return ibis.cases((current, "current"), (prior, "prior"), else_=ibis.null("string"))

    return ((plo, hi), label)


def _plan(eng: Engine, spec: MeasureSpec) -> tuple:
    """The frame, grouping and expressions of ``spec``: built (and their SQL compiled) once per engine."""
    window, label = _windows(spec)
    frame = build_frame(eng, spec.count, spec, spec.by, policy=spec.policy, window=window)
    if spec.unit == "people" and len(frame.selection.namespaces) > 1:
        raise InputError("people_across_namespaces",
                         f"distinct people cannot be counted across identifier namespaces: the {spec.count} counted span "
                         f"{', '.join(frame.selection.namespaces)}, and ICE's person identifiers do not link across eras",
                         fix=f"add namespace (--namespace {frame.selection.namespaces[-1].split(' ')[0]}) or pin releases of one era")
    folded = frame.subject.duplicate_rule != "stay"
    t = frame.flagged if folded else frame.events
    counted = frame.events  # the rows counted, for the date basis (provenance)
    group = list(spec.by)
    if label is not None:
        t = t.mutate(**{WINDOW_LABEL: label(t._date)}).filter(lambda x: x[WINDOW_LABEL].notnull())
        counted = counted.filter(label(counted._date).notnull())
        group.append(WINDOW_LABEL)
    if spec.compare == "before_after":
        t = t.mutate(period=ibis.ifelse(t._date < spec.compare_date, "before", "after"))
        group.insert(0, "period")
    people = spec.unit == "people"
    if folded:  # one pass: the rows counted and, beside them, the rows the rules left out
        overlap, dup = bool(frame.selection.exclusions), not spec.count_duplicates  # else the flag is always false
        kept = (~t._overlap & ~t._dup) if overlap and dup else ~t._overlap if overlap else ~t._dup if dup else None
        aggs = {"n": t.person_id.nunique(where=kept) if people else t.count(where=kept)}
        if people:
            aggs[KEPT] = t.count(where=kept)
        aggs.update(event_aggregates(t, frame, group, rows=False, people=people, where=kept))
        aggs.update({QUALITY + k: v for k, v in quality_aggregates(t).items()
                     if (overlap or k != "overlap_left_out") and (dup or k != "duplicates_left_out")})
        qual_expr = None
    else:  # stays: the first stint of each stay is a window over the kept rows, so the rule's counts take a pass of their own
        aggs = {"n": t.person_id.nunique() if people else t.count(),
                **event_aggregates(t, frame, group, rows=people, people=people)}
        qual_t = frame.flagged
        if label is not None:  # the rows of both windows, not the days between them
            qual_t = qual_t.filter(label(qual_t._date).notnull())
        qual_expr = qual_t.aggregate(**quality_aggregates(qual_t))
        eng.sql(qual_expr)
    agg = t.group_by(group).aggregate(**aggs) if group else t.aggregate(**aggs)
    if group:  # rows in dimension order, missing values last, sorted by the engine
        agg = agg.order_by([ibis.asc(c, nulls_first=False) for c in group])
    eng.sql(agg)
    return frame, group, label is not None, agg, qual_expr, counted


def _split_quality(names: list[str], cols: list[list], totals: dict, people: bool, group: list[str]) -> tuple[list[dict], dict, dict]:
    """From a one-pass query read with its rule's and event counts summed (``totals``, over every group: the
    event counts are of counted rows, so 0 in a group without any): the rule's counts (a count the query left
    out because its rule cannot leave anything out is 0), the groups that hold counted rows, and the event
    counts (``SUMMED``, plus ``_counted``: the rows counted, and ``_no_aor`` when aor_code is a dimension: those
    of its missing value), which stay unset when no group holds counted rows."""
    qual = {"rows_read": 0, "duplicates_flagged": 0, "duplicates_left_out": 0, "overlap_left_out": 0}
    qual.update({k.removeprefix(QUALITY): v for k, v in totals.items() if k.startswith(QUALITY)})
    kept_at = names.index(KEPT if people else "n")
    if group and not all(cols[kept_at]):
        held = [j for j, v in enumerate(cols[kept_at]) if v]
        cols = [[c[j] for j in held] if c else c for c in cols]
    sums = {}
    if cols[kept_at]:
        sums = {k: v for k, v in totals.items() if k in SUMMED}
        sums["_counted"] = sum(filter(None, cols[kept_at]))
        if "aor_code" in group:
            sums["_no_aor"] = sum(n or 0 for n, a in zip(cols[kept_at], cols[names.index("aor_code")]) if a is None)
    keep = [i for i, k in enumerate(names) if not k.startswith(QUALITY) and k not in SUMMED and k != KEPT]
    rows = row_maker(tuple(names[i] for i in keep))(*(cols[i] for i in keep))
    return rows, qual, sums


def run_measure(eng: Engine, spec: MeasureSpec) -> MeasureResult:
    frame, group, labelled, agg, qual_expr, counted = eng.memo(("measure", spec.model_dump_json()), lambda: _plan(eng, spec))
    sums = None
    if qual_expr is None:
        names, cols, totals = eng.columns(agg, totals=[k for k in agg.columns if k.startswith(QUALITY) or k in SUMMED])
        with rows_built():
            rows, qual, sums = _split_quality(names, cols, totals, spec.unit == "people", group)
    else:
        rows = eng.rows(agg)
        qual = eng.rows(qual_expr)[0]
    quality = summarise_quality(rows, qual, frame, group, spec.count_duplicates, spec.synthetic, sums=sums)
    notes: list[str] = []
    dims = [d for d in group if d != WINDOW_LABEL]
    columns = dims + ["n"]
    if spec.compare == "year_earlier":
        rows, added = derive.year_earlier(rows, dims, labelled, notes)
        columns += added
    elif spec.compare == "before_after":
        assert spec.date_from and spec.compare_date and spec.date_to  # the spec's validator requires them
        rows, added = derive.before_after(rows, dims, spec.date_from, spec.compare_date, spec.date_to)
        columns += added
    if spec.share:
        columns += derive.shares(rows, dims)
    if spec.rate:
        from iceledger.measures.rates import add_rates

        columns += add_rates(eng, rows, dims, spec, notes)
    sql = [{"purpose": "measure", "sql": eng.sql(agg)}]
    if qual_expr is not None:
        sql.append({"purpose": "quality", "sql": eng.sql(qual_expr)})
    extra = {"unit": spec.unit, "subject": catalog.subject(spec.count).description, "date": date_basis(eng, frame, counted)}
    prov = build_provenance(eng, [frame], sql, quality, notes, extra)
    return MeasureResult("count", spec.model_dump(mode="json"), columns, rows, prov)


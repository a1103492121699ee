"""The event frame every measure starts from: one row per counted event of a subject, with the
dimensions asked for, after the release rule, the duplicate rule, the window and the filters.

Order matters and is fixed: releases → duplicate flags → (stays: the first stint of each stay) →
dimensions → date window → filters. The same steps without dropping anything give the quality
frame, which counts what the rules left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis

from iceledger.errors import InputError
from iceledger.measures import catalog
from iceledger.measures.ref_tables import NotAvailable, registry_table
from iceledger.measures.selection import Selection, select_releases
from iceledger.measures.spec import LedgerQuery

KEY = ["release_id", "source_file", "source_sheet", "source_row"]
ALWAYS = ["person_id", "id_namespace", "is_synthetic", "aor_code", "is_duplicate_likely"]


@dataclass
class Frame:
    """``events``: the counted rows (dimension columns, ``_date`` and the ALWAYS columns);
    ``flagged``: the same before rows were left out, with ``_dup`` and ``_overlap`` flags."""

    subject: catalog.Subject
    selection: Selection
    dims: list[str]
    events: ibis.Table
    flagged: ibis.Table
    notes: list[str] = field(default_factory=list)
    registries: list[str] = field(default_factory=list)


def method_group_expr(method, date):
    """The CASE expression of methods.csv: one branch per group where a method's group never
    changes, and dated branches where a later version regroups it."""
    rules = catalog.method_rules()
    by_method: dict[str, list] = {}
    for r in rules:
        by_method.setdefault(r.method, []).append(r)
    steady: dict[str, list[str]] = {}
    branches = []
    for m, rs in by_method.items():
        if len({r.group for r in rs}) == 1:
            steady.setdefault(rs[0].group, []).append(m)
            continue
        for r in rs:
            cond = method == m
            if r.valid_from:
                cond &= date >= r.valid_from
            if r.valid_to:
                cond &= date <= r.valid_to
            branches.append((cond, r.group))
    branches += [(method.isin(ms), g) for g, ms in steady.items() if g != "other"]  # 'other' is the default
    return ibis.cases(*branches, else_=ibis.ifelse(method.isnull(), ibis.null("string"), ibis.literal("other")))


def lift_group_expr(reason):
    key = reason.strip().lower()
    branches = [(reason.isnull() | (key == ""), "missing")]
    groups: dict[str, list[str]] = {}
    for value, group in catalog.lift_groups().items():
        groups.setdefault(group, []).append(value)
    branches += [(key.isin(vs), g) for g, vs in groups.items()]
    return ibis.cases(*branches, else_="other")


def time_expr(name: str, date):
    """The period of ``date``: weeks and months as dates (DuckDB truncates a date to a timestamp; the cast
    makes the engine give dates rather than every row being converted afterwards)."""
    if name == "day":
        return date
    if name == "week":
        return date.truncate("W").cast("date")
    if name == "month":
        return date.truncate("M").cast("date")
    if name == "year":
        return date.year().cast("int32")
    return (date.year() + (date.month() >= 10).cast("int32")).cast("int32")


def parse_value(dim: str, value):
    """A filter value as the dimension's type (fiscal years and years as integers, periods as dates)."""
    if dim in ("fy", "year"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InputError("bad_filter", f"{dim}={value!r} is not a year", fix=f"write e.g. {dim}=2025") from None
    if dim in ("day", "week", "month"):
        text = str(value)
        try:
            d = dt.date.fromisoformat(text if len(text) > 7 else text + "-01")
        except ValueError:
            raise InputError("bad_filter", f"{dim}={value!r} is not a date", fix=f"write e.g. {dim}=2025-01-01") from None
        return d
    return str(value)


def _mark_duplicates(t: ibis.Table, subject: catalog.Subject, count_duplicates: bool) -> ibis.Table:
    """Add ``_dup``: True for rows a duplicate rule leaves out. The source position (KEY) only orders
    rows inside a duplicate group, so it is dropped afterwards unless stays still need it."""
    keep_key = subject.duplicate_rule == "stay"
    rest = [c for c in t.columns if keep_key or c not in KEY[1:]]
    if count_duplicates:
        return t.select(*rest, _dup=ibis.literal(False))
    if subject.duplicate_rule == "episode":
        return t.select(*rest, _dup=~t.is_episode_first.fill_null(True))
    flagged = t.is_duplicate_likely.fill_null(False)
    order = [t.source_file, t.source_sheet, t.source_row]
    w = ibis.window(group_by=[t.release_id, t.person_id, t[subject.duplicate_date]], order_by=order)
    lone = t.filter(~flagged).select(*rest, _dup=ibis.literal(False))
    dups = t.filter(flagged).mutate(_dup=ibis.row_number().over(w) > 0).select(*rest, "_dup")
    return lone.union(dups)


def _first_stints(t: ibis.Table) -> ibis.Table:
    """One row per stay: the earliest stint of each (release, person, stay book-in)."""
    t = t.filter(t.person_id.notnull() & t.stay_book_in_datetime.notnull())
    w = ibis.window(group_by=[t.release_id, t.person_id, t.stay_book_in_datetime],
                    order_by=[t.book_in_datetime, t.source_file, t.source_sheet, t.source_row])
    return t.mutate(_n=ibis.row_number().over(w)).filter(lambda x: x._n == 0).drop("_n")


def _with_dims(engine, t: ibis.Table, subject: catalog.Subject, dims: list[str], policy, frame_notes: list[str],
               used: list[str]) -> ibis.Table:
    values = {}
    registry_dims = [d for d in dims if catalog.dimension(d, subject.name).kind == "registry"]
    if registry_dims:
        fac = registry_table(engine, "facilities")
        used.append("facilities")
        fac = fac.select(_fcode=fac.detention_facility_code, _f_county=fac.county_fips, _f_state=fac.state_code)
        t = t.left_join(fac, t.detention_facility_code == fac._fcode).drop("_fcode")
    for d in dims:
        spec = catalog.dimension(d, subject.name)
        if spec.kind == "time":
            values[d] = time_expr(d, t._date)
        elif spec.kind == "column":
            values[d] = t[spec.column]
        elif spec.kind == "registry":
            values[d] = t["_f_county" if spec.column == "county_fips" else "_f_state"]
        elif spec.kind == "method_group":
            values[d] = method_group_expr(t[spec.column], t._date)
        elif spec.kind == "lift_group":
            values[d] = lift_group_expr(t[spec.column])
        elif spec.kind == "policy":
            from iceledger.measures.policy import policy_period

            t, values[d] = policy_period(engine, t, subject, policy, frame_notes)
            used.append("policies")
    return t.mutate(**values) if values else t


def select_columns(subject: catalog.Subject, dims: list[str], extra: tuple[str, ...]) -> list[str]:
    cols = KEY + ALWAYS + [subject.date_column, subject.duplicate_date, *subject.coverage_date, *extra]
    if subject.basis_column:
        cols.append(subject.basis_column)
    if subject.duplicate_rule == "episode":
        cols.append("is_episode_first")
    if subject.name in ("stays", "book_ins"):
        cols += ["stay_book_in_datetime", "book_in_datetime", "detention_facility_code"]
    for d in dims:
        spec = catalog.dimension(d, subject.name)
        if spec.kind in ("column", "method_group", "lift_group"):
            cols.append(spec.column)
        elif spec.kind in ("registry", "policy"):
            cols += [c for c in ("detention_facility_code", "apprehension_state", "facility_state", "county_fips") if c in _columns(subject)]
    return list(dict.fromkeys(cols))


def _columns(subject: catalog.Subject) -> tuple[str, ...]:
    from iceledger.metadata import table

    return table(subject.table).columns


def build_frame(engine, party_name: str, query: LedgerQuery, dims: list[str], *, extra: tuple[str, ...] = (),
                policy: str | None = None, window: tuple[dt.date | None, dt.date | None] | None = None) -> Frame:
    """The events of ``party_name`` that ``query`` counts, with ``dims`` (plus the filter dimensions)."""
    subject = catalog.subject(party_name)
    sel = select_releases(engine, subject, query)
    if not sel.chosen:
        raise NotAvailable("no_releases", f"no release in this ledger has {subject.table.removeprefix('core_').replace('_', ' ')} "
                                          f"to count as {subject.name}" + _set_aside_text(sel),
                           fix="ingest a release holding this table (`iceledger ingest`), or change the synthetic option")
    all_dims = list(dict.fromkeys([*dims, *query.where]))
    t = engine.table(subject.table)
    t = sel.apply(t, drop_overlap=False)
    t = t.select(*select_columns(subject, all_dims, extra))
    over = sel.overlap_expr(t)
    t = t.mutate(_overlap=over if over is not None else ibis.literal(False))
    t = _mark_duplicates(t, subject, query.count_duplicates)
    kept = t
    if over is not None:
        kept = kept.filter(~kept._overlap)
    if not query.count_duplicates:
        kept = kept.filter(kept.is_episode_first.fill_null(True) if subject.duplicate_rule == "episode" else ~kept._dup)
    if subject.duplicate_rule == "stay":
        kept = _first_stints(kept)
    notes: list[str] = []
    used: list[str] = []
    lo, hi = window if window is not None else (query.date_from, query.date_to)
    frames = []
    for counted, frame in ((True, kept), (False, t)):
        frame = frame.mutate(_date=frame[subject.date_column])
        frame = _with_dims(engine, frame, subject, all_dims, policy, notes if counted else [], used if counted else [])
        if lo is not None:
            frame = frame.filter(frame._date >= lo)
        if hi is not None:
            frame = frame.filter(frame._date <= hi)
        for k, v in query.where.items():
            vals = [parse_value(k, x) for x in (v if isinstance(v, list) else [v])]
            frame = frame.filter(frame[k].isin(vals) if len(vals) > 1 else frame[k] == vals[0])
        frames.append(frame)
    return Frame(subject, sel, list(dims), frames[0], frames[1], notes, list(dict.fromkeys(used)))


def _set_aside_text(sel: Selection) -> str:
    if not sel.set_aside:
        return ""
    return " (set aside: " + "; ".join(f"{s['release_id']}: {s['reason']}" for s in sel.set_aside) + ")"

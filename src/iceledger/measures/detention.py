"""Detention population and length of stay, from detention stints; from ICE's published detention
statistics when no records cover the window.

- Average daily population (ADP) of a period = person-days in detention in the period / days in
  the period. A person counts on a day when booked in on or before it and not booked out by its
  end (a midnight count): a stint contributes the days from its book-in date up to, not including,
  its book-out date. Stints still open are counted through the last date the loaded records reach
  (their horizon), and periods beyond the horizon are cut to it (and said so).
- Book-ins: stays (stints sharing a person and a stay book-in) that began in the period.
- Length of stay: stays that ended (stay book-out) in the period, days from stay book-in to
  stay book-out; ALOS is their mean, with the median beside it.
"""

from __future__ import annotations

import datetime as dt

import ibis

from iceledger.measures import catalog
from iceledger.measures.count import engine_for
from iceledger.measures.engine import Engine
from iceledger.measures.events import build_frame
from iceledger.measures.periods import periods_between
from iceledger.measures.ref_tables import NotAvailable
from iceledger.measures.result import MeasureResult, build_provenance, event_aggregates, quality_aggregates, summarise_quality
from iceledger.measures.spec import PopulationSpec

COLUMNS = ["days", "person_days", "adp", "book_ins", "book_outs", "alos_days", "median_los_days"]


def detention_population(spec: PopulationSpec | dict, *, engine: Engine | None = None, home=None) -> MeasureResult:
    spec = spec if isinstance(spec, PopulationSpec) else PopulationSpec.parse(spec)
    with engine_for(engine, home) as eng:
        try:
            return run_population(eng, spec)
        except NotAvailable as exc:
            if exc.code not in ("no_releases", "no_records_in_window"):
                raise
            from iceledger.measures.published import published_population

            return published_population(eng, spec, because=exc.message)


def run_population(eng: Engine, spec: PopulationSpec) -> MeasureResult:
    time = next((d for d in spec.by if d in catalog.TIME_DIMENSIONS), None)
    dims = [d for d in spec.by if d != time]
    notes: list[str] = []
    stints = build_frame(eng, "book_ins", spec, dims, window=(None, None), extra=("book_out_date",))
    s = stints.events
    assert spec.date_from is not None and spec.date_to is not None  # a detention measure has a window (DetentionSpec)
    horizon = eng.rows(s.aggregate(h=ibis.greatest(s.book_in_date.max(), s.book_out_date.max())))[0]["h"]
    if horizon is None or horizon < spec.date_from:
        raise NotAvailable("no_records_in_window", f"the detention records loaded end on {horizon}, before {spec.date_from}",
                           fix="ingest a release of detention stints that covers the window")
    end = min(spec.date_to, horizon)
    if end < spec.date_to:
        notes.append(f"the detention records end on {horizon}: periods are cut there (people still detained are counted through it)")
    cal_rows = periods_between(time, spec.date_from, end)
    cal = ibis.memtable({"_period": [p[0] for p in cal_rows], "_pstart": [p[1] for p in cal_rows],
                         "_pend": [p[2] for p in cal_rows]},
                        schema={"_period": "int32" if time in ("fy", "year") else "date", "_pstart": "date", "_pend": "date"})
    days = {p[0]: (p[2] - p[1]).days for p in cal_rows}
    open_end = horizon + dt.timedelta(days=1)
    s = s.mutate(_in=s.book_in_date, _out=s.book_out_date.fill_null(open_end)).filter(lambda x: x._in.notnull())
    j = s.join(cal, [s._in < cal._pend, s._out > cal._pstart])
    person_days = ibis.least(j._out, j._pend).delta(ibis.greatest(j._in, j._pstart), unit="day")
    adp_expr = j.group_by(["_period", *dims]).aggregate(person_days=person_days.sum(), **event_aggregates(j, stints, dims))
    stays = build_frame(eng, "stays", spec, dims, window=(None, None), extra=("stay_book_out_date",)).events
    b = stays.join(cal, [stays.stay_book_in_date >= cal._pstart, stays.stay_book_in_date < cal._pend])
    in_expr = b.group_by(["_period", *dims]).aggregate(book_ins=b.count())
    o = stays.join(cal, [stays.stay_book_out_date >= cal._pstart, stays.stay_book_out_date < cal._pend])
    los = o.stay_book_out_date.delta(o.stay_book_in_date, unit="day")
    out_expr = o.group_by(["_period", *dims]).aggregate(book_outs=o.count(), alos_days=los.mean(), median_los_days=los.median())
    qual_expr = stints.flagged.aggregate(**quality_aggregates(stints.flagged))
    quality_keys = [k for k in adp_expr.columns if k.startswith("_") and k != "_period"]
    merged: dict[tuple, dict] = {}
    for expr in (adp_expr, in_expr, out_expr):
        for r in eng.rows(expr):
            key = (r["_period"], *(r[d] for d in dims))
            merged.setdefault(key, {"_period": r["_period"], **{d: r[d] for d in dims}, "person_days": 0, "book_ins": 0,
                                    "book_outs": 0, "alos_days": None, "median_los_days": None,
                                    **{k: 0 for k in quality_keys}}).update(r)
    rows = list(merged.values())
    quality = summarise_quality(rows, eng.rows(qual_expr)[0], stints, dims, spec.count_duplicates, spec.synthetic)
    quality["rows_counted_meaning"] = "stints overlapping a period (a stint spanning two periods counts in each)"
    for r in rows:
        period = r.pop("_period")
        if time:
            r[time] = period
        r["days"] = days[period]
        r["adp"] = round(r["person_days"] / r["days"], 2) if r["days"] else None
        for k in ("alos_days", "median_los_days"):
            r[k] = round(float(r[k]), 2) if r[k] is not None else None
    from iceledger.measures.derive import sort_rows

    by = ([time] if time else []) + dims
    rows = sort_rows(rows, by)
    sql = [{"purpose": "person_days", "sql": eng.sql(adp_expr)}, {"purpose": "book_ins", "sql": eng.sql(in_expr)},
           {"purpose": "length_of_stay", "sql": eng.sql(out_expr)}, {"purpose": "quality", "sql": eng.sql(qual_expr)}]
    prov = build_provenance(eng, [stints], sql, quality, notes, {"source": "records", "horizon": horizon})
    return MeasureResult("population", spec.model_dump(mode="json"), [*by, *COLUMNS],
                         [{k: r.get(k) for k in [*by, *COLUMNS]} for r in rows], prov)

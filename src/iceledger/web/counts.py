"""Tables of counts from the publication's tabulations: trends, breakdowns, the detainer funnel,
places and the map, and an operation's window. Each table gets its rows' origin (real, synthetic or
both), its place, period and unit, and a chart drawn from the same rows."""

from __future__ import annotations

from iceledger.web import charts
from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter
from iceledger.web.labels import category_label, measure_label, withheld_label
from iceledger.web.table import REAL, SYNTHETIC, Column, Table, count, fy_period, month_period, origin_of, records_source

LEAD_MEASURES = ("arrests", "removals", "encounters")


def lead(data: WebData, f: Formatter) -> Table:
    """What the home page leads with: national counts by fiscal year from ICE's own records (never the
    synthetic sample), a measure a row, with the releases they come from and where a year is partial."""
    years = data.lead_years(LEAD_MEASURES)
    fys = sorted({fy for cells in years.values() for fy in cells})
    rows = [{"measure": measure_label(f, m), **{f"fy{fy}": count(cells[fy]) if fy in cells else None for fy in fys}}
            for m, cells in years.items() if cells]
    src, href = records_source(data, f, LEAD_MEASURES, fys)
    notes = [f.gettext("A dash: the release holds no records of that kind for the year.")] if \
        any(v is None for r in rows for v in r.values()) else []
    counted = {i for m in LEAD_MEASURES for s in data.series_of(m, fys) for i in s["release_ids"]}
    for r in data.releases():
        end = r.get("coverage_to_date")
        fy = end and end.year + (end.month >= 10)
        if r["release_id"] in counted and fy in fys and (end.month, end.day) != (9, 30):
            notes.append(f.gettext("Fiscal year %(fy)s runs only to %(day)s: the release ends there.",
                                   fy=fy, day=f.date(end, "long")))
    return Table("lead", f.gettext("ICE's own records: national counts by fiscal year"),
                 [Column("measure", f.gettext("Counted")), *[Column(f"fy{fy}", f.gettext("FY%(fy)s", fy=fy), "count")
                                                           for fy in fys]],
                 rows, src, href, REAL if rows else "", place=f.gettext("United States"), period=fy_period(f, fys),
                 unit=f.gettext("events counted in ICE's records (not people)"), note=" ".join(notes),
                 empty=f.gettext("No release of ICE's own records is loaded: every count on this site is synthetic."))


def unit(f: Formatter, measure: str) -> str:
    return f.gettext("%(what)s counted in ICE's records (events, not people)", what=measure_label(f, measure))


def of_origin(rows: list[dict], origin: str | None) -> list[dict]:
    """The rows of one series: ICE's records (``real``) or the synthetic sample; all rows for None."""
    return rows if origin is None else [r for r in rows if bool(r["is_synthetic"]) == (origin == SYNTHETIC)]


def origins(data: WebData, measure: str, level: str = "national", code: str | None = None) -> list[str]:
    """The series a measure has at a place, ICE's records first."""
    rows = data.series(measure, "month", level, code) or data.series(measure, "fy", level, code)
    flags = {bool(r["is_synthetic"]) for r in rows}
    return [o for o, flag in ((REAL, False), (SYNTHETIC, True)) if flag in flags]


def trend(data: WebData, f: Formatter, *, measure: str, level: str = "national", code: str | None = None,
          place_name: str | None = None, origin: str | None = None) -> Table:
    """Counts by month; by fiscal year where the publication has only years for the place (counties
    whose months were too thin to publish). With ``origin``, one series only (real or synthetic): pages
    draw ICE's records and the synthetic sample as two charts, never one line."""
    rows = of_origin(data.series(measure, "month", level, code), origin)
    wl = withheld_label(f, data.threshold)
    where = place_name or f.gettext("United States")
    params = {"measure": measure, "level": level, "code": code, "origin": origin}
    ident = f"trend-{measure}" + ("-synthetic" if origin == SYNTHETIC else "")
    suffix = (" — " + f.gettext("synthetic sample")) if origin == SYNTHETIC else ""
    common = dict(params=params, place=where, unit=unit(f, measure),
                  empty=f.gettext("No %(what)s are published for this place: the loaded releases hold none here, "
                                  "or too few to publish.", what=measure_label(f, measure).lower()))
    if not rows and level != "national":
        years = of_origin(data.series(measure, "fy", level, code), origin)
        if years:
            src, href = records_source(data, f, measure, {r["period_fy"] for r in years})
            title = f.gettext("%(measure)s by fiscal year, %(place)s", measure=measure_label(f, measure), place=where) + suffix
            t = Table(ident, title, [Column("fy", f.gettext("Fiscal year")),
                                                  Column("count", measure_label(f, measure), "count")],
                      [{"fy": r["period_fy"], "count": count(r)} for r in years], src, href, origin_of(years),
                      period=fy_period(f, [r["period_fy"] for r in years]), **common)
            bars = [{"label": f.gettext("FY%(fy)s", fy=r["period_fy"]), **r} for r in years]
            t.chart = charts.bars(bars, title=title, x_title=measure_label(f, measure), f=f, withheld_label=wl)
            return t
    src, href = records_source(data, f, measure, {r["period_fy"] for r in rows})
    title = f.gettext("%(measure)s by month, %(place)s", measure=measure_label(f, measure), place=where) + suffix
    t = Table(ident, title, [Column("month", f.gettext("Month"), "month"),
                                          Column("count", measure_label(f, measure), "count")],
              [{"month": r["period_date"], "count": count(r)} for r in rows], src, href, origin_of(rows),
              period=month_period(f, rows), **common)
    if rows:
        t.chart = charts.trend(rows, title=title, y_title=measure_label(f, measure), f=f, withheld_label=wl)
    return t


def breakdown(data: WebData, f: Formatter, *, measure: str, category: str, level: str = "national",
              code: str | None = None, fy: int | None = None, place_name: str | None = None) -> Table:
    fy = int(fy) if fy else (data.fiscal_years(measure) or [None])[-1]
    rows = data.series(measure, "fy", level, code, category=category, fy=fy)
    for r in rows:
        r["label"] = category_label(f, category, r["category_value"])
    src, href = records_source(data, f, measure, [fy])
    title = f.gettext("%(measure)s by %(category)s, fiscal year %(fy)s", measure=measure_label(f, measure),
                      category=category_label(f, category), fy=fy)
    t = Table(f"breakdown-{measure}-{category}", title,
              [Column("label", category_label(f, category)), Column("count", measure_label(f, measure), "count")],
              [{"label": r["label"], "count": count(r)} for r in rows], src, href, origin_of(rows),
              params={"measure": measure, "category": category, "level": level, "code": code, "fy": fy},
              place=place_name or f.gettext("United States"), period=fy_period(f, [fy]), unit=unit(f, measure),
              empty=f.gettext("Nothing is published for fiscal year %(fy)s.", fy=fy))
    if rows:
        t.chart = charts.bars(rows, title=title, x_title=measure_label(f, measure), f=f,
                              withheld_label=withheld_label(f, data.threshold))
    return t


def funnel(data: WebData, f: Formatter, *, level: str = "national", code: str | None = None,
           fy: int | None = None, place_name: str | None = None) -> Table:
    fy = int(fy) if fy else (data.fiscal_years("detainers") or [None])[-1]
    rows = data.series("detainers", "fy", level, code, category="funnel_outcome", fy=fy)
    for r in rows:
        r["label"] = category_label(f, "funnel_outcome", r["category_value"])
    src, href = records_source(data, f, "detainers", [fy])
    title = f.gettext("What followed the detainers lodged in fiscal year %(fy)s", fy=fy)
    t = Table("funnel", title, [Column("label", f.gettext("Outcome")), Column("count", f.gettext("Detainers"), "count")],
              [{"label": r["label"], "count": count(r)} for r in rows], src, href, origin_of(rows),
              params={"level": level, "code": code, "fy": fy}, place=place_name or f.gettext("United States"),
              period=fy_period(f, [fy]), unit=unit(f, "detainers"),
              note=f.gettext("Custody means an ICE arrest or detention book-in within 30 days of the detainer."),
              empty=f.gettext("No detainers are published for fiscal year %(fy)s.", fy=fy))
    if rows:
        t.chart = charts.bars(rows, title=title, x_title=f.gettext("Detainers"), f=f,
                              withheld_label=withheld_label(f, data.threshold))
    return t


def places(data: WebData, f: Formatter, *, measure: str, level: str = "county", fy: int | None = None,
           parent: str | None = None, aor: str | None = None) -> Table:
    """Every county of a state (``parent``) or of an AOR (``aor``), each linked to its page, with its
    published count for the fiscal year; or every place of a level with a published count."""
    fy = int(fy) if fy else (data.fiscal_years(measure) or [None])[-1]
    names = data.place_names(level)
    cells = {r["place_code"]: r for r in data.by_place(measure, level, fy, parent)}
    if level == "county" and (parent or aor):
        codes = data.counties_in(state=parent, aor=aor)
    else:
        codes = list(cells)
    href = "/facility/{}" if level == "facility" else f"/area/{level}/{{}}"
    out = [{"place": {"text": names.get(c) or category_label(f, "place", c),
                      "href": href.format(c) if c in names else None},
            "count": count(cells[c]) if c in cells else None} for c in codes]
    out.sort(key=lambda r: r["place"]["text"])
    src, src_href = records_source(data, f, measure, [fy])
    title = f.gettext("%(measure)s by place, fiscal year %(fy)s", measure=measure_label(f, measure), fy=fy)
    return Table(f"places-{measure}-{level}", title,
                 [Column("place", f.gettext("Place"), "link", "en"), Column("count", measure_label(f, measure), "count")],
                 out, src, src_href, origin_of(list(cells.values())),
                 params={"measure": measure, "level": level, "fy": fy, "parent": parent, "aor": aor},
                 period=fy_period(f, [fy]), unit=unit(f, measure),
                 note=f.gettext("A dash means no count is published for the place that year."))


def map_table(data: WebData, f: Formatter, *, measure: str, level: str, fy: int | None = None) -> Table:
    """The map's values by place, and the choropleth drawn from them (AORs painted county by county);
    each shape links to its place's page."""
    fy = int(fy) if fy else (data.fiscal_years(measure) or [None])[-1]
    t = places(data, f, measure=measure, level=level, fy=fy)
    t.id = "map"
    t.params = {"measure": measure, "level": level, "fy": fy}
    t.place = f.gettext("United States, by %(level)s", level=category_label(f, "level", level))
    wl = withheld_label(f, data.threshold)
    names = data.place_names(level)
    by_code = {r["place_code"]: r for r in data.by_place(measure, level, fy)}
    lang = "" if f.lang == "en" else f"?lang={f.lang}"
    owners = data.county_aor().items() if level == "aor" else ((c, c) for c in by_code)
    values = []
    for fips, code in owners:
        r = by_code.get(code)
        if r is not None and code in names:
            values.append({"fips": fips, "name": names[code], "count": r["cell_count"], "withheld": r["is_withheld"],
                           "text": wl if r["is_withheld"] else f.number(r["cell_count"]),
                           "url": f"/area/{level}/{code}{lang}"})
    t.title = f.gettext("%(measure)s by %(level)s, fiscal year %(fy)s", measure=measure_label(f, measure),
                        level=category_label(f, "level", level), fy=fy)
    t.chart = charts.choropleth(values, title=t.title, legend_title=measure_label(f, measure), f=f, withheld_label=wl,
                                no_count_label=f.gettext("no published count"))
    return t


def operation_weeks(data: WebData, f: Formatter, *, slug: str) -> Table:
    rows = [r for r in data.operation_windows(slug) if r["aor_code"] is None and r["week_offset"] is not None]
    for r in rows:
        n = -r["week_offset"]
        r["label"] = (f.gettext("Operation window") if n == 0 else
                      f.ngettext("%(num)s week before", "%(num)s weeks before", n)) + \
            f" ({f.date(r['window_start_date'], 'd MMM')}–{f.date(r['window_end_date'], 'd MMM')})"
    src, href = records_source(data, f, release_ids=data.window_releases(slug))
    title = f.gettext("Arrests in the operation's areas: its days against the same weekdays of earlier weeks")
    days = sorted(d for r in rows for d in (r["window_start_date"], r["window_end_date"]) if d)
    t = Table("operation-weeks", title, [Column("label", f.gettext("Days")), Column("count", f.gettext("Arrests"), "count")],
              [{"label": r["label"], "count": count(r)} for r in rows], src, href, origin_of(rows),
              params={"slug": slug}, place=f.gettext("The operation's areas (their whole AORs)"),
              period=f"{f.date(days[0], 'long')} – {f.date(days[-1], 'long')}" if days else "", unit=unit(f, "arrests"),
              empty=f.gettext("The window against a baseline is computed for operations of at most seven known days "
                              "with known areas."))
    if rows:
        t.chart = charts.bars(rows, title=title, x_title=f.gettext("Arrests"), f=f,
                              withheld_label=withheld_label(f, data.threshold))
    return t


def window_summary(data: WebData, f: Formatter, *, slug: str) -> dict | None:
    """An operation's window in one sentence (the records on its days, the weeks before, what was announced),
    with the query and the releases behind it; None when the publication has no window for the operation."""
    w = data.operation_window(slug)
    if not w.get("available"):
        return None
    total, wl = w["total"], withheld_label(f, data.threshold)

    def shown(v):
        return wl if v is None else f.number(v)

    text = f.gettext("ICE's records hold %(n)s arrests in the %(k)s areas' AORs from %(start)s to %(end)s, the operation's "
                     "days; on the same weekdays of the %(weeks)s weeks before they hold %(mean)s on average: a difference "
                     "of %(excess)s.", n=shown(total["window"]["count"]), k=len(w["areas"]),
                     start=f.date(w["date_from"], "long"), end=f.date(w["date_to"], "long"),
                     mean=shown(total["baseline_mean"]), weeks=w["weeks"], excess=shown(total["excess"]))
    if w.get("announced_count") is not None:
        text += " " + f.gettext("ICE announced %(n)s arrests in the operation.", n=f.number(w["announced_count"]))
    src = w.get("source") or {}
    return {"text": text, "origin": SYNTHETIC if w["is_synthetic"] else REAL, "sql": src.get("sql") or [],
            "source": records_source(data, f, release_ids=src.get("release_ids"))[0]}

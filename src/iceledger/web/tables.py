"""Every table the dashboard shows, built once for the page and for its CSV download.

A builder takes the public data, the page's Formatter and its parameters, and returns a ``Table``:
a title, typed columns, rows of raw values, where the numbers come from, and (for charts) the
Vega-Lite spec drawn from the same rows, so the chart and its table alternative cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from iceledger.web import charts
from iceledger.web.data import WebData as PublicData
from iceledger.web.i18n import Formatter
from iceledger.web.labels import category_label, measure_label, withheld_label


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | number | date | month | link | code | url | bool


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[dict]
    source: str = ""
    source_href: str = ""
    synthetic: bool = False
    chart: dict | None = None
    params: dict = field(default_factory=dict)
    note: str = ""
    empty: str = ""
    builder: str = ""

    def csv_href(self, lang: str) -> str:
        return f"/download/{self.builder}.csv?" + urlencode({**{k: v for k, v in self.params.items() if v is not None},
                                                        "lang": lang})

    @property
    def has_withheld(self) -> bool:
        return any(isinstance(v, dict) and v.get("withheld") for r in self.rows for v in r.values())


def count(row: dict) -> dict:
    return {"value": row.get("cell_count"), "withheld": bool(row.get("is_withheld"))}


def records_source(data: PublicData, f: Formatter) -> tuple[str, str]:
    ids = ", ".join(r["release_id"] + (" (" + f.gettext("SYNTHETIC") + ")" if r["is_synthetic"] else "")
                    for r in data.releases())
    if data.is_exact:
        ids += " — " + f.gettext("EXACT figures for a local analyst, not passed through the disclosure gate")
    return f.gettext("ICE ERO-LESA records, releases: %(ids)s; counted by iceledger and passed through its "
                     "disclosure gate", ids=ids or f.gettext("none loaded")), "/data#releases"


def registry_source(data: PublicData, f: Formatter, source_ids) -> tuple[str, str]:
    srcs = data.sources()
    names = sorted({srcs[s]["source_title"] for s in source_ids if s in srcs})
    return f.gettext("Registry sources: %(names)s", names="; ".join(names) or f.gettext("none")), "/data#sources"


# --- counts ---------------------------------------------------------------------------------
def trend(data: PublicData, f: Formatter, *, measure: str, level: str = "national", code: str | None = None,
          place_name: str | None = None) -> Table:
    """Counts by month; by fiscal year where the publication has only years for the place (counties
    whose months were too thin to publish)."""
    rows = data.series(measure, "month", level, code)
    wl = withheld_label(f, data.threshold)
    where = place_name or f.gettext("United States")
    src, href = records_source(data, f)
    params = {"measure": measure, "level": level, "code": code}
    empty = f.gettext("No records of this kind are loaded for this place.")
    if not rows and level != "national":
        years = data.series(measure, "fy", level, code)
        if years:
            title = f.gettext("%(measure)s by fiscal year, %(place)s", measure=measure_label(f, measure), place=where)
            t = Table(f"trend-{measure}", title, [Column("fy", f.gettext("Fiscal year")), Column("count", measure_label(f, measure), "count")],
                      [{"fy": r["period_fy"], "count": count(r)} for r in years], src, href,
                      synthetic=any(r["is_synthetic"] for r in years), params=params, empty=empty)
            bars = [{"label": f.gettext("FY%(fy)s", fy=r["period_fy"]), **r} for r in years]
            t.chart = charts.bars(bars, title=title, x_title=measure_label(f, measure), f=f, withheld_label=wl)
            return t
    title = f.gettext("%(measure)s by month, %(place)s", measure=measure_label(f, measure), place=where)
    t = Table(f"trend-{measure}", title, [Column("month", f.gettext("Month"), "month"),
                                          Column("count", measure_label(f, measure), "count")],
              [{"month": r["period_date"], "count": count(r)} for r in rows], src, href,
              synthetic=any(r["is_synthetic"] for r in rows), params=params, empty=empty)
    if rows:
        t.chart = charts.trend(rows, title=title, y_title=measure_label(f, measure), f=f, withheld_label=wl)
    return t


def yearly(data: PublicData, f: Formatter, *, measure: str, level: str = "national", code: str | None = None) -> Table:
    rows = data.series(measure, "fy", level, code)
    src, href = records_source(data, f)
    return Table(f"yearly-{measure}", f.gettext("%(measure)s by fiscal year", measure=measure_label(f, measure)),
                 [Column("fy", f.gettext("Fiscal year")), Column("count", measure_label(f, measure), "count")],
                 [{"fy": r["period_fy"], "count": count(r)} for r in rows], src, href,
                 synthetic=any(r["is_synthetic"] for r in rows), params={"measure": measure, "level": level, "code": code})


def breakdown(data: PublicData, f: Formatter, *, measure: str, category: str, level: str = "national",
              code: str | None = None, fy: int | None = None) -> Table:
    fy = int(fy) if fy else (data.fiscal_years(measure) or [None])[-1]
    rows = data.series(measure, "fy", level, code, category=category, fy=fy)
    for r in rows:
        r["label"] = category_label(f, category, r["category_value"])
    src, href = records_source(data, f)
    title = f.gettext("%(measure)s by %(category)s, fiscal year %(fy)s", measure=measure_label(f, measure),
                      category=category_label(f, category), fy=fy)
    t = Table(f"breakdown-{measure}-{category}", title,
              [Column("label", category_label(f, category)), Column("count", measure_label(f, measure), "count")],
              [{"label": r["label"], "count": count(r)} for r in rows], src, href,
              synthetic=any(r["is_synthetic"] for r in rows),
              params={"measure": measure, "category": category, "level": level, "code": code, "fy": fy})
    if rows:
        t.chart = charts.bars(rows, title=title, x_title=measure_label(f, measure), f=f,
                              withheld_label=withheld_label(f, data.threshold))
    return t


def funnel(data: PublicData, f: Formatter, *, level: str = "national", code: str | None = None,
           fy: int | None = None) -> Table:
    fy = int(fy) if fy else (data.fiscal_years("detainers") or [None])[-1]
    rows = data.series("detainers", "fy", level, code, category="funnel_outcome", fy=fy)
    for r in rows:
        r["label"] = category_label(f, "funnel_outcome", r["category_value"])
    src, href = records_source(data, f)
    title = f.gettext("What followed the detainers lodged in fiscal year %(fy)s", fy=fy)
    t = Table("funnel", title, [Column("label", f.gettext("Outcome")), Column("count", f.gettext("Detainers"), "count")],
              [{"label": r["label"], "count": count(r)} for r in rows], src, href,
              synthetic=any(r["is_synthetic"] for r in rows), params={"level": level, "code": code, "fy": fy},
              note=f.gettext("Custody means an ICE arrest or detention book-in within 30 days of the detainer."))
    if rows:
        t.chart = charts.bars(rows, title=title, x_title=f.gettext("Detainers"), f=f,
                              withheld_label=withheld_label(f, data.threshold))
    return t


def places(data: PublicData, f: Formatter, *, measure: str, level: str, fy: int | None = None,
           parent: str | None = None) -> Table:
    fy = int(fy) if fy else (data.fiscal_years(measure) or [None])[-1]
    rows = data.by_place(measure, level, fy, parent)
    names = data.place_names(level)
    src, href = records_source(data, f)
    out = [{"place": {"text": names.get(r["place_code"], r["place_code"]),
                      "href": f"/area/{level}/{r['place_code']}" if r["place_code"] in names and level != "facility"
                      else (f"/facility/{r['place_code']}" if r["place_code"] in names else None)},
            "count": count(r)} for r in rows]
    return Table(f"places-{measure}-{level}", f.gettext("%(measure)s by place, fiscal year %(fy)s",
                                                        measure=measure_label(f, measure), fy=fy),
                 [Column("place", f.gettext("Place"), "link"), Column("count", measure_label(f, measure), "count")],
                 out, src, href, synthetic=any(r["is_synthetic"] for r in rows),
                 params={"measure": measure, "level": level, "fy": fy, "parent": parent})


def map_table(data: PublicData, f: Formatter, *, measure: str, level: str, fy: int | None = None) -> Table:
    """The map's values by place, and the choropleth drawn from them (AORs painted county by county)."""
    fy = int(fy) if fy else (data.fiscal_years(measure) or [None])[-1]
    t = places(data, f, measure=measure, level=level, fy=fy)
    t.id = "map"
    t.params = {"measure": measure, "level": level, "fy": fy}
    wl = withheld_label(f, data.threshold)
    rows = data.by_place(measure, level, fy)
    names = data.place_names(level)
    by_code = {r["place_code"]: r for r in rows}
    values = []
    if level == "county":
        for code, r in by_code.items():
            if code in names:
                values.append({"fips": code, "name": names[code], "count": r["cell_count"], "withheld": r["is_withheld"],
                               "text": wl if r["is_withheld"] else f.number(r["cell_count"])})
    elif level == "aor":
        for fips, aor in data.county_aor().items():
            r = by_code.get(aor)
            if r is not None:
                values.append({"fips": fips, "name": names.get(aor, aor), "count": r["cell_count"],
                               "withheld": r["is_withheld"], "text": wl if r["is_withheld"] else f.number(r["cell_count"])})
    title = f.gettext("%(measure)s by %(level)s, fiscal year %(fy)s", measure=measure_label(f, measure),
                      level=category_label(f, "level", level), fy=fy)
    t.title = title
    t.chart = charts.choropleth(values, title=title, legend_title=measure_label(f, measure), f=f, withheld_label=wl)
    return t


# --- registries -----------------------------------------------------------------------------
def facilities(data: PublicData, f: Formatter, *, aor: str | None = None, state: str | None = None,
               county: str | None = None) -> Table:
    rows = data.facilities(aor=aor, state=state, county=county)
    out = [{"name": {"text": r["detention_facility"], "href": f"/facility/{r['detention_facility_code']}"},
            "code": r["detention_facility_code"], "city": r["facility_city"], "state": r["facility_state_code"],
            "type": r["facility_type_detailed"] or r["facility_type"], "last": r["facility_last_use_date"]} for r in rows]
    src, href = registry_source(data, f, {r["source_id"] for r in rows})
    return Table("facilities", f.gettext("Detention facilities"), [
        Column("name", f.gettext("Facility"), "link"), Column("code", f.gettext("ICE code"), "code"),
        Column("city", f.gettext("City")), Column("state", f.gettext("State")), Column("type", f.gettext("Type")),
        Column("last", f.gettext("Last recorded use"), "date")], out, src, href,
        params={"aor": aor, "state": state, "county": county}, empty=f.gettext("No facilities are listed here."))


def agreements(data: PublicData, f: Formatter, *, aor: str | None = None, state: str | None = None,
               county: str | None = None) -> Table:
    rows = data.agreements(aor=aor, state=state, county=county)
    out = [{"agency": r["agency_name"], "model": r["g287_model_code"], "status": category_label(f, "g287_status", r["g287_status"]),
            "signed": r["g287_signed_date"], "first": r["g287_first_seen_date"], "last": r["g287_last_seen_date"]}
           for r in rows]
    src, href = registry_source(data, f, {r["source_id"] for r in rows})
    return Table("agreements", f.gettext("287(g) agreements"), [
        Column("agency", f.gettext("Agency")), Column("model", f.gettext("Model")), Column("status", f.gettext("Status")),
        Column("signed", f.gettext("Signed"), "date"), Column("first", f.gettext("First listed"), "date"),
        Column("last", f.gettext("Last listed"), "date")], out, src, href,
        params={"aor": aor, "state": state, "county": county}, empty=f.gettext("No 287(g) agreements are listed here."),
        note=f.gettext("Models: JEM jail enforcement, TFM task force, WSO warrant service officer."))


def policies(data: PublicData, f: Formatter, *, aor: str | None = None, state: str | None = None) -> Table:
    rows = data.policies(aor=aor, state=state)
    out = [{"from": r["effective_from_date"], "to": r["effective_to_date"], "jurisdiction": r["jurisdiction_name"],
            "kind": category_label(f, "policy_kind", r["policy_kind"]), "terms": r["policy_terms"],
            "source": {"text": r["described_by"] or f.gettext("source"), "href": r["source_url"]}} for r in rows]
    src, href = registry_source(data, f, {r["source_id"] for r in rows})
    return Table("policies", f.gettext("Policy timeline"), [
        Column("from", f.gettext("In effect from"), "date"), Column("to", f.gettext("Until"), "date"),
        Column("jurisdiction", f.gettext("Jurisdiction")), Column("kind", f.gettext("Policy")),
        Column("terms", f.gettext("Terms, as quoted")), Column("source", f.gettext("Source"), "url")], out, src, href,
        params={"aor": aor, "state": state}, empty=f.gettext("No local policies on detainers are registered here yet."))


def figures(data: PublicData, f: Formatter, *, operation: str | None = None, aor: str | None = None,
            state: str | None = None) -> Table:
    rows = data.official_figures(operation=operation, aor=aor, state=state)
    out = [{"figure": r["figure_id"], "what": category_label(f, "metric", r["metric_code"]),
            "where": r["geography_text"], "from": r["period_start_date"], "to": r["period_end_date"],
            "value": r["figure_value"], "publisher": r["publisher_name"],
            "source": {"text": category_label(f, "citation_kind", r["citation_kind"]), "href": r["source_url"]}}
           for r in rows]
    src, href = registry_source(data, f, {r["source_id"] for r in rows})
    return Table("figures", f.gettext("Official figures"), [
        Column("what", f.gettext("What")), Column("where", f.gettext("Where")), Column("from", f.gettext("From"), "date"),
        Column("to", f.gettext("To"), "date"), Column("value", f.gettext("Figure"), "number"),
        Column("publisher", f.gettext("Published by")), Column("source", f.gettext("Source"), "url")], out, src, href,
        params={"operation": operation, "aor": aor, "state": state}, empty=f.gettext("No official figures are registered here."))


def operation_areas(data: PublicData, f: Formatter, *, slug: str) -> Table:
    """Announced count per place against the arrests in ICE's records for that AOR in the window."""
    places_ = data.operation_places(slug)
    window = {r["aor_code"]: r for r in data.operation_windows(slug) if r["week_offset"] == 0}
    names = data.place_names("aor")
    out = []
    for p in places_:
        w = window.get(p["aor_code"])
        out.append({"place": p["place_text"], "aor": {"text": names.get(p["aor_code"], p["aor_code"] or ""),
                                                      "href": f"/area/aor/{p['aor_code']}" if p["aor_code"] else None},
                    "announced": p["announced_count"],
                    "records": {"value": w["cell_count"], "withheld": w["is_withheld"]} if w else None,
                    "source": {"text": f.gettext("source"), "href": p["source_url"]}})
    src, _ = records_source(data, f)
    return Table("operation-areas", f.gettext("Announced arrests against the records, by area"), [
        Column("place", f.gettext("Place as announced")), Column("aor", f.gettext("ICE field office (AOR)"), "link"),
        Column("announced", f.gettext("Announced"), "number"), Column("records", f.gettext("In the records, same days"), "count"),
        Column("source", f.gettext("Source"), "url")], out, src, "/data#releases",
        synthetic=any(r["is_synthetic"] for r in window.values()), params={"slug": slug},
        note=f.gettext("Records are arrests in the area's whole AOR on the operation's days, any operation; a blank "
                       "means the window could not be computed for this place."))


def operation_weeks(data: PublicData, f: Formatter, *, slug: str) -> Table:
    rows = [r for r in data.operation_windows(slug) if r["aor_code"] is None and r["week_offset"] is not None]
    for r in rows:
        n = -r["week_offset"]
        r["label"] = (f.gettext("Operation window") if n == 0 else
                      f.ngettext("%(num)s week before", "%(num)s weeks before", n)) + \
            f" ({f.date(r['window_start_date'], 'd MMM')}–{f.date(r['window_end_date'], 'd MMM')})"
    src, href = records_source(data, f)
    title = f.gettext("Arrests in the operation's areas: its days against the same weekdays of earlier weeks")
    t = Table("operation-weeks", title, [Column("label", f.gettext("Days")), Column("count", f.gettext("Arrests"), "count")],
              [{"label": r["label"], "count": count(r)} for r in rows], src, href,
              synthetic=any(r["is_synthetic"] for r in rows), params={"slug": slug},
              empty=f.gettext("The window against a baseline is computed for operations of at most seven known days "
                              "with known areas."))
    if rows:
        t.chart = charts.bars(rows, title=title, x_title=f.gettext("Arrests"), f=f,
                              withheld_label=withheld_label(f, data.threshold))
    return t


def build(name: str, data: PublicData, f: Formatter, **params) -> Table:
    t = BUILDERS[name](data, f, **params)
    t.builder = name
    return t


BUILDERS = {
    "trend": trend, "yearly": yearly, "breakdown": breakdown, "funnel": funnel, "places": places, "map": map_table,
    "facilities": facilities, "agreements": agreements, "policies": policies, "figures": figures,
    "operation-areas": operation_areas, "operation-weeks": operation_weeks,
}

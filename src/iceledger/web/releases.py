"""The Releases page: what each release holds, and two releases side by side (where two productions of
the same records disagree), from the publication's comparisons (publish/comparisons.py) only."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from fastapi.responses import HTMLResponse

from iceledger.errors import IceledgerError
from iceledger.web import charts
from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter
from iceledger.web.labels import N_, category_label, withheld_label
from iceledger.web.pages import page, router, web
from iceledger.web.table import REAL, Column, Table, origin_of, records_source
from iceledger.web.tables import BUILDERS, build

WHAT = {"arrests": N_("arrests"), "encounters": N_("encounters"), "detainers": N_("detainers"),
        "book_ins": N_("detention book-ins"), "stays": N_("detention stays"), "removals": N_("removals"),
        "removals_by_departure": N_("removals, dated by departure")}
TABLES = {"core_arrests": N_("arrests"), "core_encounters": N_("encounters"), "core_detainers": N_("detainers"),
          "core_detention_stints": N_("detention stints"), "core_removals": N_("removals")}


def what(f: Formatter, measure: str) -> str:
    return f.gettext(WHAT.get(measure, measure))


def _value(v) -> dict:
    return {"value": v, "withheld": v is None}


def release_list(data: WebData, f: Formatter) -> Table:
    """Every release: FOIA request, real or synthetic, area, coverage, tables with rows and months, source."""
    held: dict[str, list[str]] = {}
    if data.has("out_release_tables"):
        for r in data.rows("SELECT * FROM out_release_tables ORDER BY release_id, table_name"):
            rows = withheld_label(f, data.threshold) if r["release_rows_count"] is None else \
                f.gettext("%(n)s rows, %(first)s to %(last)s", n=f.number(r["release_rows_count"]),
                          first=f.month(r["first_month_date"]), last=f.month(r["last_month_date"]))
            held.setdefault(r["release_id"], []).append(f"{f.gettext(TABLES.get(r['table_name'], r['table_name']))}: {rows}")
    sources = data.sources()
    out = []
    for r in data.releases():
        src = sources.get(r["release_id"])
        cover = (f"{f.date(r.get('coverage_from_date'))} – {f.date(r.get('coverage_to_date'))}"
                 if r.get("coverage_from_date") else f.gettext("not stated (the span of its records)"))
        out.append({"release": r["release_id"], "foia": r["foia_request"],
                    "kind": f.gettext("SYNTHETIC") if r["is_synthetic"] else f.gettext("real ICE records"),
                    "area": data.place_names("aor").get(r.get("release_aor_code"), r.get("release_aor_code"))
                    if r.get("release_aor_code") else f.gettext("every AOR"),
                    "coverage": cover, "tables": "; ".join(held.get(r["release_id"], [])),
                    "source": src["source_title"] if src else (r["release_description"] or "")})
    return Table("release-list", f.gettext("Releases in this publication"), [
        Column("release", f.gettext("Release"), "code"), Column("foia", f.gettext("FOIA request"), lang="en"),
        Column("kind", f.gettext("Records")), Column("area", f.gettext("Area")), Column("coverage", f.gettext("Says it covers")),
        Column("tables", f.gettext("Tables")), Column("source", f.gettext("Source"), lang="en")], out, *records_source(data, f),
        origin_of(data.releases()), empty=f.gettext("No release is loaded."))


def pick(data: WebData, a: str | None, b: str | None, measure: str | None) -> dict | None:
    """The comparison asked for (a, b, measure), or the first one; None when there is none."""
    comps = data.public.comparisons()
    if a and a == b:
        return None
    for c in comps:
        if (not a or a in (c["release_a_id"], c["release_b_id"])) and (not b or b in (c["release_a_id"], c["release_b_id"])) \
                and (not measure or c["measure_name"] == measure):
            return c
    return comps[0] if comps and not (a or b or measure) else None


def comparison_source(data: WebData, f: Formatter, a: str, b: str) -> str:
    text = f.gettext("ICE ERO-LESA records, releases %(a)s and %(b)s; compared by iceledger and passed through its "
                     "disclosure gate", a=a, b=b)
    if data.is_exact:
        text += " — " + f.gettext("EXACT figures for a local analyst, not passed through the disclosure gate")
    return text


def comparison_table(data: WebData, f: Formatter, *, a: str, b: str, measure: str, grain: str = "month",
                     by: str | None = None) -> Table:
    """Both counts, their difference and the rows that match, by month, fiscal year or fiscal year and category."""
    c = data.public.comparison(a, b, measure, grain, by or None)
    a, b = c["release_a_id"], c["release_b_id"]
    first = ([Column("month", f.gettext("Month"), "month")] if grain == "month" else [Column("fy", f.gettext("Fiscal year"))]) + \
        ([Column("category", category_label(f, by))] if by else [])
    rows = [{"month": r["period_date"], "fy": r["cell_fy"],
             "category": category_label(f, by, r["category_1_value"]) if by else None,
             "a": _value(r["release_a_count"]), "b": _value(r["release_b_count"]), "diff": _value(r["count_difference"]),
             "matched": _value(r["matched_count"])} for r in c["cells"]]
    title = {("month", None): f.gettext("%(what)s by month", what=what(f, measure)),
             ("fy", None): f.gettext("%(what)s by fiscal year", what=what(f, measure))}.get(
        (grain, by), f.gettext("%(what)s by fiscal year and %(category)s", what=what(f, measure), category=category_label(f, by or "")))
    place = data.place_names("aor").get(c["aor_code"], c["aor_code"]) if c["aor_code"] else f.gettext("United States")
    t = Table(f"compare-{grain}" + (f"-{by}" if by else ""), title[:1].upper() + title[1:], first + [
        Column("a", f.gettext("In %(release)s", release=a), "count"), Column("b", f.gettext("In %(release)s", release=b), "count"),
        Column("diff", f.gettext("Difference (second minus first)"), "count"),
        Column("matched", f.gettext("Rows that match"), "count")], rows, comparison_source(data, f, a, b), "/releases",
        origin_of(c["cells"]) or REAL, params={"a": a, "b": b, "measure": measure, "grain": grain, "by": by}, place=place,
        period=f"{f.date(c['comparison_from_date'])} – {f.date(c['comparison_to_date'])}",
        unit=f.gettext("%(what)s in each release's records (events, not people)", what=what(f, measure)))
    if grain == "month" and rows:
        t.chart = charts.trend([{"period_date": r["period_date"], "cell_count": r["count_difference"],
                                 "is_withheld": r["count_difference"] is None} for r in c["cells"]],
                               title=f.gettext("Difference by month: %(b)s minus %(a)s", a=a, b=b),
                               y_title=f.gettext("Difference"), f=f, withheld_label=withheld_label(f, data.threshold))
    return t


def sentences(data: WebData, f: Formatter, c: dict) -> list[str]:
    """Per fiscal year, in plain words: which release holds more, how many rows match; or that it is withheld."""
    a, b, words = c["release_a_id"], c["release_b_id"], what(f, c["measure_name"])
    lo, hi = c["comparison_from_date"], c["comparison_to_date"]
    out = []
    for r in data.public.comparison(a, b, c["measure_name"], "fy")["cells"]:
        fy = r["cell_fy"]
        start, end = dt.date(fy - 1, 10, 1), dt.date(fy, 9, 30)
        when = f.gettext("fiscal year %(fy)s", fy=fy)
        if lo > start or hi < end:
            when = f.gettext("fiscal year %(fy)s (%(from)s to %(to)s)", fy=fy, **{"from": f.date(max(lo, start)),
                                                                                    "to": f.date(min(hi, end))})
        d = r["count_difference"]
        if d is None:
            text = f.gettext("In %(when)s the difference between the two releases is withheld: it is small, or it would "
                             "reveal a small count.", when=when)
        elif d == 0:
            text = f.gettext("In %(when)s %(b)s and %(a)s hold the same number of %(what)s: %(n)s.", when=when, a=a, b=b,
                             what=words, n=f.number(r["release_a_count"]))
        else:
            kw = {"b": b, "a": a, "n": f.number(abs(d)), "what": words, "when": when}
            text = (f.gettext("%(b)s has %(n)s more %(what)s than %(a)s in %(when)s.", **kw) if d > 0 else
                    f.gettext("%(b)s has %(n)s fewer %(what)s than %(a)s in %(when)s.", **kw))
        if r["matched_count"] is not None:
            text += " " + f.gettext("%(m)s of them match one to one on the fields both releases record.",
                                    m=f.number(r["matched_count"]))
        out.append(text)
    return out


@router.get("/releases", response_class=HTMLResponse, include_in_schema=False)
def releases_page(request: Request):
    data = web(request)
    f = Formatter(request.query_params.get("lang"))
    q = request.query_params
    ctx: dict = {"listing": release_list(data, f), "comparisons": data.public.comparisons(), "chosen": None,
                 "what": lambda m: what(f, m)}
    chosen = pick(data, q.get("a"), q.get("b"), q.get("measure"))
    if chosen is not None:
        a, b, m = chosen["release_a_id"], chosen["release_b_id"], chosen["measure_name"]
        try:
            ctx.update(chosen=chosen, sentences=sentences(data, f, chosen),
                       monthly=build("compare", data, f, a=a, b=b, measure=m, grain="month"),
                       tables=[build("compare", data, f, a=a, b=b, measure=m, grain="fy", by=c)
                               for c in [None, *chosen["comparison_categories"]]])
        except IceledgerError:
            ctx["chosen"] = None
    ctx["comparison_asked"] = bool(q.get("a") or q.get("b") or q.get("measure"))
    return page(request, "releases.html", **ctx)


BUILDERS.update({"compare": comparison_table, "release-list": release_list})

"""The dashboard's pages: a FastAPI router rendering Jinja2 templates from the public data only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from iceledger.errors import IceledgerError
from iceledger.web import search, static
from iceledger.web.claims import claim_view, claims_by_figure, headline_figures, period, reconcile
from iceledger.web.counts import origins, window_summary
from iceledger.web.data import WebData
from iceledger.web.glosses import gloss
from iceledger.web.i18n import LANGUAGES, NAMES, Formatter
from iceledger.web.labels import MEASURE_HELP, MEASURES, VALUES, category_label, measure_label, withheld_label
from iceledger.web.registries import scope_words
from iceledger.web.table import SYNTHETIC, origin_text
from iceledger.web.tables import BUILDERS, Table, build

TEMPLATES = Path(__file__).resolve().parent / "templates"
HOME_MEASURES = ("arrests", "detainers", "book_ins", "removals")
FACILITY_MEASURES = ("detainers", "book_ins")
BREAKDOWNS = (("arrests", "criminality"), ("arrests", "method_group"), ("detainers", "lift_reason"))
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters["fromjson"] = json.loads


router = APIRouter()


def web(request: Request) -> WebData:
    """The dashboard's view of the publication the app serves (publish's PublicData in app.state.data)."""
    public = request.app.state.data
    cached = getattr(request.app.state, "web_data", None)
    if cached is None or cached.public is not public:
        cached = request.app.state.web_data = WebData(public)
    return cached


def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    f = Formatter(request.query_params.get("lang"))
    html = env.get_template(template).render(**context(request, f, web(request)), **ctx)
    return HTMLResponse(html, status_code=status, headers={"Content-Language": f.lang})


def year_param(request: Request) -> int | None:
    """The ``fy`` parameter as a year, or None: only ASCII digits count (``²`` is a digit to Python, not to int)."""
    fy = request.query_params.get("fy") or ""
    return int(fy) if fy.isascii() and fy.isdigit() and len(fy) <= 4 else None


def fmt(request: Request) -> Formatter:
    return Formatter(request.query_params.get("lang"))


def chosen_fy(request: Request, years: list[int], default: int | None = None) -> int | None:
    """The fiscal year the page was asked for, if the publication has it; else ``default``, else the latest."""
    fy = year_param(request)
    return fy if fy in years else (default or (years[-1] if years else None))


def last_real_fy(data: WebData) -> int | None:
    """The last fiscal year of ICE's records (national arrests), the year pages open on; None when every
    count is synthetic."""
    real_years = sorted(data.lead_years(("arrests",))["arrests"])
    return real_years[-1] if real_years else None


def trends(data: WebData, f: Formatter, measures, level: str = "national", code: str | None = None,
           place_name: str | None = None) -> list[Table]:
    """A trend per measure, and per series where a measure has both: ICE's records and the synthetic sample
    are drawn as two charts, never as one line."""
    out = []
    for m in measures:
        both = origins(data, m, level, code)
        for o in both if len(both) == 2 else [None]:
            out.append(build("trend", data, f, measure=m, level=level, code=code, place_name=place_name, origin=o))
    return out


def by_category(data: WebData, f: Formatter, level: str, code: str | None, fy: int | None, place: str | None) -> dict:
    """Breakdowns and the detainer funnel where the publication has them for the level; and what it lacks."""
    cats = {m: data.categories_of(m, level) for m in ("arrests", "detainers")}
    out = {"breakdowns": [build("breakdown", data, f, measure=m, category=c, level=level, code=code, fy=fy,
                                place_name=place) for m, c in BREAKDOWNS if c in cats[m]],
           "funnel": build("funnel", data, f, level=level, code=code, fy=fy, place_name=place)
           if "funnel_outcome" in cats["detainers"] else None}
    out["missing"] = [f.gettext("%(measure)s by %(category)s", measure=measure_label(f, m), category=category_label(f, c))
                      for m, c in BREAKDOWNS if c not in cats[m]]
    if out["funnel"] is None:
        out["missing"].append(f.gettext("the detainer funnel"))
    return out


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request):
    data = web(request)
    f = fmt(request)
    fy = chosen_fy(request, data.fiscal_years("arrests"), last_real_fy(data))
    drawn = trends(data, f, HOME_MEASURES)
    return page(request, "home.html", lead=build("lead", data, f),
                trends=[t for t in drawn if t.origin != SYNTHETIC], synthetic_trends=[t for t in drawn if t.origin == SYNTHETIC],
                figures=headline_figures(data), releases=data.releases(), coverage=data.coverage(),
                publication=data.publication, claims=claims_by_figure(data, f), fy=fy,
                fiscal_years=data.fiscal_years("arrests"), **by_category(data, f, "national", None, fy, None))


@router.get("/areas", response_class=HTMLResponse, include_in_schema=False)
def areas(request: Request):
    data = web(request)
    return page(request, "areas.html", aors=[a for a in data.aors() if a["aor_code"] != "HQ"], states=data.states())


@router.get("/area/{level}/{code}", response_class=HTMLResponse, include_in_schema=False)
def area(request: Request, level: str, code: str):
    data = web(request)
    f = fmt(request)
    place = find_place(data, f, level, code)
    if place is None:
        return not_found(request)
    years = data.fiscal_years("arrests")
    fy = chosen_fy(request, years, last_real_fy(data))
    ctx: dict = {"level": level, "code": code, "place": place, "fy": fy, "fiscal_years": years,
                 "trends": trends(data, f, [m for m in HOME_MEASURES if m in data.measures_at(level)], level, code,
                                  place["name"]),
                 "coop": data.place_cooperation(level, code, as_of(request)),
                 "jurisdictions_registered": data.jurisdictions_registered,
                 "scope": lambda fact: scope_words(f, fact, level)}
    ctx["api_href"] = (f"/api/v1/places/{code}/status" if level == "county" else f"/api/v1/places/{level}/{code}/status") \
        + f"?on={ctx['coop']['on']}"
    if level == "aor":
        ctx |= by_category(data, f, level, code, fy, place["name"])
        ctx["subplaces"] = build("places", data, f, measure="arrests", level="county", aor=code, fy=fy)
    if level == "state":
        ctx["subplaces"] = build("places", data, f, measure="arrests", level="county", parent=code, fy=fy)
    scope = {"aor": {"aor": code}, "state": {"state": code}, "county": {"county": code}}[level]
    ctx["facilities"] = build("facilities", data, f, **scope)
    ctx["agreements"] = build("agreements", data, f, **scope)
    ctx["policies"] = build("policies", data, f, level=level, code=code)
    ctx["figures"] = build("figures", data, f, **({"aor": code} if level == "aor" else {"state": code})) \
        if level != "county" else None
    return page(request, "area.html", **ctx)


def as_of(request: Request) -> dt.date | None:
    """The day the place page's "at a glance" panel was asked for (`?on=YYYY-MM-DD`); None (the latest day the
    registries cover) when absent or not a day."""
    try:
        return dt.date.fromisoformat(request.query_params.get("on", ""))
    except ValueError:
        return None


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request):
    data = web(request)
    f = fmt(request)
    q = (request.query_params.get("q") or "")[:100]
    results = search.search(data.memo("search", lambda: search.build_index(data, Formatter("es"))), q)
    hit = search.one_step(results, q) if q else None
    if hit is not None:
        return RedirectResponse(hit.href + ("" if f.lang == "en" else f"?lang={f.lang}"), status_code=303)
    return page(request, "search.html", q=q, results=results)


@router.get("/facilities", response_class=HTMLResponse, include_in_schema=False)
def facilities(request: Request):
    data = web(request)
    f = fmt(request)
    state = request.query_params.get("state") or None
    states = data.states()
    if state and state not in {s["state_code"] for s in states}:
        state = None
    table = build("facilities", data, f, state=state) if state else None
    return page(request, "facilities.html", table=table, state=state, states=states)


@router.get("/facility/{code}", response_class=HTMLResponse, include_in_schema=False)
def facility(request: Request, code: str):
    data = web(request)
    f = fmt(request)
    fac = data.facility(code)
    if fac is None:
        return not_found(request)
    counted = [m for m in FACILITY_MEASURES if m in data.measures_at("facility")]
    trends = [build("trend", data, f, measure=m, level="facility", code=code, place_name=fac["detention_facility"])
              for m in counted]
    return page(request, "facility.html", fac=fac, trends=[t for t in trends if t.rows],
                untracked=[measure_label(f, m) for m in FACILITY_MEASURES if m not in counted],
                nothing=[measure_label(f, t.params["measure"]).lower() for t in trends if not t.rows],
                adp=data.facility_adp(code), source=data.sources().get(fac["source_id"]))


@router.get("/operations", response_class=HTMLResponse, include_in_schema=False)
def operations(request: Request):
    data = web(request)
    return page(request, "operations.html", operations=data.operations())


@router.get("/operation/{slug}", response_class=HTMLResponse, include_in_schema=False)
def operation(request: Request, slug: str):
    data = web(request)
    f = fmt(request)
    op = data.operation(slug)
    if op is None:
        return not_found(request)
    return page(request, "operation.html", op=op, areas=build("operation-areas", data, f, slug=slug),
                weeks=build("operation-weeks", data, f, slug=slug), figures=build("figures", data, f, operation=slug),
                window=window_summary(data, f, slug=slug),
                total_figure=data.official_figure(op["total_figure_id"]) if op["total_figure_id"] else None)


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
def claims(request: Request):
    data = web(request)
    f = fmt(request)
    return page(request, "claims.html", claims=[claim_view(c, f) for c in data.claims()], has_claims=data.has_claims,
                figures=build("figures", data, f))


@router.get("/claim/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
def claim(request: Request, claim_id: str):
    data = web(request)
    f = fmt(request)
    c = data.claim(claim_id)
    if c is None:
        return not_found(request)
    view = claim_view(c, f)
    return page(request, "claim.html", claim=view, reconciled=reconcile(f, view, data.threshold), period=lambda t: period(f, t))


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request):
    data = web(request)
    f = fmt(request)
    q = request.query_params
    level = q.get("level") if q.get("level") in ("county", "aor") else "aor"
    measures = [m for m in MEASURES if m in data.measures_at(level)]
    measure = q.get("measure") if q.get("measure") in measures else (measures[0] if measures else "arrests")
    years = data.fiscal_years(measure)
    shown = data.published_years(measure, level) or years
    real = [y for y in sorted(data.lead_years((measure,))[measure]) if y in shown]  # ICE's records first
    fy = year_param(request)
    fy = fy if fy in years else (real[-1] if real else shown[-1] if shown else None)
    table = build("map", data, f, measure=measure, level=level, fy=fy)
    return page(request, "map.html", table=table, level=level, measure=measure, fy=fy, measures=measures, years=years)


@router.get("/data", response_class=HTMLResponse, include_in_schema=False)
def data_page(request: Request):
    data = web(request)
    return page(request, "data.html", releases=data.releases(), files=data.release_files(), publication=data.publication,
                runs=data.ingest_runs(), audit=data.suppression_audit(), measure_sources=data.measure_sources(),
                sources=sorted(data.sources().values(), key=lambda s: s["source_title"]))


@router.get("/data/dictionary", response_class=HTMLResponse, include_in_schema=False)
def dictionary(request: Request):
    data = web(request)
    return page(request, "dictionary.html", tables=data.dictionary())


@router.get("/download/{name}.csv", include_in_schema=False)
def download(request: Request, name: str):
    data = web(request)
    f = fmt(request)
    if name not in BUILDERS:
        raise HTTPException(404, "no such table")
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    try:
        table = build(name, data, f, **params)
    except (TypeError, ValueError, IceledgerError) as exc:
        raise HTTPException(400, f"bad parameters for {name}: {exc}") from None
    body = table_csv(table, f, withheld_label(f, data.threshold))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{download_name(name, params, f.lang)}"'})


def download_name(builder: str, params: dict, lang: str) -> str:
    """The file name of a download: the table's builder, its measure when it is one we publish, the language.
    Built from known words only, never from what the request wrote (a header cannot carry quotes, CR/LF, NUL
    or non-Latin-1 text)."""
    measure = params.get("measure")
    parts = [builder] + ([measure] if measure in MEASURES else []) + [lang]
    return "iceledger-" + "-".join(parts) + ".csv"

router.add_api_route("/static/{path:path}", static.serve, methods=["GET"], include_in_schema=False)


def not_found(request: Request) -> HTMLResponse:
    return page(request, "404.html", status=404)


def context(request: Request, f: Formatter, data: WebData) -> dict:
    q = dict(request.query_params)

    def url(path: str, **params) -> str:
        params = {k: v for k, v in params.items() if v is not None}
        if f.lang != "en":
            params["lang"] = f.lang
        return path + ("?" + urlencode(params) if params else "")

    other = "es" if f.lang == "en" else "en"
    switch = {k: v for k, v in q.items() if k != "lang"} | ({"lang": other} if other != "en" else {})
    return {
        "f": f, "_": f.gettext, "ngettext": f.ngettext, "lang": f.lang, "url": url, "path": request.url.path, "data": data,
        "origin": data.record_origin, "withheld": withheld_label(f, data.threshold), "threshold": data.threshold,
        "switch_href": request.url.path + ("?" + urlencode(switch) if switch else ""), "switch_lang": other,
        "switch_name": NAMES[other], "languages": LANGUAGES, "measure_label": lambda m: measure_label(f, m),
        "measure_help": lambda m: f.gettext(MEASURE_HELP[m]) if m in MEASURE_HELP else "",
        "label": lambda cat, v=None: category_label(f, cat, v, data.threshold), "values": VALUES, "gloss": lambda t: gloss(f, t),
        "code_label": lambda name, code: f.gettext(data.code_label(name, code) or str(code)), "asked": q,
        "origin_text": lambda o: origin_text(f, o), "asset": static.asset_url, "vendor": [static.asset_url(v) for v in VENDOR_SCRIPTS],
        "vega_locale": f.vega_locales(), "published_at": data.published_at(), "search_q": q.get("q", "")[:100],
    }


VENDOR_SCRIPTS = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")


def find_place(data: WebData, f: Formatter, level: str, code: str) -> dict | None:
    if level == "aor":
        a = data.aor(code)
        return a and {"name": a["aor_name"], "kind": "aor", "row": a, "state_code": a["state_code"]}
    if level == "state":
        s = data.state(code)
        return s and {"name": f.gettext(s["state_name"]), "kind": "state", "row": s, "state_code": s["state_code"]}
    if level == "county":
        c = data.county(code)
        return c and {"name": f"{c['county_full_name']}, {f.gettext(c['state_name'])}", "kind": "county", "row": c,
                      "state_code": c["state_code"]}
    return None


def _csv_value(v, f: Formatter, withheld: str):
    """A cell as CSV text: a withheld count as the words (never empty, never 0), a link as its text,
    and any text a spreadsheet could run as a formula prefixed with a quote."""
    if isinstance(v, dict):
        v = (withheld if v["withheld"] else v["value"]) if "withheld" in v else v.get("text")
    if isinstance(v, str) and v.startswith(CSV_DANGEROUS):
        return "'" + v
    return v


def table_csv(table: Table, f: Formatter, withheld: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.label for c in table.columns])
    for r in table.rows:
        w.writerow([_csv_value(r.get(c.key), f, withheld) for c in table.columns])
    w.writerow([])
    w.writerow([f.gettext("Source") + ": " + table.source])
    if table.origin:
        w.writerow([origin_text(f, table.origin)])
    return buf.getvalue()

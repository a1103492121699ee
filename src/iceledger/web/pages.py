"""The dashboard's pages: a FastAPI router rendering Jinja2 templates from the public data only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from iceledger.errors import IceledgerError
from iceledger.web import static
from iceledger.web.data import WebData
from iceledger.web.i18n import LANGUAGES, NAMES, Formatter
from iceledger.web.labels import MEASURE_HELP, MEASURES, VALUES, category_label, measure_label, withheld_label
from iceledger.web.tables import BUILDERS, Table, build

TEMPLATES = Path(__file__).resolve().parent / "templates"
HOME_MEASURES = ("arrests", "detainers", "book_ins", "removals")
HEADLINE_METRICS = ("administrative_arrests", "removals", "detainers", "operation_arrests", "arrests_change_pct")
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


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request):
    data = web(request)
    f = fmt(request)
    trends = [build("trend", data, f, measure=m) for m in HOME_MEASURES]
    figs = headline_figures(data)
    return page(request, "home.html", trends=trends, figures=figs, releases=data.releases(),
                coverage=data.coverage(), publication=data.publication, claims=claims_by_figure(data))


@router.get("/areas", response_class=HTMLResponse, include_in_schema=False)
def areas(request: Request):
    data = web(request)
    return page(request, "areas.html", aors=data.aors(), states=data.states())


@router.get("/area/{level}/{code}", response_class=HTMLResponse, include_in_schema=False)
def area(request: Request, level: str, code: str):
    data = web(request)
    f = fmt(request)
    place = find_place(data, level, code)
    if place is None:
        return not_found(request)
    fy = year_param(request)
    measures = [m for m in HOME_MEASURES if m in data.measures_at(level)]
    ctx: dict = {"level": level, "code": code, "place": place,
                 "trends": [build("trend", data, f, measure=m, level=level, code=code, place_name=place["name"])
                            for m in measures]}
    scope = {"aor": {"aor": code}, "state": {"state": code}, "county": {"county": code}}[level]
    if level == "aor":
        ctx["breakdowns"] = [build("breakdown", data, f, measure=m, category=c, level=level, code=code, fy=fy)
                             for m, c in (("arrests", "criminality"), ("arrests", "method_group"),
                                          ("detainers", "lift_reason"))
                             if c in data.categories_of(m, level)]
        ctx["funnel"] = build("funnel", data, f, level=level, code=code, fy=fy)
    if level == "state":
        ctx["subplaces"] = build("places", data, f, measure="arrests", level="county", parent=code, fy=fy)
    ctx["facilities"] = build("facilities", data, f, **scope)
    ctx["agreements"] = build("agreements", data, f, **scope)
    pscope = {"aor": code} if level == "aor" else {"state": place["state_code"]}
    ctx["policies"] = build("policies", data, f, **pscope)
    ctx["figures"] = build("figures", data, f, **pscope) if level != "county" else None
    ctx["fiscal_years"] = data.fiscal_years("arrests")
    return page(request, "area.html", **ctx)


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
    trends = [build("trend", data, f, measure=m, level="facility", code=code, place_name=fac["detention_facility"])
              for m in ("detainers", "book_ins")]
    return page(request, "facility.html", fac=fac, trends=trends, adp=data.facility_adp(code),
                source=data.sources().get(fac["source_id"]))


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
                total_figure=data.official_figure(op["total_figure_id"]) if op["total_figure_id"] else None)


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
def claims(request: Request):
    data = web(request)
    f = fmt(request)
    return page(request, "claims.html", claims=[claim_view(c) for c in data.claims()], has_claims=data.has_claims,
                figures=build("figures", data, f))


@router.get("/claim/{claim_id}", response_class=HTMLResponse, include_in_schema=False)
def claim(request: Request, claim_id: str):
    data = web(request)
    c = data.claim(claim_id)
    if c is None:
        return not_found(request)
    return page(request, "claim.html", claim=claim_view(c))


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
    fy = year_param(request)
    fy = fy if fy in years else (shown[-1] if shown else None)
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
        "f": f, "_": f.gettext, "lang": f.lang, "url": url, "path": request.url.path, "data": data,
        "synthetic": data.is_synthetic, "withheld": withheld_label(f, data.threshold), "threshold": data.threshold,
        "switch_href": request.url.path + ("?" + urlencode(switch) if switch else ""), "switch_lang": other,
        "switch_name": NAMES[other], "languages": LANGUAGES, "measure_label": lambda m: measure_label(f, m),
        "measure_help": lambda m: f.gettext(MEASURE_HELP[m]) if m in MEASURE_HELP else "",
        "label": lambda cat, v=None: category_label(f, cat, v, data.threshold), "values": VALUES,
        "vega_locale": f.vega_locales(), "published_at": data.published_at(),
    }


def find_place(data: WebData, level: str, code: str) -> dict | None:
    if level == "aor":
        a = data.aor(code)
        return a and {"name": a["aor_name"], "kind": "aor", "row": a, "state_code": a["state_code"]}
    if level == "state":
        s = data.state(code)
        return s and {"name": s["state_name"], "kind": "state", "row": s, "state_code": s["state_code"]}
    if level == "county":
        c = data.county(code)
        return c and {"name": f"{c['county_full_name']}, {c['state_name']}", "kind": "county", "row": c,
                      "state_code": c["state_code"]}
    return None


def headline_figures(data: WebData) -> list[dict]:
    """The newest official figure of each headline metric for the whole country, and Safe City's total."""
    out, seen = [], set()
    for r in data.official_figures():
        key = r["metric_code"]
        national = r["place_level"] == "nation"
        if key in HEADLINE_METRICS and key not in seen and (national or r["operation_slug"] == "safe-city-2017"):
            if key == "operation_arrests" and r["operation_slug"] != "safe-city-2017":
                continue
            seen.add(key)
            out.append(r)
    return out


def claim_view(row: dict) -> dict:
    """A claim result with the checker's details (query, releases, figure) unpacked from its JSON."""
    try:
        detail = json.loads(row.get("claim_result_json") or "{}")
    except ValueError:
        detail = {}
    return {**detail, **row, "statement": row.get("claim_statement"), "verdict": row.get("claim_verdict"),
            "query": detail.get("query") or detail.get("sql"), "releases": detail.get("releases"),
            "figure_id": detail.get("figure_id"), "source": detail.get("source")}


def claims_by_figure(data: WebData) -> dict[str, dict]:
    out = {}
    for c in map(claim_view, data.claims()):
        if c.get("figure_id"):
            out[c["figure_id"]] = c
    return out


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
    if table.synthetic:
        w.writerow([f.gettext("SYNTHETIC data: made up for demonstration, not ICE records.")])
    return buf.getvalue()

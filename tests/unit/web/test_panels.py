"""No empty panels: what the publication has is drawn, what it lacks is said (and why), a chart with
every count withheld is not drawn as an empty plot; the year picker keeps its year; yearly
population reads one short number a year. And the pages are light: compressed, hashed, cached."""

from __future__ import annotations

import html
import json
import re


def get(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return r.text


def figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'<figure class="chart-block" id="fig-([^"]+)".*?>(.*?)</figure>', page, re.S))


def test_breakdowns_and_the_funnel_are_drawn_or_explained(client, public_db):
    national = {r[0] for r in public_db.execute("SELECT category_1 FROM out_lattice WHERE cell_place_level = 'national' "
                                                "AND time_grain = 'fy' AND category_2 IS NULL").fetchall()}
    home = figures(get(client, "/"))
    assert ("funnel_outcome" in national) == ("funnel" in home)
    assert "data-spec" in home["breakdown-arrests-criminality"]
    assert "data-spec" in home["funnel"] or "Every count in this chart is withheld" in home["funnel"]
    for path in ("/area/aor/CHI", "/area/aor/HOU", "/area/aor/SEA"):
        part = get(client, path).split('id="h-breakdowns"')[1].split("</section>")[0]
        assert "data-spec" in part or 'id="breakdowns-missing"' in part or "nothing to draw" in part, path


def test_the_year_picker_keeps_its_year(client, public_db):
    years = [r[0] for r in public_db.execute("SELECT DISTINCT cell_fy FROM out_tabulations WHERE measure_name = "
                                             "'arrests' ORDER BY 1").fetchall()]
    fy = years[-2]
    page = get(client, f"/?fy={fy}")
    assert re.search(rf'<option value="{fy}" selected>', page)
    assert f"fiscal year {fy}" in figures(page)["breakdown-arrests-criminality"]
    for aor in ("CHI", "SEA"):  # an AOR page kept no year when it had no breakdowns
        assert re.search(rf'<option value="{fy}" selected>', get(client, f"/area/aor/{aor}?fy={fy}")), aor


def test_no_chart_is_an_empty_untitled_box(client):
    for path in ("/", "/facility/ABQHOLD", "/facility/STWRTGA", "/area/county/48201", "/area/aor/CHI", "/map"):
        for fig_id, body in figures(get(client, path)).items():
            assert re.search(r'<h\d id="h-[^"]+" class="chart-title">\S', body), (path, fig_id)
            assert "data-spec" in body or "<table" in body or 'class="empty"' in body, (path, fig_id)


def test_a_chart_with_every_count_withheld_is_not_drawn(client, public_db):
    row = public_db.execute("SELECT cell_place_level, place_code, measure_name FROM out_tabulations WHERE category_1 IS "
                            "NULL AND time_grain = 'month' AND cell_place_level IN ('aor', 'state', 'county') AND "
                            "measure_name IN ('arrests', 'detainers', 'book_ins', 'removals') AND place_code NOT LIKE "
                            "'(%' GROUP BY ALL HAVING bool_and(is_suppressed) ORDER BY 1, 2, 3 LIMIT 1").fetchone()
    assert row, "the small publication has a place whose every count of some measure is withheld"
    level, code, measure = row
    body = figures(get(client, f"/area/{level}/{code}"))[f"trend-{measure}"]
    assert "data-spec" not in body
    assert "Every count in this chart is withheld" in body and "fewer than 11 or withheld" in body


def test_yearly_population_is_one_short_number_a_year(client, public_db):
    code = public_db.execute("SELECT detention_facility_code FROM ref_facility_adp GROUP BY 1 "
                             "HAVING count(*) > count(DISTINCT facility_adp_fy) ORDER BY 1 LIMIT 1").fetchone()[0]
    table = re.search(r'<table id="table-adp">(.*?)</table>', get(client, f"/facility/{code}"), re.S).group(1)
    rows = re.findall(r"<tr><td>(\d{4})</td><td class=\"num\">([^<]*)</td>", table)
    years = [y for y, _ in rows]
    assert len(years) == len(set(years)) > 0
    assert all(re.fullmatch(r"[\d,]+(\.\d)?", v) for _, v in rows), rows  # at most one decimal


def test_pages_and_files_are_compressed_and_cached(client):
    r = client.get("/map?level=county", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    page = r.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assets += json.loads(re.search(r'id="vendor-scripts">([^<]*)<', page).group(1))
    spec = json.loads(html.unescape(re.search(r'data-spec="([^"]*)"', page).group(1)))
    assets.append(spec["layer"][0]["data"]["url"])
    assert any("vega.min." in a for a in assets) and any("counties-10m." in a for a in assets)
    for a in assets:
        if a.endswith((".js", ".css", ".json")):
            got = client.get(a, headers={"Accept-Encoding": "gzip"})
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", a), a
            assert got.headers["cache-control"] == "public, max-age=31536000, immutable", a
            assert got.headers.get("content-encoding") == "gzip", a
    assert client.get("/static/vendor/vega.min.000000000000.js").status_code == 404  # a stale hash is not served


def test_an_empty_table_names_where_its_measure_is_published_not_every_release(client, public_db):
    from iceledger.web.data import WebData
    from iceledger.web.i18n import Formatter
    from iceledger.web.table import records_source

    get(client, "/")
    data = WebData(client.app.state.data)
    years = [r[0] for r in public_db.execute("SELECT cell_fy FROM out_series WHERE measure_name = 'detainers' "
                                             "ORDER BY 1").fetchall()]
    assert years == [2023, 2024, 2025, 2026]  # the small publication's detainers: the synthetic sample only
    src, _ = records_source(data, Formatter("en"), "detainers", [1999])
    assert src == ("no counts for these years; published for FY2023–FY2026: SYNTHETIC sample generated by iceledger "
                   "(synth-demo-l2), not ICE records; counted by iceledger and passed through its disclosure gate")
    src, _ = records_source(data, Formatter("en"), "no_such_measure", [2024])
    assert src == "no release loaded holds these records; counted by iceledger and passed through its disclosure gate"
    es, _ = records_source(data, Formatter("es"), "detainers", [1999])
    assert es.startswith("sin conteos para estos años; se publica para AF 2023–AF 2026: muestra SINTÉTICA")

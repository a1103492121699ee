"""Every page in both languages, checked against the publication it reads."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from markupsafe import escape
from tests.integration.publish_helpers import FORMULA, SCRIPT

from iceledger.web.i18n import Formatter
from iceledger.web.pages import CSV_DANGEROUS, _csv_value

PAGES = ["/", "/areas", "/area/aor/CHI", "/area/state/IL", "/area/county/17031", "/facilities", "/facilities?state=TX",
         "/facility/ABQHOLD", "/operations", "/operation/safe-city-2017", "/claims", "/map", "/map?level=county",
         "/data", "/data/dictionary"]
WITHHELD = {"en": "fewer than 11 or withheld", "es": "menos de 11 o reservado"}


def get(client, path: str, lang: str = "en"):
    sep = "&" if "?" in path else "?"
    r = client.get(path + (f"{sep}lang={lang}" if lang != "en" else ""))
    assert r.status_code == 200, (path, lang, r.text[:300])
    return r.text


def specs(page: str) -> list[dict]:
    return [json.loads(html.unescape(s)) for s in re.findall(r'data-spec="([^"]*)"', page)]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_landmarks_banner_and_language(client, path, lang):
    page = get(client, path, lang)
    assert f'<html lang="{lang}">' in page
    for landmark in ("<header", "<nav", '<main id="main"', "<footer", 'class="skip" href="#main"', "<h1>"):
        assert landmark in page, landmark
    assert 'id="synthetic-banner"' in page  # the demo publication's counts are synthetic
    assert ("DATOS SINTÉTICOS" if lang == "es" else "SYNTHETIC DATA") in page
    other = "es" if lang == "en" else "en"
    assert f'hreflang="{other}"' in page
    assert "Traceback" not in page


def test_spanish_pages_are_in_spanish(client):
    page = get(client, "/", "es")
    for words in ("Tendencias nacionales", "Órdenes de retención", "Inicio", "Saltar al contenido"):
        assert words in page
    assert "National trends" not in page


def test_language_switch_keeps_the_query(client):
    page = get(client, "/map?level=county&fy=2024")
    switch = re.search(r'<a class="lang" href="([^"]+)"', page).group(1)
    assert html.unescape(switch) == "/map?level=county&fy=2024&lang=es"
    back = re.search(r'<a class="lang" href="([^"]+)"', get(client, "/map?level=county&fy=2024", "es")).group(1)
    assert html.unescape(back) == "/map?level=county&fy=2024"


def test_national_chart_draws_exactly_the_published_cells(client, public_db):
    rows = public_db.execute("SELECT period_date, event_count, is_suppressed FROM out_tabulations "
                             "WHERE tabulation_key = 'arrests/month/national' ORDER BY period_date").fetchall()
    assert rows
    spec = next(s for s in specs(get(client, "/")) if "Arrests by month" in s["title"]["text"])
    values = {v["month"]: v for v in spec["data"]["values"]}
    assert len(values) == len(rows)
    for day, count, hidden in rows:
        v = values[str(day)]
        if hidden:
            assert v["count"] is None and v["status"] == WITHHELD["en"] and v["label"] == WITHHELD["en"]
        else:
            assert v["count"] == count and v["status"] == "published count"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_withheld_cell_reads_fewer_than_threshold_never_zero(client, public_db, lang):
    months = public_db.execute("SELECT strftime(period_date, '%Y-%m') FROM out_tabulations WHERE "
                               "tabulation_key = 'arrests/month/national' AND is_suppressed").fetchall()
    assert months, "the small demo publication withholds some national months"
    text = client.get(f"/download/trend.csv?measure=arrests&level=national&lang={lang}").text
    table = list(csv.reader(io.StringIO(text)))
    withheld_rows = [r for r in table[1:] if r and len(r) == 2 and r[1] == WITHHELD[lang]]
    assert len(withheld_rows) == len(months)
    assert all(r[1] != "0" for r in withheld_rows)
    page = get(client, "/", lang)
    assert f'<span class="withheld">{WITHHELD[lang]}</span>' in page


def test_csv_is_formula_escaped_and_names_its_source(client):
    text = client.get("/download/facilities.csv?state=TX").text
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:2] == ["Facility", "ICE code"]
    assert any(r and r[0].startswith("Source: ") for r in lines)
    for r in lines:
        for cell in r:
            assert not cell.startswith(CSV_DANGEROUS), cell
    f = Formatter("en")
    assert _csv_value(FORMULA, f, "w") == "'" + FORMULA
    assert _csv_value({"text": "=cmd|'/c calc'!A1", "href": None}, f, "w") == "'=cmd|'/c calc'!A1"
    assert _csv_value({"value": None, "withheld": True}, f, "fewer than 11 or withheld") == "fewer than 11 or withheld"


def test_hostile_registry_values_render_inert(client):
    page = get(client, "/areas")
    assert SCRIPT not in page
    assert str(escape(SCRIPT)) in page
    aor = get(client, "/area/aor/NYC")
    assert FORMULA not in aor  # quotes are escaped in HTML
    assert str(escape(FORMULA)) in aor


def test_map_paints_each_county_with_its_aor_count(client, public_db):
    fy = public_db.execute("SELECT max(cell_fy) FROM out_tabulations WHERE measure_name = 'arrests'").fetchone()[0]
    spec = specs(get(client, f"/map?measure=arrests&level=aor&fy={fy}"))[0]
    assert spec["title"]["text"].endswith(f"fiscal year {fy}")
    areas = spec["datasets"]["areas"]
    cells = dict(public_db.execute("SELECT place_code, event_count FROM out_tabulations WHERE "
                                   "tabulation_key = 'arrests/fy/aor' AND cell_fy = ?", [fy]).fetchall())
    county_aor = dict(public_db.execute("SELECT county_fips, aor_code FROM ref_county_aor WHERE is_current").fetchall())
    assert len(areas) > 2500
    for a in areas[:400]:
        assert a["count"] == cells[county_aor[a["fips"]]]
    assert re.fullmatch(r"/static/atlas/counties-10m\.[0-9a-f]{12}\.json", spec["layer"][0]["data"]["url"])


def test_claims_page_says_when_claims_are_not_checked(client, public_db):
    n = public_db.execute("SELECT count(*) FROM out_claim_results").fetchone()[0]
    page = get(client, "/claims")
    if n == 0:
        assert 'id="claims-not-checked"' in page and "Claims not yet checked in this build" in page
        assert "not yet checked" in get(client, "/")
    assert "Operation Safe City" in get(client, "/operations")


def test_operation_page_compares_announced_with_records(client, public_db):
    page = get(client, "/operation/safe-city-2017")
    for place, count in (("Philadelphia", "107"), ("Los Angeles", "101"), ("Denver", "63")):
        assert re.search(rf"{place}</td>.*?<td class=\"num\">{count}</td>", page, re.S), place
    weeks = public_db.execute("SELECT count(*) FROM out_operation_windows WHERE operation_slug = 'safe-city-2017' "
                              "AND aor_code IS NULL AND week_offset IS NOT NULL").fetchone()[0]
    assert weeks == 5
    table = re.search(r'<table id="table-operation-weeks">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    assert table.count("<tr>") == 5  # drawn as a chart too, unless every count is withheld or zero
    for spec in specs(page):
        if "weekdays" in spec["title"]["text"]:
            assert len(spec["data"]["values"]) == 5


def test_unknown_places_are_404_pages_in_the_right_language(client):
    r = client.get("/area/aor/NOPE?lang=es")
    assert r.status_code == 404 and "No encontrado" in r.text and '<html lang="es">' in r.text
    assert client.get("/facility/NOPE").status_code == 404
    assert client.get("/operation/nope").status_code == 404


def test_static_files_are_served_from_a_fixed_list(client):
    r = client.get("/static/vendor/vega.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/atlas/counties-10m.json").json()["type"] == "Topology"
    for bad in ("/static/../pages.py", "/static/%2e%2e/pages.py", "/static/vendor/../../data.py", "/static/nothing.js"):
        assert client.get(bad).status_code == 404, bad


def test_pages_fetch_nothing_from_outside(client):
    for path in PAGES:
        page = get(client, path)
        for attr in re.findall(r'(?:src|href)="(https?:[^"]*)"', page):
            # outbound links to cited sources are fine; nothing is loaded from them
            assert not re.search(rf'(?:src)="{re.escape(attr)}"', page), attr
        assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_data_page_shows_each_query_as_the_measure_ran_it(client, public_db, lang):
    """Every query of every measure's provenance, as SQL text (not the provenance's Python shape)."""
    page = get(client, "/data", lang)
    shown = [html.unescape(q) for q in re.findall(r'<pre class="sql"[^>]*><code lang="en">(.*?)</code></pre>', page, re.S)]
    expected = [q["sql"] for (prov,) in public_db.execute(
        "SELECT provenance_json FROM out_measure_sources ORDER BY measure_name, is_synthetic").fetchall()
        for p in json.loads(prov) for q in p["sql"]]
    assert expected and shown == expected
    assert all(q.lstrip().upper().startswith(("SELECT", "WITH")) for q in shown)
    assert "{&#39;purpose&#39;" not in page and "{'purpose'" not in page

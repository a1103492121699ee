"""The dashboard in a real browser: every page in both languages, charts, map, language switch,
withheld cells, the synthetic banner, keyboard use, phone width, downloads. Screenshots go to
test-artifacts/screenshots/ (printed at the end of the run)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PAGES = {"home": "/", "places": "/areas", "aor": "/area/aor/CHI", "state": "/area/state/IL",
         "county": "/area/county/17031", "facilities": "/facilities?state=TX", "facility": "/facility/ABQHOLD",
         "operations": "/operations", "operation": "/operation/safe-city-2017", "claims": "/claims",
         "map": "/map", "map-county": "/map?level=county", "releases": "/releases", "data": "/data",
         "dictionary": "/data/dictionary"}
WITHHELD = {"en": "fewer than 11 or withheld", "es": "menos de 11 o reservado"}


def with_lang(path: str, lang: str) -> str:
    return path if lang == "en" else path + ("&" if "?" in path else "?") + "lang=es"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_cleanly(watched, name, lang):
    page = watched.open(with_lang(PAGES[name], lang))
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("#synthetic-banner").is_visible()
    assert page.locator("header nav, main#main, footer").count() == 3
    assert page.locator("h1").count() == 1
    drawn = page.locator(".chart[data-spec]")
    assert drawn.count() == page.locator(".chart[data-drawn=true]").count()  # every chart drew
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)
    assert watched.problems == []


def test_language_switch(watched):
    page = watched.open("/area/aor/CHI")
    assert page.locator("header nav").inner_text().split()[0] == "Home"
    page.click("a.lang")
    page.wait_for_selector("body[data-charts=ready]")
    assert page.get_attribute("html", "lang") == "es"
    assert re.search(r"/area/aor/CHI\?lang=es$", page.url)
    assert "Inicio" in page.locator("header nav").inner_text()
    assert "Tendencias" in page.locator("main").inner_text()
    page.click("a.lang")
    page.wait_for_selector("body[data-charts=ready]")
    assert page.get_attribute("html", "lang") == "en" and page.url.endswith("/area/aor/CHI")
    assert watched.problems == []


def test_map_draws_every_county(watched):
    page = watched.open("/map?measure=arrests&level=aor")
    paths = page.locator("#fig-map .chart svg path").count()
    assert paths >= 3100, paths  # 3,200-odd county shapes in the base layer alone, plus the painted ones
    painted = page.locator("#fig-map .chart svg g.mark-shape.role-mark").count()
    assert 3 <= painted <= 4  # base, withheld and/or published, state borders
    assert watched.problems == []


def test_a_chart_draws_its_marks_and_its_axis_speaks_spanish(watched):
    page = watched.open("/?lang=es")
    marks = page.locator("#fig-trend-arrests .chart svg g.mark-rect path")
    assert marks.count() > 10
    text = page.locator("#fig-trend-arrests .chart svg").text_content()
    assert "Mes" in text and "Arrestos" in text
    assert re.search(r"(ene|jul|oct|abr) 20\d\d", text), text[:300]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_withheld_cell_reads_fewer_than_eleven(watched, lang):
    page = watched.open(with_lang("/", lang))
    page.click("#fig-trend-arrests details.alt summary")
    cell = page.locator("#fig-trend-arrests td .withheld").first
    assert cell.is_visible()
    assert cell.inner_text() == WITHHELD[lang]
    note = page.locator("#fig-trend-arrests .withheld-note").inner_text()
    assert ("never zero" if lang == "en" else "Nunca es cero") in note


def test_keyboard_skip_link_and_visible_focus(watched):
    page = watched.open("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # shown on focus
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


@pytest.mark.parametrize("name", ["home", "aor", "operation", "map", "data", "facilities"])
def test_readable_at_phone_width(phone, name):
    page = phone.open(PAGES[name])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name}: the page is {width}px wide at 375px"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=False)
    assert phone.problems == []


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_chart_downloads(watched, fmt, tmp_path):
    page = watched.open("/")
    with page.expect_download() as info:
        page.click(f"#fig-trend-arrests button[data-format={fmt}]")
    d = info.value
    assert d.suggested_filename == f"iceledger-trend-arrests-en.{fmt}"
    target = tmp_path / d.suggested_filename
    d.save_as(target)
    head = target.read_bytes()[:8]
    assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in target.read_bytes()[:400]


def test_table_download_is_csv(watched):
    page = watched.open("/operation/safe-city-2017")
    with page.expect_download() as info:
        page.click("#h-operation-areas ~ p.downloads a")
    assert info.value.suggested_filename == "iceledger-operation-areas-en.csv"
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("Place as announced,")
    assert "Philadelphia" in text and "107" in text

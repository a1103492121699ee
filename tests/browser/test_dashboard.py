"""The dashboard in a real browser: every page type in both languages (axe-core: no serious or critical
violation; Spanish pages: no English interface text), charts, map, language switch, withheld cells, the
synthetic banner, keyboard use, phone width (390 px), downloads. Screenshots of every page type, EN and
ES, desktop and phone, go to test-artifacts/screenshots/ (printed at the end of the run)."""

from __future__ import annotations

import re

import pytest
from tests.browser.conftest import PHONE_WIDTH, SCREENSHOTS

pytestmark = pytest.mark.browser

PAGES = {"home": "/", "places": "/areas", "aor": "/area/aor/CHI", "state": "/area/state/IL",
         "county": "/area/county/17031", "facilities": "/facilities?state=TX", "facility": "/facility/ABQHOLD",
         "operations": "/operations", "operation": "/operation/safe-city-2017", "claims": "/claims",
         "claim": "/claim/arrests-2017-up-43-percent", "search": "/search?q=harris",
         "map": "/map", "map-county": "/map?level=county", "releases": "/releases", "data": "/data",
         "dictionary": "/data/dictionary"}
# English words that are not Spanish ones: any of them in a Spanish page's own text (outside what is
# marked lang="en": quoted sources, English names, queries) is interface text left untranslated.
ENGLISH = re.compile(r"\b(the|and|of|with|from|this|that|which|are|is|was|were|has|have|been|not|for|by|to|on|at|"
                     r"in|or|will|would|only|its|their|there|here|no longer|shown|published)\b", re.I)
OWN_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement, text = walk.currentNode.textContent.trim();
    if (!text || !el || el.closest("script, style, pre, code")) continue;
    const marked = el.closest("[lang]");
    if (marked && !marked.getAttribute("lang").startsWith("es")) continue;
    out.push(text);
  }
  return out;
}"""
WITHHELD = {"en": "fewer than 11 or withheld", "es": "menos de 11 o reservado"}


def is_english(text: str) -> bool:
    """Whether a text has an English word in it (not a code in capitals such as WAS, IN or OR)."""
    return any(not m.group(0).isupper() for m in ENGLISH.finditer(text))


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
    assert page.locator("form.search input[name=q]").count() == 1  # find a place from any page
    drawn = page.locator(".chart[data-spec]")
    assert drawn.count() == page.locator(".chart[data-drawn=true]").count()  # every chart drew
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}-desktop.png"), full_page=True)
    assert watched.problems == []
    assert watched.axe() == []
    if lang == "es":
        english = [t for t in page.evaluate(OWN_TEXT) if is_english(t)]
        assert english == [], f"{name}: English on the Spanish page"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_usable_at_phone_width(phone, name, lang):
    """390 px: nothing wider than the screen, headings not cut, the map full width, wide tables in a box
    that scrolls with an edge shadow."""
    page = phone.open(with_lang(PAGES[name], lang))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: the page is {width}px wide at {PHONE_WIDTH}px"
    clipped = page.evaluate("""[...document.querySelectorAll('h1, h2, h3, .chart-title')]
        .filter(h => h.scrollWidth > h.clientWidth + 1).map(h => h.textContent)""")
    assert clipped == []
    for svg in page.locator(".chart[data-drawn=true] > svg").all():
        box = svg.bounding_box()
        assert box["width"] >= 300  # a chart or the map uses the width of the screen
        legends = [g.bounding_box() for g in svg.locator("g.role-legend").all()]
        for i, a in enumerate(legends):  # each legend whole on the screen, and none over another
            assert box["x"] - 1 <= a["x"] and a["x"] + a["width"] <= box["x"] + box["width"] + 1, f"{name}: a legend is cut"
            for b in legends[i + 1:]:
                apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                         or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
                assert apart, f"{name}: two legends overlap"
    for wrap in page.locator(".table-wrap").all():
        if wrap.is_visible():
            assert wrap.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}-390.png"), full_page=True)
    assert phone.problems == []
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


def test_table_download_is_csv(watched):
    page = watched.open("/operation/safe-city-2017")
    with page.expect_download() as info:
        page.click("#h-operation-areas ~ p.downloads a")
    assert info.value.suggested_filename == "iceledger-operation-areas-en.csv"
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("Place as announced,")
    assert "Philadelphia" in text and "107" in text


def test_a_click_on_the_map_opens_the_place(watched):
    """The map is a way in: a click on an area goes to its page (the list beside it is the keyboard's way)."""
    page = watched.open("/map?measure=arrests&level=aor")
    box = page.locator("#fig-map .chart svg").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45)  # the middle of the country
    page.wait_for_url("**/area/aor/*", timeout=10_000)
    assert page.locator("h1").inner_text()
    page = watched.open("/map?measure=arrests&level=aor")
    assert page.locator(".map-list a[href^='/area/aor/']").count() >= 20  # every AOR, as a link beside the map
    assert watched.problems == []

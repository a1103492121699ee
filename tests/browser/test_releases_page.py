"""The Releases page in a real browser, over a publication holding two hand-made productions of the same
arrests (tests/integration/compare_helpers.py): a reporter picks two releases, reads per fiscal year in
plain words where they disagree, sees the monthly difference drawn with its withheld month, in English
and Spanish."""

from __future__ import annotations

import pytest
from tests.browser.conftest import PHONE_WIDTH, SCREENSHOTS, Watched, serve
from tests.browser.test_dashboard import OWN_TEXT, is_english
from tests.integration.compare_helpers import A, B

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def compare_server(compared):
    with serve(compared) as url:
        yield url


@pytest.fixture
def reporter(browser, compare_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield Watched(context.new_page(), compare_server)
    context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pick_two_releases_and_read_where_they_disagree(reporter, lang):
    page = reporter.open("/releases" + ("?lang=es" if lang == "es" else ""))
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("header nav a[aria-current=page]").inner_text() == ("Releases" if lang == "en" else "Entregas")
    listing = page.locator("#table-release-list").inner_text()
    assert A in listing and B in listing and ("SYNTHETIC" if lang == "en" else "SINTÉTICO") in listing
    page.select_option("select[name=a]", B)  # either order: the comparison is the same pair
    page.select_option("select[name=b]", A)
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("body[data-charts=ready]")
    assert f"a={B}" in page.url and f"b={A}" in page.url
    said = page.locator("#compare-sentences").inner_text()
    assert said == ("cmp-seattle has 22 fewer arrests than cmp-national in fiscal year 2017 (Jan 1, 2017 to Jun 30, 2017)."
                    if lang == "en" else
                    "cmp-seattle tiene 22 arrestos menos que cmp-national en el año fiscal 2017 (del 1 ene 2017 al 30 jun 2017).")
    chart = page.locator("#fig-compare-month .chart[data-drawn=true] svg")
    assert chart.count() == 1
    assert page.locator("#fig-compare-month .chart svg g.mark-rect path").count() >= 2  # bars, and the withheld month's band
    page.click("#fig-compare-month details.alt summary")  # the chart's numbers, as a table
    february = page.locator("#table-compare-month tbody tr").nth(1).inner_text()
    withheld = "fewer than 11 or withheld" if lang == "en" else "menos de 11 o reservado"
    assert february.count(withheld) == 3 and "33" in february
    page.screenshot(path=str(SCREENSHOTS / f"releases-compared-{lang}.png"), full_page=True)
    assert reporter.problems == []
    assert reporter.axe() == []
    if lang == "es":
        assert [t for t in page.evaluate(OWN_TEXT) if is_english(t)] == []


def test_the_comparison_fits_a_phone(browser, compare_server):
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone = Watched(context.new_page(), compare_server)
    page = phone.open(f"/releases?a={A}&b={B}&measure=arrests&lang=es")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert page.locator("#fig-compare-month .chart[data-drawn=true] > svg").bounding_box()["width"] >= 300
    page.screenshot(path=str(SCREENSHOTS / "releases-compared-es-390.png"), full_page=True)
    assert phone.problems == []
    context.close()

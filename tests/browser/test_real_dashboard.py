"""The dashboard of the demo built on ICE's real records, in a real browser: the home page leads with
ICE's own figures, labelled and sourced, and shows the synthetic series apart, each labelled; the
Operation Safe City page shows the real window against the weeks before, beside ICE's 498, with the
query and the release. Screenshots go to test-artifacts/screenshots/real-*.png."""

from __future__ import annotations

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard import OWN_TEXT, is_english, with_lang

pytestmark = pytest.mark.browser
CITATION = "ICE ERO-LESA, FOIA 2019-ICFO-53623, via UWCHR/ice-enforce"


def test_home_leads_with_real_figures_and_shows_synthetic_series_apart(real_watched):
    page = real_watched.open("/")
    assert page.locator("main h2").first.inner_text() == "ICE's own records: national counts by fiscal year"
    lead = page.locator("section:has(#table-lead)")
    assert lead.locator(".tag-real").inner_text() == "ICE RECORDS" and lead.locator(".tag-synthetic").count() == 0
    arrests = lead.locator("#table-lead tr", has_text="Arrests").inner_text()
    assert all(n in arrests for n in ("110,104", "143,470", "158,581"))
    assert "240,255" in lead.locator("#table-lead tr", has_text="Removals").inner_text()
    assert CITATION in lead.locator(".source").inner_text()
    real = page.locator("section[aria-labelledby=h-trends]")
    synthetic = page.locator("section[aria-labelledby=h-synthetic-trends]")
    assert real.locator("#fig-trend-arrests .tag-real").is_visible() and real.locator(".tag-synthetic").count() == 0
    assert CITATION in real.locator("#fig-trend-arrests .source").inner_text()
    for fig in ("#fig-trend-arrests-synthetic", "#fig-trend-detainers", "#fig-trend-removals-synthetic"):
        assert synthetic.locator(f"{fig} .tag-synthetic").is_visible(), fig
        assert CITATION not in synthetic.locator(f"{fig} .source").inner_text(), fig
    assert synthetic.locator(".tag-real").count() == 0
    assert page.get_by_text("PARTLY SYNTHETIC").count() == 0  # no chart mixes the two
    assert page.locator(".chart[data-spec]").count() == page.locator(".chart[data-drawn=true]").count()
    page.screenshot(path=str(SCREENSHOTS / "real-home-en-desktop.png"), full_page=True)
    assert real_watched.problems == []


def test_safe_city_page_shows_the_real_window(real_watched):
    page = real_watched.open("/operation/safe-city-2017")
    summary = page.locator("#window-summary").inner_text()
    assert "1,073 arrests in the 10 areas' AORs" in summary and "556.5 on average" in summary
    assert "ICE announced 498 arrests" in summary
    section = page.locator("section[aria-labelledby=h-records-window]")
    assert section.locator(".tag-real").inner_text() == "ICE RECORDS"
    section.locator("details.query summary").click()
    assert CITATION in section.locator(".source").inner_text()
    assert "core_arrests" in section.locator("pre.sql").first.inner_text()
    la = page.locator("#table-operation-areas tr", has_text="Los Angeles").inner_text()
    assert "101" in la and "260" in la and "91" in la  # announced, the records on those days, the weeks before
    page.screenshot(path=str(SCREENSHOTS / "real-operation-en-desktop.png"), full_page=True)
    assert real_watched.problems == []


@pytest.mark.parametrize("path", ["/", "/operation/safe-city-2017"])
def test_real_pages_speak_spanish(real_watched, path):
    page = real_watched.open(with_lang(path, "es"))
    english = [t for t in page.evaluate(OWN_TEXT) if is_english(t)]
    assert english == [], f"{path}: English on the Spanish page"
    if path == "/":
        assert page.locator("main h2").first.inner_text() == "Los registros de ICE: cifras nacionales por año fiscal"
        assert page.locator("section[aria-labelledby=h-synthetic-trends] .tag-synthetic").count() >= 3
    else:
        assert "ICE anunció 498 arrestos" in page.locator("#window-summary").inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"real-{'home' if path == '/' else 'operation'}-es-desktop.png"), full_page=True)
    assert real_watched.problems == []

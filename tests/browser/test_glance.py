"""Place pages' "At a glance" in a real browser: Harris and Travis counties, a state and an AOR, English and
Spanish, desktop and a 390-px phone (screenshots in test-artifacts/screenshots/glance-*), axe-core, no English
interface text on the Spanish pages, and the "as of" day picker working without JavaScript."""

from __future__ import annotations

import pytest
from tests.browser.conftest import PHONE_WIDTH, SCREENSHOTS, Watched
from tests.browser.test_dashboard import OWN_TEXT, is_english, with_lang

pytestmark = pytest.mark.browser

PLACES = {"harris": "/area/county/48201", "travis": "/area/county/48453", "texas": "/area/state/TX",
          "houston": "/area/aor/HOU", "los-angeles": "/area/county/06037"}
OWN_TEXT_IN = OWN_TEXT.replace("() =>", "(root) =>").replace("document.body", "root")  # the text of one element


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(PLACES))
def test_at_a_glance_reads_cleanly(watched, name, lang):
    page = watched.open(with_lang(PLACES[name], lang))
    glance = page.locator("#glance")
    assert glance.is_visible() and glance.get_attribute("data-on") == "2025-08-05"
    glance.screenshot(path=str(SCREENSHOTS / f"glance-{name}-{lang}-desktop.png"))
    assert watched.problems == [] and watched.axe() == []
    if lang == "es":
        english = [t for t in glance.evaluate(OWN_TEXT_IN) if is_english(t)]
        assert english == [], f"{name}: English in the Spanish panel"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(PLACES))
def test_at_a_glance_fits_a_phone(phone, name, lang):
    page = phone.open(with_lang(PLACES[name], lang))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    overflowing = page.evaluate("""[...document.querySelectorAll('#glance *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + ' ' + e.textContent.slice(0, 40))""")
    assert overflowing == []
    box = page.locator("#glance input[name=on]").bounding_box()
    assert box["height"] >= 24 and box["x"] + box["width"] <= PHONE_WIDTH
    page.locator("#glance").screenshot(path=str(SCREENSHOTS / f"glance-{name}-{lang}-390.png"))
    assert phone.problems == []


@pytest.fixture
def no_script(browser, server):
    """A phone without JavaScript: the page must still answer for the day picked."""
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, java_script_enabled=False)
    yield Watched(context.new_page(), server)
    context.close()


def test_the_day_picker_works_without_javascript_and_keeps_its_day(no_script):
    page = no_script.page
    page.goto(no_script.base + "/area/county/48453?lang=es")
    assert page.locator("#glance-policy").get_attribute("data-answer") == "limits_detainers"
    page.fill("#glance input[name=on]", "2016-06-01")
    with page.expect_navigation():
        page.click("#glance form.asof button[type=submit]")
    assert "on=2016-06-01" in page.url and "lang=es" in page.url and page.url.endswith("#glance")
    assert page.locator("#glance input[name=on]").input_value() == "2016-06-01"  # the picker keeps the day
    assert page.locator("#glance").get_attribute("data-on") == "2016-06-01"
    assert page.locator("#glance-policy").get_attribute("data-answer") == "no_recorded_policy"
    assert "Ninguna política registrada" in page.locator("#glance-policy").inner_text()
    assert page.locator("html").get_attribute("lang") == "es"
    assert no_script.problems == []

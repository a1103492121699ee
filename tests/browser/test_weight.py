"""Light pages: what a first visit transfers (HTML, CSS, JavaScript, map boundaries, compressed), read
from Chromium's own network accounting on a cold cache. Targets: a page at most 400 KB, the county map
at most 900 KB. The figures are written to test-artifacts/page-weights.json (bench/RESULTS.md reports
a run)."""

from __future__ import annotations

import json

import pytest
from tests.browser.conftest import ROOT, Watched

pytestmark = pytest.mark.browser

TARGETS = {"/": 400_000, "/area/aor/CHI": 400_000, "/area/county/17031": 400_000, "/claims": 400_000,
           "/data": 400_000, "/map?level=county": 900_000, "/map": 900_000}
WEIGHTS: dict = {}


@pytest.mark.parametrize("path", list(TARGETS))
def test_a_cold_page_is_light(browser, server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    w = Watched(context.new_page(), server)
    sizes: list[tuple[str, int, str]] = []

    def count(request):
        response = request.response()
        s = request.sizes()
        sizes.append((request.url, s["responseBodySize"] + s["responseHeadersSize"],
                      (response.headers.get("content-encoding") or "") if response else ""))

    w.page.on("requestfinished", count)
    w.open(path)
    w.page.wait_for_load_state("networkidle")
    context.close()
    total = sum(n for _, n, _ in sizes)
    WEIGHTS[path] = {"bytes": total, "requests": len(sizes)}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "page-weights.json").write_text(json.dumps(WEIGHTS, indent=1))
    big = [(u, n) for u, n, enc in sizes if n > 20_000 and enc != "gzip"]
    assert big == [], "large responses sent uncompressed"
    assert total <= TARGETS[path], f"{path}: {total:,} bytes transferred"
    assert w.problems == []


def test_vendored_files_have_hashed_names_and_a_long_cache(watched):
    page = watched.open("/map")
    hashed = page.evaluate("[...document.scripts].map(s => s.src).concat("
                           "[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href))")
    assert any("/static/vendor/vega.min." in u for u in hashed)
    for url in hashed:
        if url:
            r = page.request.get(url, headers={"Accept-Encoding": "gzip"})
            assert "immutable" in r.headers["cache-control"] and "max-age=31536000" in r.headers["cache-control"], url

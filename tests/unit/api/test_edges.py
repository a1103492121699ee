"""The edges of the API and the dashboard (issue 11): numbers too big for the database, digits that
are not ASCII, parameters echoed into headers, and a response cache that must stay bounded in bytes."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from iceledger.api import middleware
from iceledger.api.middleware import ApiGate

HUGE = "9223372036854775808"  # one past the largest 64-bit integer


def _error(r, status=400):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and set(body["error"]) == {"code", "message", "fix", "location"}
    return body["error"]


@pytest.mark.parametrize("path", [
    "/api/v1/tabulations?measure=arrests&grain=month&place_level=aor",
    "/api/v1/registries/ref_aors",
    "/api/v1/releases",
    "/api/v1/claims",
])
@pytest.mark.parametrize("offset", [HUGE, "99999999999999999999999", str(2**62)])
def test_an_offset_beyond_any_table_is_a_clear_400(client, path, offset):
    err = _error(client.get(f"{path}&offset={offset}" if "?" in path else f"{path}?offset={offset}"))
    assert err["code"] == "bad_parameter" and err["location"]["column"] == "offset"


@pytest.mark.parametrize("page", ["/area/aor/SEA", "/area/state/WA", "/map", "/map?level=county"])
@pytest.mark.parametrize("fy", ["²", "١٢", "２０１９", "⑳"])
def test_a_fiscal_year_in_non_ascii_digits_is_ignored_not_a_500(client, page, fy):
    r = client.get(page, params={"fy": fy})
    assert r.status_code == 200, r.text[:300]
    assert "<html" in r.text


@pytest.mark.parametrize("measure", ["<script>alert(1)</script>", 'a"; filename="evil.exe', "Arrests—é", "a\x00b", "a\r\nSet-Cookie: x=1"])
def test_a_download_filename_never_echoes_a_parameter(client, measure):
    r = client.get("/download/trend.csv", params={"measure": measure})
    assert r.status_code in (200, 400), r.text[:300]
    disposition = r.headers.get("content-disposition", "")
    disposition.encode("ascii")
    for piece in ("script", "evil", "é", "\x00", "Set-Cookie", '";'):
        assert piece not in disposition
    if r.status_code == 200:
        assert disposition.startswith('attachment; filename="iceledger-trend')


def test_a_download_filename_names_a_known_measure(client):
    r = client.get("/download/trend.csv", params={"measure": "removals", "lang": "es"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="iceledger-trend-removals-es.csv"'


def test_the_response_cache_is_bounded_in_bytes():
    """250 distinct large answers (the issue's case): the cache keeps at most CACHE_BYTES of bodies."""
    body = b"x" * 1_800_000

    async def big(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})

    gate = ApiGate(big, seed="s", headers=[], cache_control="public")
    limit = getattr(middleware, "CACHE_BYTES", 64 * 2**20)

    async def sent(message):
        return None

    async def nothing():
        return {"type": "http.request"}

    async def run():
        for i in range(250):
            scope = {"type": "http", "path": f"/api/v1/x{i}", "raw_path": f"/api/v1/x{i}".encode(), "query_string": b"",
                     "method": "GET", "headers": []}
            await gate(scope, nothing, sent)
            held = sum(len(v[2]) for v in gate.cache.values())
            assert held <= limit, f"after {i + 1} requests the cache holds {held:,} bytes"
        return held

    # In a thread of its own: the browser tests' Playwright (sync API) keeps an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(asyncio.run, run()).result()
    assert held > 0  # it still caches

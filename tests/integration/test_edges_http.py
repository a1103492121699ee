"""The edges on a real server (uvicorn on loopback, `iceledger serve --public` as a process): a hostile
download parameter must give an answer, never a dropped connection."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from tests.integration.publish_helpers import copy_home
from tests.integration.test_api_server import ENV, _free_port


@pytest.fixture(scope="module")
def server(published, tmp_path_factory):
    home = copy_home(published, tmp_path_factory.mktemp("edges") / "h")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "iceledger", "serve", "--public", "--home", str(home.home),
                             "--port", str(port)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(base + "/api/v1/", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.time() < deadline, "server did not start"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("raw", ["%E2%80%94%C3%A9", "a%00b", "a%0D%0ASet-Cookie:%20x=1", "%22%3Cscript%3E", "%FF%FE"])
def test_hostile_download_parameters_get_an_answer(server, raw):
    r = httpx.get(f"{server}/download/trend.csv?measure={raw}", timeout=30)  # a dropped connection raises here
    assert r.status_code in (200, 400)
    disposition = r.headers.get("content-disposition", "")
    assert disposition in ("", 'attachment; filename="iceledger-trend-en.csv"'), disposition
    assert "set-cookie" not in r.headers


def test_non_latin1_text_downloads_as_utf8(server):
    r = httpx.get(f"{server}/download/facilities.csv?state=PR&lang=es", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv; charset=utf-8")
    r.content.decode("utf-8")

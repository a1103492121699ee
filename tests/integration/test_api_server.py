"""The real thing: `iceledger publish` and `iceledger serve --public` as processes, HTTP on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
from tests.integration.publish_helpers import copy_home

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "iceledger", *args], capture_output=True, text=True, env=ENV,
                          timeout=timeout)


def test_publish_json_then_serve_public_over_http(published, tmp_path):
    home = copy_home(published, tmp_path / "h")
    out = _cli("publish", "--home", str(home.home), "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["ok"] is True and body["data"]["synthetic"] is True and body["data"]["threshold"] == 10
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "iceledger", "serve", "--public", "--home", str(home.home),
                             "--port", str(port)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.time() < deadline, "server did not start"
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["meta"]["mode"] == "public"
        r = httpx.get(f"http://127.0.0.1:{port}/api/v1/tabulations",
                      params={"measure": "arrests", "grain": "month", "place_level": "national"})
        assert r.status_code == 200 and r.json()["data"]
        assert all(x["event_count"] is None or x["event_count"] == 0 or x["event_count"] > 10 for x in r.json()["data"])
        r = httpx.get(f"http://127.0.0.1:{port}/api/docs")
        assert r.status_code == 200 and "tabulations" in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_public_refuses_a_ledger_at_start_up(published, tmp_path):
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "public.duckdb").write_bytes(published.ledger_path.read_bytes())
    out = _cli("serve", "--public", "--home", str(tmp_path / "h"), "--port", str(_free_port()), timeout=120)
    assert out.returncode == 2
    assert "not_a_publication" in out.stderr and "core_" in out.stderr and "iceledger publish" in out.stderr


def test_analyst_mode_never_binds_beyond_loopback(published, tmp_path):
    out = _cli("serve", "--home", str(published.home), "--host", "0.0.0.0", "--port", str(_free_port()), timeout=300)
    assert out.returncode == 2 and "127.0.0.1" in out.stderr

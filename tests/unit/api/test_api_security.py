"""Hostile requests: SQL injection in every parameter, script and formula payloads in the data,
path traversal, oversized and malformed requests, record-level tables asked for by name."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from tests.integration.publish_helpers import FORMULA, FORMULA_CATEGORY, SCRIPT

from iceledger.publish.query import OTHER

INJECTIONS = ["' OR 1=1 --", "arrests'; DROP TABLE out_tabulations; --", "1; SELECT * FROM core_arrests",
              "\" OR \"\"=\"", "arrests) UNION SELECT person_id FROM core_arrests --", "%27%20OR%201%3D1"]
BASE = "/api/v1/tabulations?measure=arrests&grain=month&place_level=aor&by=criminality"
PARAMS = ["measure", "grain", "place_level", "by", "place", "from", "to", "criminality", "limit", "offset", "format"]


def _assert_envelope_error(r, status=400):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False
    assert set(body["error"]) == {"code", "message", "fix", "location"}
    assert body["error"]["message"] and body["error"]["fix"]
    return body["error"]


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_every_tabulation_parameter_is_a_clear_400(client, param, payload):
    base = {"measure": "arrests", "grain": "month", "place_level": "aor", "by": "criminality"}
    r = client.get("/api/v1/tabulations", params=base | {param: payload})
    err = _assert_envelope_error(r)
    assert err["message"].startswith(param + ":") or err["message"].startswith("by:"), err  # names the parameter
    # the database is intact and still answers
    assert client.get(BASE + "&limit=1").status_code == 200


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_registry_filters_and_paths(client, payload):
    r = client.get("/api/v1/registries/ref_aors", params={"aor_code": payload})
    assert r.status_code == 200 and r.json()["data"] == []  # a value, compared as a value
    r = client.get("/api/v1/registries/ref_aors", params={payload: "x"})
    _assert_envelope_error(r)
    r = client.get(f"/api/v1/registries/{payload}")
    assert r.status_code == 404 and r.json()["ok"] is False
    r = client.get(f"/api/v1/releases/{payload}")
    assert r.status_code in (400, 404) and r.json()["ok"] is False
    r = client.get(f"/api/v1/claims/{payload}")
    assert r.status_code in (400, 404) and r.json()["ok"] is False


def test_script_payload_in_a_registry_is_returned_inert(client):
    r = client.get("/api/v1/places/aors", params={"aor_code": "SEA"})
    assert r.status_code == 200
    raw = r.content.decode()
    assert "<script>" not in raw and "\\u003cscript\\u003e" in raw
    assert r.json()["data"][0]["aor_name"] == SCRIPT  # the value itself, JSON-escaped on the wire
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_formula_payloads_are_escaped_in_csv_and_excel(client):
    r = client.get("/api/v1/places/aors", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    nyc = next(x for x in rows if x["aor_code"] == "NYC")
    assert nyc["field_office_name"] == "'" + FORMULA
    r = client.get("/api/v1/places/aors", params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'" + FORMULA in values and FORMULA not in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_formula_category_values_never_reach_tabulation_downloads(client):
    """A criminality written as a formula is outside the criminality code list: it is published as OTHER,
    never as its text (issue 11), so no download can carry it, escaped or not."""
    r = client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "fy", "by": "criminality",
                                                  "format": "csv", "limit": 10000})
    text = r.content.decode()
    assert FORMULA_CATEGORY not in text
    assert OTHER in text


@pytest.mark.parametrize("path", ["/api/v1/downloads/../../etc/passwd", "/api/v1/downloads/..%2F..%2Fetc%2Fpasswd",
                                  "/api/v1/downloads/%2e%2e%2fledger.duckdb", "/api/v1/downloads/core_arrests.csv",
                                  "/api/v1/downloads/quarantine.csv", "/api/static/../app.py", "/api/static/..%2Fapp.py",
                                  "/api/static/%2e%2e/%2e%2e/settings.py", "/api/static/docs.css/../../app.py",
                                  "/api/v1/registries/..%2F..%2Fref_aors"])
def test_path_traversal_is_refused(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert r.json()["ok"] is False
    assert b"import" not in r.content and b"root:" not in r.content


@pytest.mark.parametrize("name", ["core_arrests", "core_detainers", "quarantine", "releases", "ingest_runs", "release_files"])
def test_record_level_and_ledger_tables_are_refused(client, name):
    for path in (f"/api/v1/registries/{name}", f"/api/v1/downloads/{name}.csv", f"/api/v1/downloads/{name}.parquet"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["ok"] is False, path


def test_oversized_and_malformed_requests(client):
    _assert_envelope_error(client.get("/api/v1/tabulations?measure=arrests&place=" + "A" * 5000), 414)
    err = _assert_envelope_error(client.get(BASE + "&limit=100000000"))
    assert "limit" in err["message"] and "10000" in err["fix"]
    err = _assert_envelope_error(client.get(BASE + "&limit=ten"))
    assert err["location"]["column"] == "limit"
    _assert_envelope_error(client.get(BASE + "&offset=-5"))
    _assert_envelope_error(client.get(BASE + "&from=yesterday"))
    err = _assert_envelope_error(client.get(BASE + "&colour=red"))
    assert "colour" in err["message"] and "measure" in err["fix"]
    _assert_envelope_error(client.get("/api/v1/tabulations?measure=arrests&by=a,b,c"))
    r = client.post("/api/v1/tabulations", json={"measure": "arrests"})
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    r = client.delete("/api/v1/releases")
    assert r.status_code == 405


def test_unknown_values_say_what_is_allowed(client):
    err = _assert_envelope_error(client.get("/api/v1/tabulations?measure=arrests&grain=week"))
    assert "grain" in err["message"] and "month" in err["fix"] and "fy" in err["fix"]
    err = _assert_envelope_error(client.get("/api/v1/tabulations?measure=arrests&place_level=facility"))
    assert "aor" in err["fix"]
    err = _assert_envelope_error(client.get("/api/v1/tabulations?measure=arrests&by=lift_reason"))
    assert "by" in err["message"]
    err = _assert_envelope_error(client.get(BASE + "&criminality=Nope"))
    assert "criminality" in err["message"]
    err = _assert_envelope_error(client.get(BASE + "&place=ZZZ"))
    assert "place" in err["message"] and "SEA" in err["fix"]


def test_our_failures_are_500s_that_leak_nothing(published):
    from fastapi.testclient import TestClient

    from iceledger.server import create_app

    app = create_app(published, True)

    def broken(*a, **k):
        raise RuntimeError("secret detail /home/someone/ledger.duckdb SELECT * FROM core_arrests")

    app.state.data.fetch = broken
    r = TestClient(app, raise_server_exceptions=False).get("/api/v1/tabulations?measure=arrests")
    assert r.status_code == 500
    body = r.json()
    assert body["ok"] is False and body["error"]["code"] == "internal_error"
    assert "secret" not in r.text and "core_arrests" not in r.text and "/home" not in r.text

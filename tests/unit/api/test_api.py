"""The API's answers: the envelope, values, caching headers, downloads, the analyst mode."""

from __future__ import annotations

import io

import duckdb
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from iceledger.errors import BuildError
from iceledger.server import create_app


def test_success_envelope_shape_and_meta(client):
    r = client.get("/api/v1/")
    body = r.json()
    assert set(body) == {"ok", "data", "meta"} and body["ok"] is True
    meta = body["meta"]
    assert meta["mode"] == "public" and meta["exact_figures"] is False and meta["suppression_threshold"] == 10
    assert meta["has_synthetic"] is True  # the publication holds synthetic series ...
    assert "synthetic_notice" not in meta  # ... but this answer holds no count: the notice goes with synthetic rows
    assert r.headers["x-iceledger-mode"] == "public"
    assert "/api/v1/tabulations" in body["data"]["endpoints"]


def test_tabulation_values_match_the_public_database(client, published):
    r = client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "fy", "place_level": "aor", "limit": 10000})
    rows = r.json()["data"]
    con = duckdb.connect(str(published.public_path), read_only=True)
    want = con.execute("SELECT period_date, place_code, event_count, is_suppressed FROM out_tabulations "
                       "WHERE tabulation_key = 'arrests/fy/aor' ORDER BY period_date, place_code").fetchall()
    con.close()
    got = [(x["period_date"], x["place_code"], x["event_count"], x["is_suppressed"]) for x in rows]
    assert [(str(a), b, c, d) for a, b, c, d in want] == got
    assert r.json()["meta"]["total"] == len(want) and r.json()["meta"]["table"] == "arrests/fy/aor"
    meta = r.json()["meta"]  # the small test publication is all SYNTHETIC: its answer says so, series by series
    assert meta["synthetic_notice"].startswith("SYNTHETIC") and all(x["is_synthetic"] for x in rows)
    assert meta["series"] and {s["origin"] for s in meta["series"]} == {"synthetic"}
    assert all(s["release_ids"] and s["text"].startswith("arrests FY") for s in meta["series"])
    for x in rows:
        assert (x["event_count"] is None) == x["is_suppressed"]
        assert x["event_count"] is None or x["event_count"] == 0 or x["event_count"] > 10


def test_filters_narrow_the_rows(client):
    full = client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "month", "place_level": "aor",
                                                     "limit": 10000}).json()
    sea = client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "month", "place_level": "aor",
                                                    "place": "SEA", "from": "2024-01", "to": "2024-06"}).json()
    assert 0 < sea["meta"]["total"] < full["meta"]["total"]
    assert {x["place_code"] for x in sea["data"]} == {"SEA"}
    assert all("2024-01-01" <= x["period_date"] <= "2024-06-01" for x in sea["data"])


def test_timeseries_groups_points_by_series(client):
    body = client.get("/api/v1/timeseries", params={"measure": "detainers", "place_level": "aor", "by": "lift_reason",
                                                    "place": "SEA", "limit": 10000}).json()
    assert body["ok"]
    for s in body["data"]:
        assert s["place_code"] == "SEA" and s["category_1"] == "lift_reason"
        dates = [p["period_date"] for p in s["points"]]
        assert dates == sorted(dates)


def test_etag_304_and_cache_control(client):
    r = client.get("/api/v1/lattice")
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=300"
    etag = r.headers["etag"]
    r2 = client.get("/api/v1/lattice", headers={"if-none-match": etag})
    assert r2.status_code == 304 and r2.content == b"" and r2.headers["etag"] == etag
    r3 = client.get("/api/v1/lattice?")
    assert r3.status_code == 200
    assert client.get("/api/v1/nope").headers["cache-control"] == "no-store"


def test_downloads_in_three_formats(client):
    q = {"measure": "removals", "grain": "fy", "place_level": "aor", "limit": 10000}
    js = client.get("/api/v1/tabulations", params=q).json()["data"]
    csv_r = client.get("/api/v1/tabulations", params=q | {"format": "csv"})
    assert csv_r.headers["content-disposition"].startswith("attachment; filename=\"removals_fy_aor.csv")
    assert csv_r.content.decode().count("\r\n") == len(js) + 1
    pq_r = client.get("/api/v1/tabulations", params=q | {"format": "parquet"})
    table = pq.read_table(io.BytesIO(pq_r.content))
    assert table.num_rows == len(js) and "event_count" in table.column_names
    xl = client.get("/api/v1/tabulations", params=q | {"format": "xlsx"})
    assert xl.content[:2] == b"PK"
    whole = client.get("/api/v1/downloads/out_lattice.parquet")
    assert pq.read_table(io.BytesIO(whole.content)).num_rows > 10


def test_registries_claims_releases_dictionary_suppression(client):
    regs = {r["name"] for r in client.get("/api/v1/registries").json()["data"]}
    assert {"ref_aors", "ref_states", "ref_counties"} <= regs
    claims = client.get("/api/v1/claims").json()
    assert claims["meta"]["claims_available"] is True
    assert {c["claim_id"]: c["claim_verdict"] for c in claims["data"]}["safe-city-2017-ended-sep-24"] == "contradicted"
    rel = client.get("/api/v1/releases").json()["data"]
    one = client.get(f"/api/v1/releases/{rel[0]['release_id']}").json()["data"]
    assert one["files"] and all("file_path" not in f for f in one["files"]) and one["runs"]
    tables = {t["table"] for t in client.get("/api/v1/dictionary").json()["data"]}
    assert "out_tabulations" in tables and not any(t.startswith("core_") for t in tables)
    sup = client.get("/api/v1/suppression").json()["data"]
    assert sup["threshold"] == 10 and sup["audit"]
    assert {a["cell_status"] for a in sup["audit"]} <= {"published", "withheld_small", "withheld_changed", "withheld_complementary"}
    for endpoint, table in [("287g", "ref_287g_agreements"), ("facilities", "ref_facilities"), ("policies", "ref_policies"),
                            ("operations", "ref_operations"), ("figures", "ref_official_figures")]:
        body = client.get(f"/api/v1/{endpoint}", params={"limit": 5}).json()
        if table in regs:
            assert body["meta"]["table"] == table and body["meta"]["total"] > 0 and len(body["data"]) <= 5
        else:
            assert body["data"] == [] and body["meta"]["note"].startswith(f"the {endpoint} registry is not loaded")


def test_docs_page_and_openapi(client):
    r = client.get("/api/docs")
    assert r.status_code == 200 and "/api/v1/tabulations" in r.text and "<script" not in r.text
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/tabulations" in spec["paths"]
    assert client.get("/api/static/docs.css").status_code == 200
    # it lists the statuses the API answers with: a parameter that fails validation is a 400 in the envelope, never 422
    tab = spec["paths"]["/api/v1/tabulations"]["get"]["responses"]
    assert sorted(tab) == ["200", "400", "404"] and "HTTPValidationError" not in spec["components"]["schemas"]
    assert "422" not in client.get("/api/openapi.json").text
    bad = client.get("/api/v1/tabulations", params={"measure": "arrests", "limit": "ten"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_parameter"


def test_analyst_mode_says_so_on_every_response(published):
    app = create_app(published, False)
    c = TestClient(app)
    r = c.get("/api/v1/tabulations", params={"measure": "arrests", "place_level": "aor", "limit": 5})
    assert r.headers["x-iceledger-mode"] == "local_analyst" and "exact" in r.headers["x-iceledger-notice"]
    meta = r.json()["meta"]
    assert meta["exact_figures"] is True and "LOCAL ANALYST MODE" in meta["notice"]
    assert r.headers["cache-control"] == "private, no-store"
    err = c.get("/api/v1/tabulations?measure=nope")
    assert err.headers["x-iceledger-mode"] == "local_analyst" and err.json()["meta"]["mode"] == "local_analyst"
    # exact: nothing withheld
    rows = c.get("/api/v1/tabulations", params={"measure": "arrests", "place_level": "aor", "limit": 10000}).json()["data"]
    assert rows and not any(x["is_suppressed"] for x in rows)


def test_public_server_refuses_the_ledger_and_the_analyst_database(published, tmp_path):
    from iceledger.publish.analyst import analyst_path
    from iceledger.settings import load_settings

    wrong = load_settings(tmp_path)
    (tmp_path / "public.duckdb").write_bytes(published.ledger_path.read_bytes())
    with pytest.raises(BuildError) as exc:
        create_app(wrong, True)
    assert exc.value.code == "not_a_publication" and "core_arrests" in exc.value.message
    (tmp_path / "public.duckdb").write_bytes(analyst_path(published).read_bytes())
    with pytest.raises(BuildError) as exc:
        create_app(wrong, True)
    assert exc.value.code == "exact_database"

"""/api/v1/places/{fips}/status: a county's cooperation with ICE on a day, read from the public database only."""

from __future__ import annotations


def test_status_of_a_county_on_a_day(client):
    r = client.get("/api/v1/places/48201/status", params={"on": "2025-06-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["meta"]["mode"] == "public"
    d = body["data"]
    assert (d["county_fips"], d["county_name"], d["state_code"], d["on"]) == ("48201", "Harris County", "TX", "2025-06-01")
    assert d["detainers"]["answer"] == "must_honour_detainers"
    assert d["detainers"]["label"] == "Required by state law to honour ICE detainers" and "Senate Bill 4" in d["detainers"]["text"]
    assert d["detainers"]["facts"][0]["record_ref"] == "tx-2017-09-01-sb4"
    assert d["g287"]["answer"] == "no" and d["g287"]["lists"]["list_on_day"] == "2025-05-29"
    assert d["designations"]["answer"] == "not_listed"
    assert all(f["source_url"] for f in d["timeline"])


def test_a_designation_withdrawn_in_a_month_known_only_to_the_month(client):
    june = client.get("/api/v1/places/17031/status", params={"on": "2025-06-15"}).json()["data"]["designations"]
    july = client.get("/api/v1/places/17031/status", params={"on": "2025-07-15"}).json()["data"]["designations"]
    dhs = lambda part: [f for f in part["facts"] if f["said_by"] == "DHS" and f["party_name"] == "Cook County"]  # noqa: E731
    assert dhs(june)[0]["holds_on_day"] is True  # withdrawn in June 2025, day not established: standing until June ends
    assert dhs(july)[0]["holds_on_day"] is False
    assert (dhs(july)[0]["designation_withdrawn_date"], dhs(july)[0]["designation_withdrawn_precision"]) == ("2025-06-01", "month")
    assert "the list was withdrawn in June 2025 (day not established)" in july["text"]


def test_bad_requests_say_what_is_allowed(client):
    r = client.get("/api/v1/places/4820/status")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_parameter"
    r = client.get("/api/v1/places/48201/status", params={"on": "June 2025"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["error"]["fix"]
    r = client.get("/api/v1/places/48201/status", params={"day": "2025-06-01"})
    assert r.status_code == 400
    r = client.get("/api/v1/places/99999/status")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_county"


def test_status_of_a_state_and_of_an_aor(client):
    tx = client.get("/api/v1/places/state/tx/status", params={"on": "2025-06-01"}).json()["data"]
    assert (tx["level"], tx["code"], tx["name"], len(tx["counties"])) == ("state", "TX", "Texas", 254)
    assert tx["detainers"]["answer"] == "must_honour_detainers" and sum(tx["g287"]["counties"].values()) == 254
    harris = next(c for c in tx["counties"] if c["county_fips"] == "48201")
    county = client.get("/api/v1/places/48201/status", params={"on": "2025-06-01"}).json()["data"]
    assert all(harris[p] == county[p]["answer"] for p in ("detainers", "g287", "designations"))
    chi = client.get("/api/v1/places/aor/CHI/status", params={"on": "2025-06-01"}).json()["data"]
    assert chi["detainers"]["answer"] is None and chi["g287"]["answer"] in ("yes", "no")
    assert client.get("/api/v1/places/city/TX/status").status_code == 400
    assert client.get("/api/v1/places/state/ZZ/status").status_code == 404

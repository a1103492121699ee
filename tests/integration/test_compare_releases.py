"""Two releases side by side on hand-made productions whose answers are worked out by hand
(compare_helpers.py): the exact comparison (measures, CLI), the public one (publish, API, pages), and
an exact attacker showing that nothing the gate withholds can be worked back from what it shows."""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy.optimize import Bounds, LinearConstraint, milp
from tests.integration.compare_helpers import EXPECTED, OTHER, SYNTH, A, B
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.errors import IceledgerError
from iceledger.measures.compare import compare_releases
from iceledger.server import create_app

THRESHOLD = 10
SHARED = ["apprehension_date", "aor_code", "apprehension_method", "citizenship_country", "gender"]


def cli(*args):
    return CliRunner().invoke(app, list(args))


def test_cli_compares_month_by_month_over_what_both_cover(compared):
    res = cli("releases", "compare", A, B, "--table", "arrests", "--by", "month", "--json", "--home", str(compared.home))
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)["data"]
    got = {dt.date.fromisoformat(r["month"]): (r["count_a"], r["count_b"], r["difference"], r["matched"]) for r in data["rows"]}
    assert got == EXPECTED
    c = data["provenance"]["comparison"]
    assert (c["from"], c["to"], c["aor_code"]) == ("2017-01-01", "2017-06-30", "SEA")
    assert [r["basis"] for r in c["releases"]] == ["records", "manifest"]
    assert c["total"] == {"count_a": 115, "count_b": 93, "difference": -22, "matched": 88, "only_a": 27, "only_b": 5}
    assert c["fields"]["matched_on"] == SHARED
    assert c["fields"]["only_in"] == {A: ["apprehension_landmark"], B: []}
    # without gender March's two women pair with Seattle's two extra men; the other fields never disagree
    assert c["fields"]["matched_without"] == {f: 90 if f == "gender" else 88 for f in SHARED}
    assert "exact" in c["exact"]


def test_cli_text_says_it_in_words_and_that_it_is_exact(compared):
    res = cli("releases", "compare", A, B, "--by", "fy", "--home", str(compared.home))
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "cmp-seattle has 22 fewer arrests than cmp-national (93 against 115)" in text
    assert "88 rows pair on the shared fields, 27 only in cmp-national, 5 only in cmp-seattle" in text
    assert "populated only in cmp-national: apprehension_landmark" in text
    assert "without gender: 90 rows would pair (+2)" in text
    assert "EXACT" in text and "not passed through the disclosure gate" in text


def test_a_dimension_and_chosen_fields(compared):
    r = compare_releases({"a": A, "b": B, "by": "month,gender", "where": {"gender": ["Female", "Male"]}}, home=compared.home)
    march = {row["gender"]: (row["count_a"], row["count_b"], row["matched"]) for row in r.rows
             if row["month"] == dt.date(2017, 3, 1)}
    assert march == {"Female": (2, 0, 0), "Male": (23, 25, 23)}
    loose = compare_releases({"a": A, "b": B, "by": "fy", "on": "apprehension_date,aor_code"}, home=compared.home)
    assert loose.provenance["comparison"]["fields"]["matched_on"] == ["apprehension_date", "aor_code"]
    assert loose.value("matched", fy=2017) == 90


@pytest.mark.parametrize("spec,code", [
    ({"a": A, "b": A}, "bad_spec"),
    ({"a": A, "b": "no-such-release"}, "unknown_release"),
    ({"a": B, "b": OTHER}, "no_overlap"),  # SEA against NYC
    ({"a": A, "b": B, "where": {"aor_code": "NYC"}}, "no_overlap"),
    ({"a": A, "b": B, "date_from": "2018-01-01"}, "no_overlap"),
    ({"a": A, "b": B, "count": "removals"}, "release_lacks_table"),
    ({"a": A, "b": B, "on": "person_name"}, "bad_spec"),
])
def test_what_cannot_be_compared_is_an_error_that_says_so(compared, spec, code):
    with pytest.raises(IceledgerError) as exc:
        compare_releases(spec, home=compared.home)
    assert exc.value.code == code, exc.value


def test_cli_error_is_an_envelope(compared):
    res = cli("releases", "compare", B, OTHER, "--json", "--home", str(compared.home))
    assert res.exit_code == 2
    err = json.loads(res.output)["error"]
    assert err["code"] == "no_overlap" and "SEA" in err["message"] and "NYC" in err["message"]


# --- the public comparison ----------------------------------------------------------------------
def public_cells(settings) -> dict:
    con = duckdb.connect(str(settings.public_path), read_only=True)
    try:
        cur = con.execute("SELECT * FROM out_release_comparison_cells ORDER BY ALL")
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        con.close()
    return {(r["time_grain"], r["period_date"], r["category_1"], r["category_1_value"]): r for r in rows}


def values(row) -> tuple:
    return row["release_a_count"], row["release_b_count"], row["count_difference"], row["matched_count"]


def test_only_real_overlapping_releases_are_published(compared):
    con = duckdb.connect(str(compared.public_path), read_only=True)
    pairs = con.execute("SELECT release_a_id, release_b_id, measure_name, aor_code, comparison_from_date, comparison_to_date, "
                        "match_fields, comparison_categories FROM out_release_comparisons").fetchall()
    held = dict(((r, t), n) for r, t, n in con.execute(
        "SELECT release_id, table_name, release_rows_count FROM out_release_tables").fetchall())
    synthetic = con.execute("SELECT is_synthetic FROM out_release_tables WHERE release_id = ?", [SYNTH]).fetchall()
    con.close()
    # the synthetic release is never compared; NYC-only against SEA-only never overlaps; the national release's
    # rows span part of February 2017 in NYC only, not a whole month, so that pair is not published either
    assert pairs == [(A, B, "arrests", "SEA", dt.date(2017, 1, 1), dt.date(2017, 6, 30), SHARED, ["method_group", "gender"])]
    assert held[(A, "core_arrests")] == 115 + 5 + 12 + 4 + 1 and held[(B, "core_arrests")] == 93
    assert held[(OTHER, "core_arrests")] == 12 and synthetic == [(True,)]


def test_public_cells_withhold_small_differences_and_matches(compared):
    cells = public_cells(compared)
    month = {k[1]: values(r) for k, r in cells.items() if k[0] == "month"}
    assert month[dt.date(2017, 4, 1)] == (40, 15, -25, 15)  # large difference, large match: shown
    assert month[dt.date(2017, 3, 1)] == (25, 25, 0, None)  # two rows beyond the match on each side: withheld
    # February's difference of 3 is withheld: Seattle's count is the lattice's (Seattle is the newer
    # release for SEA), so the national count is the one withheld and protected
    assert month[dt.date(2017, 2, 1)][0] is None and month[dt.date(2017, 2, 1)][2:] == (None, None)
    assert month[dt.date(2017, 2, 1)][1] == 33
    fy = values(cells[("fy", dt.date(2016, 10, 1), None, None)])
    assert fy == (115, 93, -22, None)  # five of Seattle's rows match nothing: the match count is withheld
    for r in cells.values():
        a, b, d, m = values(r)
        assert not any(v is not None and 1 <= v <= THRESHOLD for v in (a, b, m)), r
        assert d is None or not 1 <= abs(d) <= THRESHOLD, r
        assert d is None or (a is not None and b is not None and d == b - a), r
        assert m is None or (a is not None and b is not None), r
        assert m is None or not (1 <= a - m <= THRESHOLD or 1 <= b - m <= THRESHOLD), r
    con = duckdb.connect(str(compared.public_path), read_only=True)
    audit = dict(con.execute("SELECT cell_status, sum(cells_count) FROM out_suppression_audit "
                             "WHERE measure_name = 'release_comparison' GROUP BY 1").fetchall())
    con.close()
    assert audit["withheld_small"] >= 1 and audit["withheld_complementary"] >= 1
    assert sum(audit.values()) == 3 * len(cells)


def test_nothing_withheld_can_be_worked_out(compared):
    """An exact attacker: the national, Seattle and matched counts of every month, gender and method are
    unknowns (whole, non-negative; matches at most either count); every shown count, difference and match
    holds; a withheld count is at least 1. Every withheld count, difference and match keeps two values."""
    cells = public_cells(compared)
    months = sorted({k[1] for k in cells if k[0] == "month"})
    genders = sorted({k[3] for k in cells if k[2] == "gender"})
    methods = sorted({k[3] for k in cells if k[2] == "method_group"})
    atoms = [(mo, g, me) for mo in months for g in genders for me in methods]
    n = len(atoms)
    sides = {"a": 0, "b": n, "m": 2 * n}

    def under(key, atom):
        grain, period, cat, value = key
        return (grain == "fy" or atom[0] == period) and (cat is None or atom[1 if cat == "gender" else 2] == value)

    rows, lo, hi = [], [], []
    for key, r in cells.items():
        mask = np.array([1.0 if under(key, at) else 0.0 for at in atoms])
        for s, col in (("a", "release_a_count"), ("b", "release_b_count"), ("m", "matched_count")):
            row = np.zeros(3 * n)
            row[sides[s]:sides[s] + n] = mask
            rows.append(row)
            lo.append(1.0 if r[col] is None else r[col])
            hi.append(np.inf if r[col] is None else r[col])
        if r["count_difference"] is not None:
            row = np.zeros(3 * n)
            row[:n], row[n:2 * n] = -mask, mask
            rows.append(row)
            lo.append(r["count_difference"])
            hi.append(r["count_difference"])
    for i in range(n):  # matched rows are rows of both releases, in the same month, gender and method
        for s in ("a", "b"):
            row = np.zeros(3 * n)
            row[sides["m"] + i], row[sides[s] + i] = 1, -1
            rows.append(row)
            lo.append(-np.inf)
            hi.append(0)
    cons = LinearConstraint(np.array(rows), np.array(lo), np.array(hi))

    def span(objective):
        out = []
        for sign in (1, -1):
            res = milp(sign * objective, constraints=[cons], integrality=np.ones(3 * n), bounds=Bounds(0, 10_000))
            assert res.success, res.message
            out.append(sign * res.fun)
        return out

    targets = 0
    for key, r in cells.items():
        mask = np.array([1.0 if under(key, at) else 0.0 for at in atoms])
        for s, col in (("a", "release_a_count"), ("b", "release_b_count"), ("m", "matched_count")):
            if r[col] is None:
                obj = np.zeros(3 * n)
                obj[sides[s]:sides[s] + n] = mask
                low, high = span(obj)
                assert low < high, (key, col)
                targets += 1
        if r["count_difference"] is None:
            obj = np.zeros(3 * n)
            obj[:n], obj[n:2 * n] = -mask, mask
            low, high = span(obj)
            assert low < high, (key, "difference")
    assert targets >= 5


# --- the API and the page -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(compared):
    return TestClient(create_app(compared, True))


def test_api_serves_the_comparison(api):
    listed = api.get("/api/v1/comparisons").json()["data"]
    assert [(c["release_a_id"], c["release_b_id"], c["measure_name"]) for c in listed] == [(A, B, "arrests")]
    d = api.get(f"/api/v1/comparisons/{B}/{A}", params={"grain": "month"}).json()["data"]  # either order
    april = next(c for c in d["cells"] if c["period_date"] == "2017-04-01")
    assert (april["release_a_count"], april["release_b_count"], april["count_difference"], april["matched_count"]) == (40, 15, -25, 15)
    assert d["match_fields"] == SHARED and d["comparison_to_date"] == "2017-06-30"
    by_gender = api.get(f"/api/v1/comparisons/{A}/{B}", params={"by": "gender"}).json()["data"]["cells"]
    assert {c["category_1_value"] for c in by_gender} == {"Female", "Male"}
    csv = api.get(f"/api/v1/comparisons/{A}/{B}", params={"grain": "fy", "format": "csv"})
    assert csv.status_code == 200 and f"{A},{B},arrests,fy,2016-10-01,2017,,,115,93,-22,," in csv.text
    assert api.get(f"/api/v1/comparisons/{A}/{OTHER}").status_code == 404
    bad = api.get(f"/api/v1/comparisons/{A}/{B}", params={"by": "citizenship"})
    assert bad.status_code == 400 and bad.json()["error"]["fix"] == "allowed for by: method_group, gender"
    assert api.get(f"/api/v1/comparisons/{A}/{B}", params={"measure": "removals"}).status_code == 400
    tables = api.get(f"/api/v1/releases/{B}").json()["data"]["tables"]
    assert [(t["table_name"], t["release_rows_count"], t["first_month_date"]) for t in tables] == [("core_arrests", 93, "2017-01-01")]


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def test_releases_page_says_where_they_disagree_in_both_languages(api):
    en = plain(api.get("/releases").text)
    assert "cmp-seattle has 22 fewer arrests than cmp-national in fiscal year 2017 (Jan 1, 2017 to Jun 30, 2017)." in en
    assert "Period both cover January 1, 2017 – June 30, 2017" in en
    assert "fewer than 11 or withheld" in en and "real ICE records" in en and "SYNTHETIC" in en
    es = plain(api.get("/releases", params={"lang": "es"}).text)
    assert "cmp-seattle tiene 22 arrestos menos que cmp-national en el año fiscal 2017 (del 1 ene 2017 al 30 jun 2017)." in es
    assert "menos de 11 o reservado" in es and "Dos entregas lado a lado" in es
    for a, b in ((B, OTHER), (A, A)):
        asked = plain(api.get("/releases", params={"a": a, "b": b}).text)
        assert "These releases are not compared on this" in asked and "Period both cover" not in asked
    csv = api.get("/download/compare.csv", params={"a": A, "b": B, "measure": "arrests", "grain": "month"}).text
    assert "2017-02-01,fewer than 11 or withheld,33,fewer than 11 or withheld,fewer than 11 or withheld" in csv


def test_a_publication_without_comparisons_says_so(client):
    page = plain(client.get("/releases").text)
    assert "No two real releases in this publication cover the same records" in page
    assert client.get("/api/v1/comparisons").json()["data"] == []

"""Categories are code lists, not text (issue 11): arbitrary strings written into every text field of
every record table never reach public.duckdb. A record whose gender read ``JANE DOE A012345678 see
officer SMITH`` used to become a category of out_tabulations, its month given away by the zeros around it.

Each example writes one drawn string per (table, field) into a third of the rows of a small ledger
holding every record table, publishes it with the real gate (every family of the lattice), and reads
every value of every table of the publication."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from tests.conftest import copy_home

from iceledger.metadata import code_list, core_tables, field_
from iceledger.publish.codes import OTHER
from iceledger.publish.publication import publish

FIELDS = [(t.name, f) for t in core_tables() for f in t.fields if field_(f).type == "VARCHAR"]
HOSTILE = "JANE DOE A012345678 see officer SMITH"


class PublicText(str):
    def __repr__(self) -> str:  # a failing example names the string, not megabytes of publication
        return f"<{len(self):,} characters of public text>"


def public_text(path) -> str:
    """Every value of every table of a publication, as text (lists and JSON included)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall():
            v = con.execute(f'SELECT string_agg(CAST("{c}" AS VARCHAR), chr(10)) FROM "{t}"').fetchall()[0][0]
            parts.append(v or "")
        return PublicText("\n".join(parts))
    finally:
        con.close()


def _rows(table, n: int) -> list[dict]:
    """``n`` records of one table with legitimate values: a few AORs, states, facilities and codes, two years."""
    aors, states = ["Seattle", "Houston", "New York City"], ["WA", "TX", "NY"]
    out = []
    for i in range(n):
        when = f"{2018 + i % 2}-{1 + i % 12:02d}-{1 + i % 27:02d} 10:00:00"
        row = {table.event: when, table.aor_field: aors[i % 3], "person_id": f"p{table.name}{i}", "gender": GENDERS[i % 3],
               "citizenship_country": ["MEXICO", "GUATEMALA", "HONDURAS"][i % 3]}
        if table.state_field:
            row[table.state_field] = states[i % 3]
        for f in table.fields:
            codes = field_(f).codes
            if codes in ("criminality", "apprehension_method", "case_status") and not field_(f).derived_from:
                row[f] = code_list(codes).values[i % len(code_list(codes).values)]
        if "stay_book_in_datetime" in table.fields:
            row["stay_book_in_datetime"] = when
        if "detention_facility_code" in table.fields:
            row["detention_facility_code"] = ["ADLNTCA", "ABQHOLD", "AAORDMD"][i % 3]
        if "facility_state" in table.fields:
            row["facility_state"] = states[i % 3]
        if table.landmark_field:  # counties read from landmarks: the AOR check (out_aor_evidence) reports some
            row[table.landmark_field] = LANDMARKS[(i // 3) % 3]
        if "detainer_lift_reason" in table.fields:
            row["detainer_lift_reason"] = ["Detainer Declined by LEA", "Booked into Detention", None][i % 3]
        out.append({k: v for k, v in row.items() if k in table.columns})
    return out


GENDERS = ["Male", "Female", "Unknown"]
# Counties whose records lie in three AORs (the rows' AORs cycle apart from them): the AOR check reports them.
LANDMARKS = ["KING COUNTY JAIL, SEATTLE WA", "HARRIS COUNTY JAIL, HOUSTON TX", "MALHEUR COUNTY JAIL, VALE OR"]


@pytest.fixture(scope="module")
def small_home(registry_build, tmp_path_factory):
    """The registries and a hand-made release holding every record table (made-up rows, not ICE's), published:
    small enough that every family of the lattice publishes in seconds."""
    from measures_ledger import HandLedger

    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("categories") / "home")
    ledger = HandLedger(settings.ledger_path).release("hand-categories", era="L2", received="2024-01-01")
    for t in core_tables():
        ledger.add(t.name, "hand-categories", _rows(t, 60))
    ledger.close()
    publish(settings, max_small_share=1.0)
    return settings


@pytest.fixture(scope="module")
def baseline(small_home):
    return public_text(small_home.public_path)


def plant(settings_, strings: list[str]) -> None:
    """Each string into its field of a third of the rows; landmarks read again (as the ingest reads them), so
    planted landmark text and AOR codes reach the AOR check too."""
    from iceledger.metadata import table as table_meta
    from iceledger.pipeline.record_places import read_record_landmarks

    con = duckdb.connect(str(settings_.ledger_path))
    try:
        for (table, field), s in zip(FIELDS, strings):
            con.execute(f'UPDATE {table} SET "{field}" = ? WHERE source_row % 3 = 0', [s])
        for t in core_tables():
            read_record_landmarks(con, table_meta(t.name), "hand-categories")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def declared_values(path) -> dict[str, set[str]]:
    """What each category and place may show: its list (as the gate reads it) and OTHER."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        reg = {(t, c): {r[0] for r in con.execute(f'SELECT DISTINCT "{c}" FROM {t}').fetchall()}
               for t, c in [("ref_states", "state_code"), ("ref_counties", "county_fips"),
                            ("ref_facilities", "detention_facility_code"), ("ref_aors", "aor_code")]}
    finally:
        con.close()
    lists = {c: set(code_list(c).values) for c in ("criminality", "gender", "country", "method_group", "lift_group",
                                                   "funnel_outcome")}
    return {"criminality": lists["criminality"], "gender": lists["gender"], "citizenship": lists["country"],
            "method_group": lists["method_group"], "lift_reason": lists["lift_group"],
            "funnel_outcome": lists["funnel_outcome"], "aor": set(code_list("aor").values) | reg[("ref_aors", "aor_code")],
            "facility": reg[("ref_facilities", "detention_facility_code")], "state": reg[("ref_states", "state_code")],
            "county": reg[("ref_counties", "county_fips")]}


strings = st.text(st.characters(blacklist_categories=("Cs",)), min_size=4, max_size=40).filter(
    lambda s: any(ch.isalpha() for ch in s))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(strings, min_size=len(FIELDS), max_size=len(FIELDS)))
@example([HOSTILE] * len(FIELDS))
@example([f"{HOSTILE} {i}\r\n=1+1" for i in range(len(FIELDS))])
def test_no_record_text_reaches_the_publication(small_home, baseline, tmp_path_factory, strings_):
    home = copy_home(small_home, tmp_path_factory.mktemp("planted") / "home")
    plant(home, strings_)
    publish(home, max_small_share=1.0)
    text = public_text(home.public_path)
    for (table, field), s in zip(FIELDS, strings_):
        if s.strip() and s not in baseline and s.strip() not in baseline:
            assert s not in text and s.strip() not in text, f"{table}.{field} reached the publication: {s!r}"
    allowed = declared_values(home.public_path)
    con = duckdb.connect(str(home.public_path), read_only=True)
    try:
        for i in (1, 2):
            for cat, value in con.execute(f"SELECT DISTINCT category_{i}, category_{i}_value FROM out_tabulations "
                                          f"WHERE category_{i} IS NOT NULL").fetchall():
                assert value == OTHER or value in allowed[cat], (cat, value)
        for level, code in con.execute("SELECT DISTINCT cell_place_level, place_code FROM out_tabulations "
                                       "WHERE cell_place_level <> 'national'").fetchall():
            assert code == OTHER or code in allowed[level], (level, code)
        evidence = con.execute("SELECT county_fips, state_code, aor_code, registry_aor_codes, listed_aor_codes, "
                               "aor_check_status FROM out_aor_evidence").fetchall()
        assert evidence, "the AOR check reports the landmarks' counties"
        statuses = set(code_list("aor_check_status").values)
        for county, state, aor, registry, listed, status in evidence:
            assert county == OTHER or county in allowed["county"], county
            assert state == OTHER or state in allowed["state"], state
            assert aor is None or aor == OTHER or aor in allowed["aor"], aor
            assert all(a == OTHER or a in allowed["aor"] for a in registry + listed), (registry, listed)
            assert status in statuses | {OTHER}, status
    finally:
        con.close()


def test_values_outside_their_lists_are_counted_for_the_analyst_never_shown(small_home, tmp_path):
    """validate and the quarantine view count them (with their text: both are local); the publication folds them."""
    import json
    import subprocess
    import sys

    from tests.integration.test_api_server import ENV

    from iceledger.validation.checks import validate

    home = copy_home(small_home, tmp_path / "home")
    con = duckdb.connect(str(home.ledger_path))
    n = con.execute("SELECT count(*) FROM core_arrests WHERE source_row % 3 = 0").fetchall()[0][0]
    con.execute("UPDATE core_arrests SET citizenship_country = ? WHERE source_row % 3 = 0", [HOSTILE])
    con.execute("UPDATE core_detainers SET detention_facility_code = 'NOT A FACILITY' WHERE source_row % 2 = 0")
    con.execute("CHECKPOINT")
    rep = validate(con)
    con.close()
    found = {(f.detail["table"], f.detail["field"]): f for f in rep.findings if f.code == "unknown_code"}
    assert found[("core_arrests", "citizenship_country")].count == n
    assert HOSTILE in json.dumps(found[("core_arrests", "citizenship_country")].detail)
    assert ("core_detainers", "detention_facility_code") in found
    out = subprocess.run([sys.executable, "-m", "iceledger", "quarantine", "--home", str(home.home), "--json"],
                         capture_output=True, text=True, env=ENV, timeout=300)
    outside = {(o["table_name"], o["field_name"]): o for o in json.loads(out.stdout)["meta"]["outside_code_lists"]}
    assert outside[("core_arrests", "citizenship_country")]["rows"] == n
    assert outside[("core_arrests", "citizenship_country")]["declared_list"] == "country"
    assert HOSTILE not in out.stdout  # the view counts; `iceledger validate` lists the values
    publish(home, max_small_share=1.0)
    assert HOSTILE not in public_text(home.public_path) and "NOT A FACILITY" not in public_text(home.public_path)

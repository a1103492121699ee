"""ICE's 287(g) lists and the 2025 snapshots read from the bundled files: counts, repaired values, spot checks."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from iceledger.sources.g287.extract import extract_g287


@pytest.fixture(scope="module")
def x():
    return extract_g287()


def rows(x, source_id, **match):
    return [r for r in x.listings if r["source_id"] == source_id and all(r[k] == v for k, v in match.items())]


def test_row_counts(x):
    by = Counter(r["source_id"] for r in x.listings)
    assert by == {"ice-287g-participating-2025-05-16": 571, "ice-287g-participating-2025-07-18": 832,
                  "ice-287g-pending-2025-07-18": 26, "tracking-287g-snapshots-2025": 11257,
                  # the January captures 2021-2025 and February 2025 (Internet Archive copies of ICE's list)
                  "ice-287g-participating-2021-01-13": 150, "ice-287g-participating-2022-01-04": 142,
                  "ice-287g-participating-2023-01-02": 140, "ice-287g-participating-2024-01-02": 137,
                  "ice-287g-participating-2025-01-04": 135, "ice-287g-participating-2025-02-19": 145}
    assert len({r["g287_snapshot_id"] for r in x.listings if r["source_id"].startswith("tracking")}) == 17
    assert len(x.moas) == 1681


def test_every_repaired_signed_value_is_listed(x):
    repaired = sorted((v["file"], v["row"], v["raw"], v["fixed"]) for v in x.repaired)
    assert repaired == [
        ("official/287g-participatingAgencies05162025am.xlsx", 545, "05/082025", "2025-05-08"),
        ("official/287g-participatingAgencies07182025pm.xlsx", 639, "5025-07-07", "2025-07-07"),
        ("official/287g-participatingAgencies07182025pm.xlsx", 775, "7/72025", "2025-07-07"),
        ("official/287g-participatingAgencies07182025pm.xlsx", 785, "05/082025", "2025-05-08"),
    ]
    assert {(v["agency"], v["state"], v["model"]) for v in x.repaired} == {
        ("Campbell County Sheriff's Office", "VIRGINIA", "TFM"), ("Grundy County Sheriff's Office", "TENNESSEE", "WSO"),
        ("Tooele County Sheriff's Office", "UTAH", "WSO")}


def test_every_quarantined_signed_value_is_listed(x):
    assert x.quarantined == []  # every SIGNED cell of both lists is a date or repaired by a listed rule
    signed = [r for r in x.listings if r["source_id"].startswith("ice-287g-participating")]
    assert all(r["g287_signed_date"] is not None for r in signed)


def test_spot_checks_read_by_hand(x):
    colbert = rows(x, "ice-287g-participating-2025-05-16", source_detail="row 2")[0]
    assert (colbert["agency_name"], colbert["g287_model_code"], colbert["g287_signed_date"]) == \
        ("Colbert County Sheriff's Office", "JEM", dt.date(2025, 5, 8))
    etowah = rows(x, "ice-287g-participating-2025-05-16", source_detail="row 6")[0]
    assert (etowah["agency_name"], etowah["g287_model_code"], etowah["g287_signed_date"]) == \
        ("Etowah County Sheriff's Office", "JEM", dt.date(2020, 6, 9))
    grundy = rows(x, "ice-287g-participating-2025-07-18", source_detail="row 639")[0]
    assert grundy["agency_name"] == "Grundy County Sheriff's Office"  # trailing space in the file
    assert grundy["g287_signed_raw"] == "5025-07-07" and grundy["g287_signed_rule"].startswith("Year typed 5025")
    first = rows(x, "tracking-287g-snapshots-2025", source_detail="line 2")[0]
    assert (first["g287_snapshot_id"], first["agency_ori"], first["agency_county_name"]) == ("2025-05-16 am", "AL0200000", "Colbert County")
    assert not [r for r in x.listings if r["agency_ori"] in ("NA", "-1") or r["agency_county_name"] in ("NA", "#N/A")]


def test_support_types_all_known(x):
    assert not [f for f in x.findings if f.code == "g287_support_type_unknown"]
    assert Counter(r["g287_model_code"] for r in rows(x, "ice-287g-participating-2025-07-18")) == {"TFM": 415, "WSO": 300, "JEM": 117}


def test_same_day_sources_agree(x):
    """ICE's 2025-05-16 spreadsheet and the compilers' snapshot of that morning list the same agreements."""
    key = lambda r: (r["agency_state_name"], r["agency_key"], r["g287_model_code"])  # noqa: E731
    ice = {key(r) for r in rows(x, "ice-287g-participating-2025-05-16")}
    compiled = {key(r) for r in rows(x, "tracking-287g-snapshots-2025", g287_snapshot_id="2025-05-16 am")}
    assert ice == compiled and len(ice) == 570  # 571 rows: St. Cloud is listed twice


def test_signed_is_overwritten_at_renewal_so_it_is_not_an_adoption_date(x):
    etowah = {r["g287_snapshot_id"]: r["g287_signed_date"] for r in x.listings
              if r["agency_name"] == "Etowah County Sheriff's Office" and r["source_id"].startswith("ice-287g-participating-202")}
    assert etowah["2021-01-13 am"] == etowah["2022-01-04 am"] == dt.date(2016, 6, 8)
    assert etowah["2023-01-02 pm"] == etowah["2025-07-18 pm"] == dt.date(2020, 6, 9)

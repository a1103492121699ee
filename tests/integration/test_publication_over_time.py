"""Publication over time (issue 11): two publications of a ledger, before and after a small release,
must not reveal any count from 1 to the threshold by difference. Adding a 3-row release used to change
every published cell above those rows by exactly +3.

The ledger: the registries and a hand-made, non-synthetic release of 600 arrests (made-up rows, not
ICE's) over three AORs from January 2018 to December 2019, so most cells are shown; then a second
release of 3 arrests in SEA on 2020-01-15 (outside the first release's days, so the release rule adds
them and sets nothing aside); then a third of 40 arrests in 2017 that touches none of those cells."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from tests.conftest import copy_home
from tests.integration.conftest import arrest

from iceledger.publish.history import HISTORY_NAME
from iceledger.publish.publication import publish

THRESHOLD = 10
CELLS = ("SELECT tabulation_key, cell_fy, period_date, place_code, place_parent_code, category_1_value, category_2_value, "
         "event_count FROM out_tabulations")


def shown(path) -> dict[tuple, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[:-1]: r[-1] for r in con.execute(CELLS + " WHERE NOT is_suppressed").fetchall()}
    finally:
        con.close()


def differences(a: dict, b: dict) -> list[tuple]:
    return [(k, a[k], b[k]) for k in a.keys() & b.keys() if 1 <= abs(a[k] - b[k]) <= THRESHOLD]


@pytest.fixture(scope="module")
def publications(registry_build, tmp_path_factory):
    from measures_ledger import HandLedger

    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("over-time") / "home")
    aors = ["SEA", "HOU", "NYC"]
    first = [arrest(f"{dt.date(2018, 1, 1) + dt.timedelta(days=i * 730 // 600)}", aors[i % 3], f"r1-{i}") for i in range(600)]
    ledger = HandLedger(settings.ledger_path).release("over-time-1", era="L2", received="2024-01-01")
    ledger.add("core_arrests", "over-time-1", first).close()
    pubs = {}
    publish(settings, max_small_share=1.0)
    pubs["before"] = shown(settings.public_path)
    ledger = HandLedger(settings.ledger_path).release("over-time-2", era="L1", received="2024-02-01")
    ledger.add("core_arrests", "over-time-2", [arrest("2020-01-15", "SEA", f"r2-{i}") for i in range(3)]).close()
    publish(settings, max_small_share=1.0)
    pubs["after"] = shown(settings.public_path)
    ledger = HandLedger(settings.ledger_path).release("over-time-3", era="H-UWCHR-ENF", received="2024-03-01")
    ledger.add("core_arrests", "over-time-3", [arrest(f"2017-0{1 + i % 9}-10", "HOU", f"r3-{i}") for i in range(40)]).close()
    publish(settings, max_small_share=1.0)
    pubs["later"] = shown(settings.public_path)
    return settings, pubs


def test_most_cells_are_shown_and_the_release_changed_some(publications):
    settings, pubs = publications
    assert len(pubs["before"]) > 100
    fy2020 = [k for k in pubs["before"] if k[0] == "arrests/fy/national" and k[1] == 2020]
    assert fy2020 and pubs["before"][fy2020[0]] > THRESHOLD  # October to December 2019: a shown total
    assert (settings.home / HISTORY_NAME).exists()


def test_two_publications_never_differ_by_a_small_count(publications):
    _, pubs = publications
    assert differences(pubs["before"], pubs["after"]) == []


def test_a_count_withheld_for_its_change_stays_withheld_until_it_moves_far(publications):
    """The third release touches only 2017: FY2020's totals have not moved, yet comparing the first
    publication with the third must not give the 3 away either."""
    _, pubs = publications
    assert differences(pubs["before"], pubs["later"]) == []
    assert differences(pubs["after"], pubs["later"]) == []
    fy2020 = ("arrests/fy/national", 2020)
    assert not [k for k in pubs["after"] if k[:2] == fy2020 and k[3] == "US" and k[5] is None]
    assert not [k for k in pubs["later"] if k[:2] == fy2020 and k[3] == "US" and k[5] is None]


def test_the_audit_says_which_cells_were_withheld_for_their_change(publications):
    settings, _ = publications
    con = duckdb.connect(str(settings.public_path), read_only=True)
    try:
        statuses = dict(con.execute("SELECT cell_status, sum(cells_count) FROM out_suppression_audit GROUP BY 1").fetchall())
    finally:
        con.close()
    assert statuses.get("withheld_changed", 0) > 0


def test_publishing_an_unchanged_ledger_again_gives_the_same_publication(publications):
    """Each cube that has not changed keeps its decision: the same cells shown and withheld, and no count
    shown before is withheld for nothing."""
    settings, _ = publications
    before = duckdb.connect(str(settings.public_path), read_only=True)
    cells = CELLS + " ORDER BY ALL"
    first = before.execute(cells).fetchall()
    before.close()
    publish(settings, max_small_share=1.0)
    again = duckdb.connect(str(settings.public_path), read_only=True)
    try:
        assert again.execute(cells).fetchall() == first
    finally:
        again.close()


def test_the_aor_check_counts_follow_the_same_rule(registry_build, tmp_path):
    """out_aor_evidence over time: when 3 of a county's records move from one AOR to another between two
    publications (a re-read release), the two counts that moved by 3 are withheld, not shown as 33 and 27;
    without the history they would be."""
    from measures_ledger import HandLedger

    from iceledger.publish.aor_evidence import aor_evidence_key, aor_evidence_rows
    from iceledger.publish.history import History

    settings = copy_home(registry_build[0], tmp_path / "home")
    jail = "MALHEUR COUNTY JAIL, VALE OR"
    rows = [dict(arrest(f"2019-0{1 + i % 9}-10", aor, f"m-{aor}-{i}"), apprehension_landmark=jail)
            for aor in ("Seattle", "Houston", "Salt Lake City") for i in range(30)]
    HandLedger(settings.ledger_path).release("aor-over-time", era="L2", received="2024-01-01") \
        .add("core_arrests", "aor-over-time", rows).close()

    def evidence(history: History) -> dict:
        con = duckdb.connect(str(settings.ledger_path))
        try:
            out = aor_evidence_rows(con, THRESHOLD, history)
        finally:
            con.close()
        history.record({aor_evidence_key(r): r["records_count"] for r in out if not r["is_suppressed"]})
        return {r["aor_code"]: r["records_count"] for r in out if r["county_fips"] == "41045"}

    first = evidence(History.load(settings.home))
    assert first == {None: 90, "SEA": 30, "HOU": 30, "SLC": 30}
    con = duckdb.connect(str(settings.ledger_path))
    con.execute("UPDATE core_arrests SET aor_code = 'SEA' WHERE person_id IN ('m-Houston-0', 'm-Houston-1', 'm-Houston-2')")
    con.close()
    assert evidence(History.none()) == {None: 90, "SEA": 33, "HOU": 27, "SLC": 30}  # what a reader would subtract
    second = evidence(History.load(settings.home))
    assert second[None] == 90 and second["SLC"] == 30  # unchanged counts stay shown
    assert second["SEA"] is None and second["HOU"] is None

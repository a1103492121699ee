"""claims/examples.yaml on a fresh registry build: one claim of each new kind (287(g) agreements on a day and
their change, a designation list, ICE's detention statistics, removals on a stated date basis) gets its verdict;
and the date basis of a removals claim on a hand-made test release (rows made up for the test, not ICE's)."""

from __future__ import annotations

import textwrap

import pytest
from measures_ledger import HandLedger
from tests.conftest import copy_home

from iceledger.claims import check_claims
from iceledger.errors import InputError
from iceledger.settings import PROJECT_DIR

EXAMPLES = PROJECT_DIR / "claims" / "examples.yaml"
EXPECTED = {  # claim → (verdict, value)
    "g287-2025-h1-more-than-doubled": ("supported", 6.16),
    "g287-texas-july-2025": ("supported", 118),
    "dhs-2025-list-more-than-500-places": ("supported", 590),
    "ice-fy2019-average-daily-population-over-50000": ("supported", 50165.43836),
    "ice-fy2019-average-daily-population-over-60000": ("contradicted", 50165.43836),
    "ice-fy2019-book-ins-over-half-a-million": ("supported", 510854),
    "ice-fy2019-average-stay-about-34-days": ("supported", 34.34029),
    "ice-fy2018-removals-by-removal-date": ("supported", 256085),
}


@pytest.fixture(scope="module")
def results(registry_build):
    return {r.claim_id: r for r in check_claims([EXAMPLES], home=registry_build[0].home)}


def test_every_example_gets_its_verdict_and_value(results):
    assert {k: (r.verdict, r.to_dict()["value"]) for k, r in results.items()} == EXPECTED
    for r in results.values():
        d = r.to_dict()
        assert d["value_source"] == "official" and "FROM ref_" in d["query"] and d["official"]["publisher"] in ("ICE", "DHS")


def test_agreements_change_names_both_lists(results):
    c = results["g287-2025-h1-more-than-doubled"].checks[0]
    assert c.official["list"] == "2025-07-18 pm" and c.official["agreements"] == 832
    assert c.official["list_since"] == "2025-01-04 am" and c.official["agreements_since"] == 135


def test_designation_count_says_the_list_was_withdrawn(results):
    c = results["dhs-2025-list-more-than-500-places"].checks[0]
    assert c.official["by_level"] == {"city": 199, "county": 391} and "withdrawn (2025-06)" in c.explanation


def test_detention_statistic_names_its_cell(results):
    c = results["ice-fy2019-average-daily-population-over-60000"].checks[0]
    assert c.official["cell"] == "Detention FY19!N59" and "is not more than 60,000" in c.explanation


def test_removals_by_removal_date_wait_for_the_records(results):
    """The registry build holds no removals: the records check is not testable until a release is loaded (the
    bundled national release holds FY2018's 256,085, see tests/integration/test_real_records.py)."""
    records = results["ice-fy2018-removals-by-removal-date"].checks[1]
    assert records.kind == "records" and records.verdict == "not_testable"
    assert "removals" in records.explanation and "ingest" in records.testable_when
    assert any("by removal date (removal_count_date)" in n for n in records.notes)


def removal(departed: str, removed: str, aor: str, person: str) -> dict:
    return dict(departed_datetime=f"{departed} 10:00:00", removal_date=removed, docket_aor=aor, person_id=person)


@pytest.fixture(scope="module")
def removals_home(tmp_path_factory, registry_build):
    """Three removals departing in FY2018, one of them removed (by ICE's date) in FY2019; one the year before."""
    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("claims-removals") / "home")
    L = HandLedger(settings.ledger_path).release("test-removals", era="L1", received="2024-01-01")
    L.add("core_removals", "test-removals", [removal("2017-10-02", "2017-10-02", "SEA", "r1"),
                                              removal("2018-05-01", "2018-05-01", "SEA", "r2"),
                                              removal("2018-09-30", "2018-10-01", "SEA", "r3"),
                                              removal("2017-09-01", "2017-09-01", "SEA", "r0")])
    L.close()
    return settings


def claim_file(tmp_path, basis: str, expected: int):
    p = tmp_path / f"removals-{basis}.yaml"
    p.write_text(textwrap.dedent(f"""\
        claims:
          - id: removals-{basis}
            statement: A test claim about removals in FY2018 on a stated date basis.
            source: {{url: https://example.org/test, publisher: Test, date: 2024-01-01, kind: news_report}}
            measure:
              records:
                spec: {{count: removals, date_from: 2017-10-01, date_to: 2018-09-30}}
                date_basis: {basis}
            comparison: equals
            expected: {expected}
        """))
    return p


def test_departure_basis_counts_by_departure_date(removals_home, tmp_path):
    r = check_claims([claim_file(tmp_path, "departure", 3)], home=removals_home.home)[0]
    c = r.checks[0]
    assert r.verdict == "supported" and c.value == 3 and any("by departure date (departed_date)" in n for n in c.notes)


def test_removal_basis_counts_by_ices_removal_date(removals_home, tmp_path):
    """By ICE's removal date FY2018 holds r1 and r2 (r3 departed in FY2018 but was removed on 2018-10-01)."""
    r = check_claims([claim_file(tmp_path, "removal", 2)], home=removals_home.home)[0]
    c = r.checks[0]
    assert r.verdict == "supported" and c.value == 2 and any("by removal date (removal_count_date)" in n for n in c.notes)
    assert "dated by ICE's removal date" in c.explanation


def test_date_basis_goes_with_removals_only(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(textwrap.dedent("""\
        claims:
          - id: bad-basis
            statement: A test claim with a date basis on arrests.
            source: {url: https://example.org/test, publisher: Test, date: 2024-01-01, kind: news_report}
            measure:
              records:
                spec: {count: arrests, date_from: 2017-10-01, date_to: 2018-09-30}
                date_basis: removal
            comparison: equals
            expected: 1
        """))
    with pytest.raises(InputError) as exc:
        check_claims([p])
    assert "date_basis goes with a spec counting removals" in exc.value.message

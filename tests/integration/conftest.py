"""Fixtures shared by integration tests: a registry build with a hand-made test release of a few arrests
(rows made up for the tests, not ICE's). The published home is in tests/conftest.py."""

from __future__ import annotations

import pytest
from tests.conftest import copy_home

NATIONAL = "uwchr-2019-icfo-53623"
SEATTLE = "uwchr-seattle-uw-v-dhs"


def arrest(when: str, aor: str, person: str) -> dict:
    return dict(apprehension_datetime=f"{when} 10:00:00", apprehension_aor=aor, person_id=person, apprehension_method="Located")


@pytest.fixture(scope="session")
def with_records(tmp_path_factory, registry_build):
    """Registries plus a hand-made, non-synthetic test release: 3 arrests in SEA and 1 in BAL during Safe City's
    days; 7 arrests from 2017-01-20 to 2017-09-30 against 2 a year earlier; rows on 2016-01-10 and 2017-10-05
    so the records cover both periods. Small counts on purpose (the disclosure gate must hide them)."""
    from measures_ledger import HandLedger

    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("claims-records") / "home")
    L = HandLedger(settings.ledger_path).release("test-records", era="L1", received="2024-01-01")
    L.add("core_arrests", "test-records", [
        arrest("2017-09-24", "SEA", "a1"), arrest("2017-09-25", "SEA", "a2"), arrest("2017-09-26", "SEA", "a3"),
        arrest("2017-09-25", "BAL", "a4"), arrest("2017-02-01", "SEA", "a5"), arrest("2017-03-01", "SEA", "a6"),
        arrest("2017-04-01", "NYC", "a7"), arrest("2016-02-01", "SEA", "b1"), arrest("2016-03-01", "NYC", "b2"),
        arrest("2016-01-10", "SEA", "b3"), arrest("2017-10-05", "SEA", "b4")])
    L.close()
    return settings


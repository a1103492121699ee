"""Text that leaves for the publication states no computed count (issue 11: "records hold 6 arrests ... in 1
AORs" reached the public form of a claim; a note that states a count anywhere but its first character passed)."""

from __future__ import annotations

import pytest

from iceledger.publish.cells import declared_numbers, mentions_a_count, public_notes

ALLOWED = (10, 11, 30)


@pytest.mark.parametrize("text", [
    "SEA: 3 rows set aside as duplicates",
    "records hold 6 arrests from 2017-01-20 to 2017-09-30 in 1 AORs",
    "a share of 1,234 rows has no AOR",
    "63% of the family's cells would be small",
    "arrests: 12.5 a day",
    "3",
])
def test_a_note_stating_a_count_is_left_out(text):
    assert mentions_a_count(text, ALLOWED)
    assert public_notes(["kept note", text], ALLOWED) == ["kept note"]


@pytest.mark.parametrize("text", [
    "custody records end on 2026-03-10: detainers prepared after 2026-02-08 have fewer than 30 days of follow-up",
    "compared over 2019-01-01..2019-06-30 in SEA only; coverage from uwchr-2019-icfo-53623's manifest",
    "removal: no records loaded in namespace L2 (synthetic); that stage is unknown",
    "not shown: rests on fewer than 11 (a count the disclosure policy withholds)",
    "FY2019 is counted from October",
])
def test_dates_ids_codes_and_declared_numbers_are_not_counts(text):
    assert not mentions_a_count(text, ALLOWED)
    assert public_notes([text], ALLOWED) == [text]


def test_the_synthetic_share_is_said_without_its_number():
    out = public_notes(["SYNTHETIC: 3,925 of the rows counted come from synthetic releases, not from ICE"], ALLOWED)
    assert out == ["SYNTHETIC: some or all of the rows counted come from synthetic releases, not from ICE"]


def test_the_declared_numbers_are_the_threshold_and_the_funnel_window():
    assert declared_numbers() == (10, 11, 30)

"""The --where parser: DIM=VALUE and DIM=V1,V2; anything else is refused with the fix."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from iceledger.cli.measures import parse_where
from iceledger.errors import InputError

names = st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True)
values = st.from_regex(r"[A-Za-z0-9 ()'./-]{0,12}[A-Za-z0-9]", fullmatch=True)


@given(st.dictionaries(names, st.lists(values, min_size=1, max_size=4), max_size=4))
def test_round_trip(filters):
    items = [f"{k}={','.join(vs)}" for k, vs in filters.items()]
    got = parse_where(items)
    for k, vs in filters.items():
        want = [v.strip() for v in vs]
        assert got[k] == (want if len(want) > 1 else want[0])


@given(st.text(max_size=30).filter(lambda s: "=" not in s))
def test_without_equals_is_refused(text):
    with pytest.raises(InputError) as exc:
        parse_where([text])
    assert exc.value.code == "bad_filter" and "--where" in exc.value.fix


@pytest.mark.parametrize("item", ["=SEA", "aor_code=", "aor_code= ,"])
def test_empty_parts_are_refused(item):
    with pytest.raises(InputError):
        parse_where([item])


def test_repeated_dimension_is_refused():
    with pytest.raises(InputError):
        parse_where(["aor_code=SEA", "aor_code=NYC"])

"""Measure specs refuse what cannot be answered, naming the field and the fix."""

from __future__ import annotations

import datetime as dt

import pytest

from iceledger.errors import InputError, NotFoundError
from iceledger.measures import FunnelSpec, MeasureSpec, PopulationSpec, WindowSpec


def test_by_accepts_a_comma_list_and_where_lists():
    s = MeasureSpec(count="arrests", by="month, aor_code", where={"aor_code": "SEA,NYC"})
    assert s.by == ["month", "aor_code"]
    assert s.where == {"aor_code": ["SEA", "NYC"]}


def test_round_trips_through_json():
    s = MeasureSpec(count="detainers", by=["fy", "facility"], date_from="2024-10-01", date_to="2025-09-30", share=True)
    again = MeasureSpec.model_validate_json(s.model_dump_json())
    assert again == s


@pytest.mark.parametrize("data,code,text", [
    ({"count": "arrests", "by": "month,aor_code,gender,citizenship"}, "bad_spec", "at most 3 dimensions"),
    ({"count": "arrests", "by": "month,fy"}, "bad_spec", "one time dimension"),
    ({"count": "arrests", "by": "aor_code,aor_code"}, "bad_spec", "repeated"),
    ({"count": "arrests", "date_from": "2025-02-01", "date_to": "2025-01-01"}, "bad_spec", "after date_to"),
    ({"count": "arrests", "compare": "before_after", "compare_date": "2025-01-20"}, "bad_spec", "known lengths"),
    ({"count": "arrests", "by": "aor_code", "compare": "year_earlier"}, "bad_spec", "time dimension"),
    ({"count": "arrests", "by": "policy_period"}, "bad_spec", "policy"),
    ({"count": "arrests", "colour": "red"}, "bad_spec", "colour"),
])
def test_refusals(data, code, text):
    with pytest.raises(InputError) as exc:
        MeasureSpec.parse(data)
    assert exc.value.code == code and text in exc.value.message
    assert exc.value.fix


def test_unknown_subject_and_dimension_name_the_choices():
    with pytest.raises(NotFoundError) as exc:
        MeasureSpec.parse({"count": "deportees"})
    assert exc.value.code == "unknown_subject" and "arrests" in exc.value.fix
    with pytest.raises(NotFoundError) as exc:
        MeasureSpec.parse({"count": "arrests", "by": "colour"})
    assert exc.value.code == "unknown_dimension" and "aor_code" in exc.value.fix


def test_dimension_not_recorded_for_the_subject():
    with pytest.raises(InputError) as exc:
        MeasureSpec.parse({"count": "arrests", "by": "facility"})
    assert exc.value.code == "dimension_not_recorded"
    assert "detainers" in exc.value.fix
    with pytest.raises(InputError):
        MeasureSpec.parse({"count": "encounters", "where": {"method_group": "at_large"}})


def test_before_after_inside_the_window():
    s = MeasureSpec(count="arrests", compare="before_after", compare_date="2025-01-20",
                    date_from="2024-10-01", date_to="2025-09-30")
    assert s.compare_date == dt.date(2025, 1, 20)
    with pytest.raises(InputError):
        MeasureSpec.parse({"count": "arrests", "compare": "before_after", "compare_date": "2024-01-20",
                           "date_from": "2024-10-01", "date_to": "2025-09-30"})


def test_other_specs():
    assert FunnelSpec(by="facility").within_days == 30
    with pytest.raises(InputError):
        FunnelSpec.parse({"within_days": -1})
    with pytest.raises(InputError):
        PopulationSpec.parse({"by": "month"})
    with pytest.raises(InputError) as exc:
        WindowSpec.parse({"date_from": "2017-09-20", "date_to": "2017-09-27"})
    assert "seven days" in exc.value.message
    assert WindowSpec(date_from="2017-09-24", date_to="2017-09-27").by == ["aor_code"]
    with pytest.raises(InputError):
        WindowSpec.parse({"date_from": "2017-09-24", "date_to": "2017-09-27", "by": "month"})

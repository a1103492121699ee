"""287(g) value parsers: SIGNED dates with listed fix rules, agency matching keys, models, MOA file-name dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from iceledger.sources.g287.parse import agency_key, moa_file_date, model_code, parse_signed, signed_fixes

LISTED = dt.date(2025, 7, 18)
names = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0xFF, whitelist_characters=" .,'’-/&"),
                min_size=1, max_size=60)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=LISTED))
def test_iso_and_us_dates_read_back(d):
    assert parse_signed(d.isoformat(), LISTED).value == d
    assert parse_signed(f"{d.month}/{d.day}/{d.year}", LISTED).value == d
    assert parse_signed(f"{d.month:02d}/{d.day:02d}/{d.year}", LISTED).value == d


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)).filter(lambda d: not dt.date(2000, 1, 1) <= d <= LISTED))
def test_dates_outside_the_plausible_span_are_quarantined(d):
    s = parse_signed(d.isoformat(), LISTED)
    assert s.value is None and "outside" in s.problem


@given(st.text(max_size=12).filter(lambda t: t.strip() not in signed_fixes()))
def test_no_text_is_silently_accepted_or_guessed(text):
    s = parse_signed(text, LISTED)
    assert (s.value is None) == (s.problem is not None)
    assert s.rule is None


def test_listed_fix_rules_repair_the_real_typos():
    assert parse_signed("5025-07-07", LISTED).value == dt.date(2025, 7, 7)
    assert parse_signed("7/72025", LISTED).value == dt.date(2025, 7, 7)
    assert parse_signed("05/082025", LISTED).value == dt.date(2025, 5, 8)
    assert "Tooele" in parse_signed("7/72025", LISTED).rule
    assert parse_signed("7/72025 ", LISTED).value == dt.date(2025, 7, 7)  # trailing space
    assert parse_signed(None, LISTED).problem == "blank"


@given(names)
def test_agency_key_is_stable_and_ignores_case_and_punctuation(name):
    k = agency_key(name)
    assert agency_key(k) == k if k else True
    assert agency_key(name.upper()) == agency_key(name.lower())


@pytest.mark.parametrize("ice,compiled", [  # ICE's names and the snapshot compilers' shortened names, 2025-05-16 list
    ("City of Melbourne Police Department", "melbourne police"),
    ("City of St. Cloud Police Department", "st cloud police"),
    ("Florida Department of Highway Safety and Motor Vehicles, Division of Highway Patrol",
     "florida of highway safety and motor vehicles, of highway patrol"),
    ("Volusia County Division of Corrections", "volusia county of corrections"),
    ("Kansas Bureau of Investigation", "kansas of investigation"),
    ("Saint Mary Police Department", "st mary police"),
    ("South Carolina Law Enforcement Division", "south carolina law enforcement"),
    ("Power County Sheriff’s Office", "power county sheriff"),
    ("Colbert County Sheriff's Office", "colbert county sheriff"),
])
def test_ice_and_compiled_names_share_a_key(ice, compiled):
    assert agency_key(ice) == agency_key(compiled)


def test_accents_do_not_split_agencies():
    assert agency_key("Doña Ana County Sheriff's Office") == agency_key("Dona Ana County Sheriff Office") == "dona ana county sheriff"


def test_listed_aliases_apply_only_in_their_state():
    assert agency_key("Indiatlantic Police Department", "FLORIDA") == "indialantic police"
    assert agency_key("indiatlantic police department", "FL") == "indialantic police"
    assert agency_key("Indiatlantic Police Department", "TEXAS") == "indiatlantic police"


def test_model_codes():
    assert model_code("Jail Enforcement Model ") == "JEM"
    assert model_code("task force model") == "TFM" and model_code("WSO") == "WSO"
    assert model_code("Something else") is None and model_code(None) is None


@pytest.mark.parametrize("name,expected", [
    ("AtascosaCoSheriffsOfficeTX_TFM_MOA_05082025.pdf", dt.date(2025, 5, 8)),
    ("LakeClarkShoresPDFL_TFM_MOA_042925.pdf", dt.date(2025, 4, 29)),
    ("CrenshawCoAL_WSO_MOA_04.16.2025.pdf", dt.date(2025, 4, 16)),
    ("blountstownPoliceDeptFL_TFM_MOA_03.04.25.pdf", dt.date(2025, 3, 4)),
    ("287gWSO_SweetwaterCoWY_03-13-2020.pdf", dt.date(2020, 3, 13)),
    ("287gJEM_HernandoCoFl2020-06-09.pdf", dt.date(2020, 6, 9)),
    ("South_Dakota_Department_Corrections_SD_WSO_MOA%20ICE%20Signed_8_28_2025.pdf", dt.date(2025, 8, 28)),
    ("GulfStreamPDFL_TFM_MOA08282025.pdf", dt.date(2025, 8, 28)),
    ("RushCoSheriffsOfficeKS_WSO_MOA_07072025.pdf.pdf", dt.date(2025, 7, 7)),
    ("WoodCoSheriffsOfficeWV_TFM_MOA_0508025.pdf", None),  # seven digits: no listed pattern reads it
    ("FortWaltonBeachPDFL_TFM_MOA.pdf", None),
])
def test_moa_file_dates(name, expected):
    assert moa_file_date(name) == expected

"""ICE's facility lists, read from the bundled files: counts and values checked by hand against the workbooks."""

from __future__ import annotations

from collections import defaultdict

import pytest

from iceledger.metadata import code_list
from iceledger.sources.facilities.extract import column_map, extract_facilities, sheets


@pytest.fixture(scope="module")
def x():
    return extract_facilities()


@pytest.fixture(scope="module")
def values(x):
    """code -> attribute -> {(source_id, value)}"""
    out = defaultdict(lambda: defaultdict(set))
    for code, attr, value, source_id, _detail, _rank in x.attributes:
        out[code][attr].add((source_id, value))
    return out


def by_source(values, code, attr, source_id):
    return {v for s, v in values[code][attr] if s == source_id}


def test_layout_files_are_consistent():
    known = code_list("facility_attribute")
    for (source_id, sheet), cols in column_map().items():
        assert any(s.source_id == source_id and s.sheet == sheet for s in sheets()), (source_id, sheet)
        for _header, attr, fy in cols:
            assert attr in ("code", "adp", "full_address", "definition") or known.knows(attr), attr
            assert (fy is not None) == (attr == "adp")


def test_codes_per_source(x):
    codes = defaultdict(set)
    for code, _a, _v, source_id, _d, _r in x.attributes:
        codes[source_id].add(code)
    assert len(codes["ice-facility-list-2017"]) == 1478  # 1,685 rows less 207 redacted
    assert len(codes["ice-foia-2019-icfo-31121"]) == 214
    assert len(codes["ice-facility-lists-2019"]) == 37 + 185 - 5  # five rows match no coded facility
    assert len(codes["ddp-facility-locations-2025"]) == 34
    assert len(set().union(*codes.values())) == 1517
    assert len(codes["ice-foia-2019-icfo-31121"] - codes["ice-facility-list-2017"]) == 10


def test_findings_report_redactions_and_unlinked_rows(x):
    f = {f.code: f for f in x.findings}
    assert f["facility_code_redacted"].count == 207
    assert f["facility_code_redacted"].detail["by_aor_and_type"]["SNA/ORR"] == 35
    unlinked = f["facility_without_code"]
    assert unlinked.count == 5
    assert {e["name"] for e in unlinked.detail["examples"]} == {
        "ADAMS COUNTY DET CENTER", "JACKSON PARISH CORRECTIONAL CENTER", "KAY COUNTY JUSTICE FACILITY",
        "RICHWOOD CORRECTIONAL CENTER", "WINN CORRECTIONAL CENTER"}
    assert "facility_count_mismatch" not in f and "facility_sheet_undescribed" not in f
    assert f["facility_rows_after_block"].detail[
        "official/ICE_Facility_List_11-06-2017-web.xlsx, sheet 'GM Facilities'"]["count"] == 10


def test_main_sheet_values(values):
    src = "ice-facility-list-2017"
    assert by_source(values, "ABRDNWA", "address", src) == {"210 EAST MARKET ST"}
    assert by_source(values, "ABRDNWA", "county", src) == {"GRAYS HARBOR"}  # 'GRAYS HARBOR ' in the file
    assert by_source(values, "ABRDNWA", "first_use_date", src) == {"2007-09-14"}
    assert by_source(values, "ABRDNWA", "last_use_date", src) == {"2007-09-20"}
    assert by_source(values, "CTYORCI", "zip", src) == {"06357"}  # stored as the number 6357
    assert by_source(values, "YUMHOLD", "type", src) == {"OTHER"}  # 'Other' in the file
    assert by_source(values, "YUMHOLD", "type_detailed", src) == {"HOLD"}
    assert by_source(values, "ADLNTCA", "county", src) == {"SAN BERNARDINO"}
    assert "Marked as Use Prohibited: DENVECO refuses" in next(iter(by_source(values, "DENVECO", "prohibited_reason", src)))


def test_2019_lists(values, x):
    assert by_source(values, "STWRTGA", "address", "ice-foia-2019-icfo-31121") == {"146 CCA ROAD"}
    assert by_source(values, "ADLNTCA", "type_detailed", "ice-facility-lists-2019") == {"DIGSA"}
    assert by_source(values, "MNTGMAL", "address", "ice-facility-lists-2019") == {"320 NORTH RIPLEY STREET"}
    assert not by_source(values, "MONCJAL", "listing", "ice-facility-lists-2019")  # the other Montgomery City Jail code
    adp = {(c, fy, s): (v, through) for c, fy, v, through, s, _d in x.adp}
    assert float(adp[("STWRTGA", 2019, "ice-foia-2019-icfo-31121")][0]) == pytest.approx(1891.1609195402)
    assert float(adp[("ADLNTCA", 2019, "ice-facility-lists-2019")][0]) == pytest.approx(1716.9250814333257)
    assert adp[("ADLNTCA", 2019, "ice-facility-lists-2019")][1] == "2019-08-03"


def test_geocoded_additions(values):
    src = "ddp-facility-locations-2025"
    assert by_source(values, "BOPDEV", "address", src) == {"42 Patton Rd"}
    assert by_source(values, "BOPDEV", "zip", src) == {"01432"}
    assert by_source(values, "UCCHIIL", "latitude", src) == {"41.78877397"}
    assert not by_source(values, "TNGLPOE", "latitude", src)


def test_facility_types(x):
    types = {t[1]: (t[0], t[2]) for t in x.types}
    assert len(types) == 15
    assert types["HOLD"][0] == "OTHER" and types["DIGSA"] == ("IGSA", "Dedicated IGSA.")
    assert types["SPC"][1].startswith("Service Processing Center")

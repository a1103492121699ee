"""The place resolver on 120 phrasings people really type: NYC boroughs, county short names, accented and
accent-free spellings, consolidated city-counties and independent cities, territories, and bare names that
name several places (every candidate listed). Each row: the text, how many candidates it has, and the
counties they cover (a count when there are many)."""

from __future__ import annotations

import pytest

from iceledger.sources.geography.resolver import resolve_place

PHRASINGS = [  # (text as people type it, number of candidates, the counties of every candidate)
    ('Brooklyn', 1, ('36047',)),
    ('The Bronx', 1, ('36005',)),
    ('Bronx', 1, ('36005',)),
    ('Staten Island', 1, ('36085',)),
    ('Queens, NY', 1, ('36081',)),
    ('Queens', 1, ('36081',)),
    ('Manhattan', 1, ('36061',)),
    ('Manhattan, New York', 1, ('36061',)),
    ('Kings County, NY', 1, ('36047',)),
    ('Richmond County, New York', 1, ('36085',)),
    ('Miami-Dade', 1, ('12086',)),
    ('Miami-Dade County', 1, ('12086',)),
    ('Miami-Dade, Fla.', 1, ('12086',)),
    ('Miami Dade County, Florida', 1, ('12086',)),
    ("Prince George's", 1, ('24033',)),
    ("Prince George's County, Maryland", 1, ('24033',)),
    ('Prince Georges County, MD', 1, ('24033',)),
    ('Prince George County, Va.', 1, ('51149',)),
    ('Doña Ana', 1, ('35013',)),
    ('Dona Ana', 1, ('35013',)),
    ('Dona Ana County, NM', 1, ('35013',)),
    ('Doña Ana County, New Mexico', 1, ('35013',)),
    ('DeKalb County, Georgia', 1, ('13089',)),
    ('De Kalb County, Ga.', 1, ('13089',)),
    ('De Baca County, N.M.', 1, ('35011',)),
    ('DeBaca County, New Mexico', 1, ('35011',)),
    ('LaSalle County, Illinois', 1, ('17099',)),
    ('La Salle County, Ill.', 1, ('17099',)),
    ('Richmond', 6, ('06013', '13245', '36085', '37153', '51159', '51760')),
    ('Richmond, Va.', 1, ('51760',)),
    ('Richmond, Virginia', 1, ('51760',)),
    ('Richmond, CA', 1, ('06013',)),
    ('Richmond County, Ga.', 1, ('13245',)),
    ('Juneau', 2, ('02110', '55057')),
    ('Juneau, Alaska', 1, ('02110',)),
    ('City and Borough of Juneau', 1, ('02110',)),
    ('Boise', 2, ('16001', '16015')),
    ('Boise, Idaho', 1, ('16001',)),
    ('City of Boise', 1, ('16001',)),
    ('Carson City', 1, ('32510',)),
    ('Carson City, Nev.', 1, ('32510',)),
    ('Saipan', 1, ('69110',)),
    ('Guam', 1, ('66010',)),
    ('Hagatna, Guam', 1, ('66010',)),
    ('Northern Mariana Islands', 1, ('69085', '69100', '69110', '69120')),
    ('CNMI', 1, ('69085', '69100', '69110', '69120')),
    ('U.S. Virgin Islands', 1, ('78010', '78020', '78030')),
    ('USVI', 1, ('78010', '78020', '78030')),
    ('St. Thomas, USVI', 1, ('78030',)),
    ('American Samoa', 1, ('60010', '60020', '60050')),
    ('Puerto Rico', 1, 78),
    ('San Juan Municipio, PR', 1, ('72127',)),
    ('St. Louis', 3, ('27137', '29189', '29510')),
    ('St. Louis, Mo.', 1, ('29510',)),
    ('Saint Louis County, Missouri', 1, ('29189',)),
    ('St. Louis County, Minn.', 1, ('27137',)),
    ('St. Louis City', 1, ('29510',)),
    ('Baltimore', 2, ('24005', '24510')),
    ('Baltimore City', 1, ('24510',)),
    ('Baltimore County', 1, ('24005',)),
    ('Baltimore County, Md.', 1, ('24005',)),
    ('Denver', 1, ('08031',)),
    ('City and County of Denver', 1, ('08031',)),
    ('San Francisco', 1, ('06075',)),
    ('San Francisco County, CA', 1, ('06075',)),
    ('Philadelphia', 1, ('42101',)),
    ('New Orleans', 1, ('22071',)),
    ('Orleans Parish', 1, ('22071',)),
    ('Nashville', 1, ('47037',)),
    ('Nashville-Davidson', 1, ('47037',)),
    ('Louisville, Ky.', 1, ('21111',)),
    ('Lexington-Fayette', 1, ('21067',)),
    ('Indianapolis', 1, ('18097',)),
    ('Jacksonville, Fla.', 1, ('12031',)),
    ('Athens-Clarke County', 1, ('13059',)),
    ('Augusta, Ga.', 1, ('13245',)),
    ('Columbus, Ga.', 1, ('13215',)),
    ('Macon-Bibb County', 1, ('13021',)),
    ('Kansas City, Kan.', 1, ('20209',)),
    ('Kansas City, Mo.', 1, ('29037', '29047', '29095', '29165')),
    ('Anchorage', 1, ('02020',)),
    ('Honolulu', 1, ('15003',)),
    ('Virginia Beach', 1, ('51810',)),
    ('Alexandria, Va.', 1, ('51510',)),
    ('Fairfax County, Virginia', 1, ('51059',)),
    ('Washington, D.C.', 1, ('11001',)),
    ('District of Columbia', 1, ('11001',)),
    ('Washington', 2, 40),
    ('Harris County, TX', 1, ('48201',)),
    ('Harris County, Texas', 1, ('48201',)),
    ('Harris County', 2, ('13145', '48201')),
    ('Houston', 6, ('01069', '13153', '27055', '47083', '48157', '48201', '48225', '48339')),
    ('Cook County, Illinois', 1, ('17031',)),
    ('Cook County, IL', 1, ('17031',)),
    ('Chicago', 1, ('17031', '17043')),
    ('Los Angeles', 2, ('06037',)),
    ('Los Angeles County', 1, ('06037',)),
    ('Santa Clara County, Calif.', 1, ('06085',)),
    ('San Diego', 2, ('06073',)),
    ('Seattle', 1, ('53033',)),
    ('King County, Wash.', 1, ('53033',)),
    ('Portland', 2, ('23005', '41005', '41051', '41067')),
    ('Portland, Ore.', 1, ('41005', '41051', '41067')),
    ('Portland, Maine', 1, ('23005',)),
    ('New York', 2, 62),
    ('New York City', 1, ('36005', '36047', '36061', '36081', '36085')),
    ('NYC', 1, ('36005', '36047', '36061', '36081', '36085')),
    ('Ithaca, New York (Buffalo)', 1, ('36109',)),
    ('Iowa City, Johnson County, Iowa', 1, ('19103',)),
    ('Travis County, Texas', 1, ('48453',)),
    ('Lawrence, Kan.', 1, ('20045',)),
    ('Douglas County, Kansas', 1, ('20045',)),
    ('Cambridge, Mass.', 1, ('25017',)),
    ('Newark, N.J.', 1, ('34013',)),
    ('Newark, Delaware', 1, ('10003',)),
    ('Camden, N.J.', 1, ('34007',)),
    ('Hartford County, Conn.', 1, ('09003',)),
    ('Orleans County, La.', 1, ('22071',)),
    ('Valdez-Cordova Census Area, Alaska', 1, ('02261',)),
    ('Shannon County, S.D.', 1, ('46113',)),
]


@pytest.mark.parametrize("text,n,counties", PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_phrasing(text, n, counties):
    res = resolve_place(text)
    found = sorted({f for p in res.candidates for f in p.county_fips})
    assert len(res.candidates) == n, [(p.kind, p.name, p.state_code) for p in res.candidates]
    assert (len(found) if isinstance(counties, int) else tuple(found)) == counties
    assert res.ambiguous == (n > 1)


def test_at_least_a_hundred_phrasings_including_the_issues():
    texts = {p[0] for p in PHRASINGS}
    assert len(PHRASINGS) >= 100 and len(texts) == len(PHRASINGS)
    assert {"Brooklyn", "The Bronx", "Staten Island", "Queens, NY", "Miami-Dade", "Prince George's", "Doña Ana", "Richmond",
            "Juneau", "Boise", "Carson City", "Saipan", "St. Louis"} <= texts


def test_accents_either_way_name_the_same_county():
    assert resolve_place("Dona Ana").candidates == resolve_place("Doña Ana").candidates


def test_bare_richmond_lists_every_richmond():
    res = resolve_place("Richmond")
    assert [(p.kind, p.name, p.state_code) for p in res.candidates] == [
        ("city", "Richmond", "CA"), ("city", "Richmond", "VA"), ("county", "Richmond County", "GA"),
        ("county", "Richmond County", "NY"), ("county", "Richmond County", "NC"), ("county", "Richmond County", "VA")]


def test_a_state_name_keeps_same_named_counties_out_but_says_so():
    res = resolve_place("Washington")
    assert [p.kind for p in res.candidates] == ["state", "district"]
    assert any("counties are also named 'washington'" in n for n in res.notes)


def test_territories_without_a_field_office_say_so():
    res = resolve_place("American Samoa")
    assert res.aor_codes == () and any("no ICE area of responsibility is known for American Samoa" in n for n in res.notes)
    assert resolve_place("Saipan").aor_codes == resolve_place("Guam").aor_codes == ("SFR",)
    assert resolve_place("USVI").aor_codes == ("MIA",)

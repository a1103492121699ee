"""ICE detention facilities: the facility lists of 2017 and 2019 and cited compilations, read as
their layout files describe (sheets.csv, columns.csv), into ref_facility_attributes and the
resolved ref_facilities. See docs/facilities.md.
"""

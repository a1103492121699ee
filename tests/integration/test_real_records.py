"""The bundled real ICE releases (data/records/), ingested once per session as a user would, counted as
ICE counts them: ICE's published figures and the Seattle workbook's own Summary sheet are the oracles.

The national release (FOIA 2019-ICFO-53623, about 2.7 million rows) takes about a minute to ingest
on the 2-core machine; the session fixture ``real`` (tests/conftest.py) does it once for every test.
"""

from __future__ import annotations

from tests.integration.conftest import NATIONAL, SEATTLE

from iceledger.claims.records import describe_value
from iceledger.measures import MeasureSpec, measure
from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.ledger import connect
from iceledger.pipeline.release_store import manifest_from_paths
from iceledger.settings import load_settings
from iceledger.validation.checks import validate

WORKBOOK = "redacted UW v. DHS - ICE Productions_LESA-STU_FINAL.xlsx"


def query(settings, sql, params=None):
    con = connect(settings.ledger_path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def count_by_fy(settings, subject, release, fys):
    r = measure(MeasureSpec(count=subject, by=["fy"], releases=[release]), home=settings.home)
    return {fy: r.value("n", fy=fy) for fy in fys}, r


def test_national_arrests_are_ices_published_figures(real):
    counts, r = count_by_fy(real[0], "arrests", NATIONAL, (2016, 2017, 2018))
    assert counts == {2016: 110_104, 2017: 143_470, 2018: 158_581}
    assert r.provenance["date"]["column"] == "apprehension_date"


def test_national_removals_are_counted_by_removal_date(real):
    counts, r = count_by_fy(real[0], "removals", NATIONAL, (2016, 2017, 2018))
    assert counts == {2016: 240_255, 2017: 226_119, 2018: 256_085}  # FY2018: ICE's report (claims/examples.yaml)
    assert r.provenance["date"]["column"] == "removal_count_date"
    assert set(r.provenance["date"]["rows_by_basis"]) == {"removal_date"}
    by_departure, r = count_by_fy(real[0], "removals_by_departure", NATIONAL, (2017,))
    assert by_departure == {2017: 224_329}  # ICE's 226,119 is by removal date, not departure
    assert r.provenance["date"] == {"column": "departed_date", "basis": "the departure date"}
    removals = measure(MeasureSpec(count="removals", releases=[NATIONAL], date_from="2016-10-01", date_to="2017-09-30"),
                       home=real[0].home)
    said = describe_value(removals, "count", "n", removals.value("n"), {}, "ICE's records")
    assert said == ("ICE's records hold 226,119 removals from 2016-10-01 to 2017-09-30 (dated by ICE's removal date (the "
                    "departure date for rows without one; removal_date_basis says which))")


def test_every_sheet_is_placed_and_balanced(real):
    settings, runs, _ = real
    for rid, run in runs.items():
        assert run.totals.balanced, rid
        for s in run.sheets:
            assert s.balanced, (rid, s.to_dict())
            if s.kind == "records":
                assert s.rows_read == s.rows_loaded + s.rows_quarantined > 0
    kinds = {(s.sheet, s.kind, s.table) for s in runs[SEATTLE].sheets}
    assert kinds == {("Summary", "summary", None), ("Footnotes", "notes", None),
                     ("Arrests", "records", "core_arrests"), ("Book Ins", "records", "core_detention_stints"),
                     ("Expedited Removals", "records", "core_removals"), ("Other Removals", "records", "core_removals")}
    national = {s.file_name: (s.table, s.rows_read) for s in runs[NATIONAL].sheets}
    assert len(national) == 11
    assert national["EROArrests_FY2016.csv.gz"] == ("core_arrests", 110_104)  # 110,110 lines less 5 banner lines and the header
    assert national["EROEncounters_FY2019.csv.gz"][0] == "core_encounters"
    assert national["ICERemovals_FY2019.csv.gz"] == ("core_removals", 241_513)
    rows = query(settings, "SELECT release_id, sum(rows_read), sum(rows_loaded), sum(rows_quarantined) FROM ingest_sheets "
                           "WHERE sheet_kind = 'records' GROUP BY 1 ORDER BY 1")
    assert [(r[0], r[1] == r[2] + r[3]) for r in rows] == [(NATIONAL, True), (SEATTLE, True)]


def test_every_header_maps_to_a_field(real):
    settings = real[0]
    unknown = query(settings, "SELECT source_file, column_name FROM source_columns WHERE column_status NOT IN ('loaded', 'withheld')")
    assert unknown == []
    con = connect(settings.ledger_path, read_only=True)
    try:
        codes = {f.code for f in validate(con).findings}
    finally:
        con.close()
    assert not codes & {"unknown_column", "duplicate_column", "unbalanced_run", "duplicate_key"}, codes
    mapped = dict(query(settings, "SELECT DISTINCT column_name, field_name FROM source_columns"))
    assert mapped["Citizenship"] == mapped["Country of Citizenship"] == "citizenship_country"
    assert mapped["RC Threat Level"] == "removal_threat_level" and mapped["Removal Date"] == "removal_date"
    assert mapped["Most Serious Conviction"] == "most_serious_conviction" and mapped["Event Number"] == "event_number"


def test_identifiers_are_profiled_never_stored(real):
    settings = real[0]
    prof = query(settings, "SELECT column_name, column_status, sum(n_redacted), sum(n_unredacted_withheld) FROM source_columns "
                           "WHERE column_name IN ('Event Number', 'Date of Birth', 'Birth Date') GROUP BY 1, 2 ORDER BY 1")
    assert [(c, s) for c, s, _, _ in prof] == [("Birth Date", "withheld"), ("Date of Birth", "withheld"), ("Event Number", "withheld")]
    assert all(red > 0 and unredacted == 0 for _, _, red, unredacted in prof)
    cols = {r[0] for r in query(settings, "SELECT column_name FROM information_schema.columns WHERE table_name LIKE 'core_%'")}
    assert not cols & {"event_number", "birth_date"}


def test_seattle_counts_equal_its_own_summary_sheet(real):
    settings = real[0]
    checks = query(settings, "SELECT block_title, column_name, fiscal_year, published_count, loaded_count, is_match, "
                             "counted_sheets FROM summary_checks WHERE release_id = ?", [SEATTLE])
    arrests = {fy: (pub, got) for title, col, fy, pub, got, _, sheets in checks if sheets == ["Arrests"]}
    assert len(arrests) == 8 and all(pub == got for pub, got in arrests.values())
    assert arrests[2017] == (3376, 3376) and arrests[2012] == (6620, 6620)
    book_ins = [c for c in checks if c[6] == ["Book Ins"]]
    assert len(book_ins) == 8 and all(c[5] for c in book_ins)
    # Removals carry no removal date here, so they are dated by departure; ICE's summary counts them by
    # removal date: fiscal years differ, but every row of each sheet is there (all years together are equal).
    for column in ("Expedited Removals", "Other Removals", "Total"):
        rows = [c for c in checks if c[1] == column and c[0].endswith("ICE Removals for the Seattle Area of Responsibility")]
        assert len(rows) == 8
        assert sum(c[3] for c in rows) == sum(c[4] for c in rows), column
    assert query(settings, "SELECT DISTINCT count_date_field FROM summary_checks WHERE column_name = 'Total' "
                           "AND counted_sheets = ['Expedited Removals', 'Other Removals']") == [("removal_count_date",)]
    arrests_fy = measure(MeasureSpec(count="arrests", by=["fy"], releases=[SEATTLE]), home=settings.home)
    assert {r["fy"]: r["n"] for r in arrests_fy.rows} == {fy: pub for fy, (pub, _) in arrests.items()}


def test_seattle_release_values_are_recorded(real):
    settings = real[0]
    assert query(settings, "SELECT release_aor_code, coverage_from_date, coverage_to_date FROM releases WHERE release_id = ?",
                 [SEATTLE])[0][0] == "SEA"
    for table in ("core_arrests", "core_detention_stints", "core_removals"):
        assert query(settings, f"SELECT DISTINCT aor_code FROM {table} WHERE release_id = ?", [SEATTLE]) == [("SEA",)]
    assert query(settings, "SELECT DISTINCT removal_date_basis FROM core_removals WHERE release_id = ?", [SEATTLE]) == [("departed_date",)]
    assert ("aor", "SEA") in query(settings, "SELECT choice, choice_value FROM release_choices WHERE release_id = ?", [SEATTLE])


def test_seattle_csv_exports_hold_the_workbooks_rows(real, shared_data, tmp_path):
    """UWCHR's CSV exports of the workbook (not bundled) read by the text reader give the rows the
    workbook reader gives: same count per table and fiscal year, same values."""
    folder = shared_data / "records" / SEATTLE
    csvs = sorted(folder.glob("*.csv.gz"))
    assert len(csvs) == 4
    settings = load_settings(tmp_path / "home").ensure()
    run = ingest(settings, manifest_from_paths(csvs, "seattle-csv", era="H-UW-SEA", table=None, synthetic=False, aor="SEA"))
    assert {s.file_name: s.table for s in run.sheets} == {
        "arrests.csv.gz": "core_arrests", "bookins.csv.gz": "core_detention_stints",
        "expedited-removals.csv.gz": "core_removals", "other-removals.csv.gz": "core_removals"}
    workbook_home = real[0]
    for table, cols in (("core_arrests", "apprehension_datetime, gender, citizenship_country, apprehension_landmark, apprehension_method"),
                        ("core_detention_stints", "book_in_datetime, gender, citizenship_country, detention_facility"),
                        ("core_removals", "departed_datetime, gender, citizenship_country, case_category, most_serious_conviction")):
        from_csv = sorted(query(settings, f"SELECT {cols}, count(*) FROM {table} GROUP BY ALL"), key=str)
        from_xlsx = sorted(query(workbook_home, f"SELECT {cols}, count(*) FROM {table} WHERE release_id = ? GROUP BY ALL",
                                 [SEATTLE]), key=str)
        assert from_csv == from_xlsx, table


def test_both_releases_are_counted_once(real):
    """Unpinned, both real releases count and their overlap counts once: the national release (ingested
    last, so the newer) covers FY2016 on; Seattle's own rows give the years before it."""
    r = measure(MeasureSpec(count="arrests", by=["fy"]), home=real[0].home)
    got = {row["fy"]: row["n"] for row in r.rows}
    assert got[2013] == 7_165 and got[2016] == 110_104 and got[2017] == 143_470
    (left,) = r.provenance["selection"][0]["overlaps_left_out"]
    assert (left["release_id"], left["covered_by"]) == (SEATTLE, NATIONAL)

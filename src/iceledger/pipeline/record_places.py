"""Place codes of a release's records, resolved from the text ICE wrote: the state (a USPS code or a
state name) becomes ``state_code``, and the county, within that state, ``county_fips``, by the same
rules as the registries' county names (sources/place_codes.py). Names that match no county, or several,
stay NULL and are reported; nothing is guessed.

Then the landmark (a jail, an office, a city: "VENTURA COUNTY JAIL, VENTURA CA") of every record table
that has one is read to a county where it is unambiguous (sources/geography/landmarks.py), one row per
distinct text in ``record_landmarks``. Rows no state or county field placed (the national 2019 release
has no such fields) take the landmark's county and state, with ``place_basis`` saying so.

Resolution from fields needs the geography registries in the ledger (``iceledger build`` puts them
there before loading the releases); without them the codes stay NULL and a finding says so. Landmarks
naming a detention facility need the facility registry likewise.
"""

from __future__ import annotations

from iceledger.metadata import Table, quote, table as table_meta
from iceledger.pipeline.ledger import insert_rows
from iceledger.sources.lesa.cleaning import sql_str
from iceledger.sources.place_codes import STATES, absent, has_table, resolve_county_fips
from iceledger.validation import Finding
from iceledger.validation.report import examples

FACILITIES = ("ref_facilities", ("detention_facility_code", "detention_facility", "facility_state_code", "facility_county_fips"))


def resolve_record_places(con, table: Table, release_id: str) -> list[Finding]:
    """Fill ``state_code`` and ``county_fips`` of ``table``'s rows from ``release_id``: from the state and county
    fields, then, for rows they leave unplaced, from the landmark."""
    if not table.state_field:
        return read_record_landmarks(con, table, release_id)
    if not has_table(con, STATES):
        return absent(table.name, "state codes and county FIPS codes", STATES[0]) + read_record_landmarks(con, table, release_id)
    t, state = table.name, quote(table.state_field)
    where = f"release_id = {sql_str(release_id)}"
    text = f"upper(trim({state}))"
    con.execute(f"UPDATE {t} SET state_code = s.state_code FROM ref_states s "
                f"WHERE {where} AND {text} IN (s.state_code, upper(s.state_name))")
    findings = []
    unknown = con.execute(f"SELECT {state}, count(*) FROM {t} WHERE {where} AND {state} IS NOT NULL AND state_code IS NULL "
                          f"GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    if unknown:
        findings.append(Finding("warning", "state_unresolved",
                                f"{t}.{table.state_field}: {sum(n for _, n in unknown)} rows of release {release_id} name no state "
                                "(neither a USPS code nor a state name); their state_code and county_fips are NULL",
                                fix="nothing to do if the text is not a state; otherwise report the spelling so it can be listed",
                                detail={"table": t, "release_id": release_id, **examples([f"{v} ({n})" for v, n in unknown])},
                                count=sum(n for _, n in unknown)))
    if table.county_field:
        # rows without a state were reported above; their county cannot be placed
        findings += resolve_county_fips(con, t, key="source_row", state="state_code", county=table.county_field,
                                        fips="county_fips", as_of=None,
                                        where=f"x.release_id = {sql_str(release_id)} AND x.state_code IS NOT NULL")
    return findings + read_record_landmarks(con, table, release_id)


def read_record_landmarks(con, table: Table, release_id: str) -> list[Finding]:
    """Read every distinct landmark of ``table``'s rows from ``release_id`` (sources/geography/landmarks.py) into
    record_landmarks; where the table has place columns, rows no field placed take the landmark's state and
    county (``place_basis`` = landmark), and rows placed by fields are marked so (fields)."""
    if not table.landmark_field:
        return []
    from iceledger.sources.geography.bundled_geo import geography
    from iceledger.sources.geography.landmarks import FacilityName, LandmarkIndex, resolve_landmark

    t, lm, rel = table.name, quote(table.landmark_field), sql_str(release_id)
    texts = con.execute(f"SELECT {lm}, count(*) FROM {t} WHERE release_id = {rel} AND {lm} IS NOT NULL GROUP BY 1").fetchall()
    findings = []
    facilities = []
    if has_table(con, FACILITIES):
        facilities = [FacilityName(*r) for r in con.execute(
            "SELECT detention_facility_code, detention_facility, facility_state_code, facility_county_fips FROM ref_facilities").fetchall()]
    if not facilities:
        findings += absent(t, "landmarks naming a detention facility", FACILITIES[0])
    # the index (the geography registries, about 1 s to build) only when there is a landmark to read: files without
    # the column (the Deportation Data Project's) have none
    idx = LandmarkIndex(geography(), facilities) if texts else None
    rows = []
    for text, n in texts:
        assert idx is not None
        p = resolve_landmark(text, idx)
        rows.append([release_id, t, text, n, p.outcome, p.county_fips, p.state_code, list(p.candidates), list(p.basis),
                     list(p.facility_codes), p.note or None])
    con.execute(f"DELETE FROM record_landmarks WHERE release_id = {rel} AND table_name = {sql_str(t)}")
    insert_rows(con, "record_landmarks", table_meta("record_landmarks").columns, rows)
    placed = (0, 0)
    if "place_basis" in table.columns:
        con.execute(f"UPDATE {t} SET place_basis = 'fields' WHERE release_id = {rel} AND state_code IS NOT NULL")
        con.execute(f"""
            UPDATE {t} AS x SET state_code = l.state_code, county_fips = l.county_fips, place_basis = 'landmark'
            FROM record_landmarks l
            WHERE x.release_id = {rel} AND x.state_code IS NULL AND l.release_id = x.release_id
              AND l.table_name = {sql_str(t)} AND l.landmark_text = x.{lm} AND l.state_code IS NOT NULL""")
        placed = con.execute(f"SELECT count(*), count(county_fips) FROM {t} WHERE release_id = {rel} "
                             "AND place_basis = 'landmark'").fetchall()[0]
    findings.append(landmark_finding(t, release_id, rows, sum(n for _, n in texts), placed))
    if not any(r[5] for r in rows):  # the AOR check counts records whose landmark names a county: none here
        return findings
    from iceledger.pipeline.aor_check import check_release

    return findings + check_release(con, release_id, t)


def landmark_finding(t: str, release_id: str, rows: list[list], with_text: int, placed: tuple[int, int]) -> Finding:
    by: dict[str, list[int]] = {}
    for r in rows:
        by.setdefault(r[4], [0, 0])
        by[r[4]][0] += 1
        by[r[4]][1] += r[3]
    share = {k: {"landmarks": v[0], "records": v[1]} for k, v in sorted(by.items())}
    resolved = by.get("resolved", [0, 0])
    pct = f"{resolved[1] / with_text:.1%}" if with_text else "0%"
    message = (f"{t}: {resolved[0]:,} of {len(rows):,} distinct landmarks of release {release_id} name one county; "
               f"they cover {resolved[1]:,} of the {with_text:,} rows with a landmark ({pct})")
    if placed[0]:
        message += (f"; {placed[0]:,} rows with no state or county field take the landmark's place (place_basis = "
                    f"landmark): {placed[1]:,} a county, the rest a state only")
    return Finding("info", "landmarks_read", message, fix="ambiguous and conflicting landmarks are never guessed: "
                   "see record_landmarks for their candidates",
                   detail={"table": t, "release_id": release_id, "outcomes": share, "rows_placed": placed[0],
                           "rows_placed_in_a_county": placed[1]}, count=resolved[1])

"""Small hand-made ledgers for measure tests, built through the real schema: tables from
``create_all_sql()``, bookkeeping rows as an ingest writes them, and the real duplicate rules and
AOR normalisation (``pipeline.dedupe.finalize_release``), the date removals are counted by
(``pipeline.release_values``) and the place resolution of records
(``pipeline.record_places``, when the ledger holds the geography registries) applied to hand-written rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from iceledger.metadata import create_all_sql, field_, quote, table as table_meta
from iceledger.pipeline import dedupe, release_values
from iceledger.pipeline.record_places import resolve_record_places

FIRST_DATA_ROW = 8  # L1-L3 sheets: six banner rows and the header above


def _as_value(v):
    if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
        try:
            return dt.datetime.fromisoformat(v) if len(v) > 10 else dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


class HandLedger:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = duckdb.connect(str(path))
        for sql in create_all_sql():
            self.con.execute(sql)
        dedupe.ensure_aor_lookup(self.con)
        self.meta: dict[str, dict] = {}
        self.rows_loaded: dict[tuple[str, str], int] = {}

    def release(self, release_id: str, *, era: str = "L2", namespace: str | None = None, synthetic: bool = False,
                received: str | None = None, registered: str = "2026-01-01 00:00:00") -> HandLedger:
        run_id = f"run-{release_id}"
        self.meta[release_id] = {"era": era, "namespace": namespace or era, "synthetic": synthetic, "run_id": run_id}
        self.con.execute("INSERT INTO releases (release_id, agency, foia_request, received_date, era, id_namespace, licence, "
                         "release_description, is_synthetic, manifest_sha256, registered_at) "
                         "VALUES (?, 'ICE', NULL, ?, ?, ?, NULL, 'hand-made test release', ?, ?, ?)",
                         [release_id, received, era, namespace or era, synthetic, "0" * 64, registered])
        self.con.execute("INSERT INTO ingest_runs VALUES (?, ?, ?, ?, 'test', 'succeeded', [], 0, 0, 0, 0, TRUE)",
                         [run_id, release_id, registered, registered])
        return self

    def add(self, table_name: str, release_id: str, rows: list[dict], *, file_name: str | None = None) -> HandLedger:
        t = table_meta(table_name)
        m = self.meta[release_id]
        file_name = file_name or f"{table_name.removeprefix('core_')}.xlsx"
        derived = {field_(c).derived_from: c for c in t.fields if field_(c).derived_from}
        for i, r in enumerate(rows):
            row = {k: _as_value(v) for k, v in r.items()}
            for src, dst in derived.items():
                if src in row and dst not in row and isinstance(row[src], dt.datetime):
                    row[dst] = row[src].date()
            row.update(release_id=release_id, source_file=file_name, source_sheet="Sheet1", source_row=FIRST_DATA_ROW + i,
                       run_id=m["run_id"], is_synthetic=m["synthetic"], id_namespace=m["namespace"])
            cols = list(row)
            self.con.execute(f"INSERT INTO {table_name} ({', '.join(quote(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [row[c] for c in cols])
        dedupe.finalize_release(self.con, t, release_id)
        if table_name == release_values.REMOVALS:
            release_values.set_removal_dates(self.con, release_id)
        resolve_record_places(self.con, t, release_id)
        sha = hashlib.sha256(f"{release_id}/{file_name}".encode()).hexdigest()
        self.con.execute("INSERT INTO release_files SELECT ?, ?, ?, 'xlsx', ?, 0, NULL WHERE NOT EXISTS "
                         "(SELECT 1 FROM release_files WHERE release_id = ? AND file_name = ?)",
                         [release_id, file_name, table_name, sha, release_id, file_name])
        key = (release_id, table_name)
        self.rows_loaded[key] = self.rows_loaded.get(key, 0) + len(rows)
        return self

    def sql(self, text: str) -> HandLedger:
        self.con.execute(text)
        return self

    def close(self) -> Path:
        for (release_id, table_name), n in self.rows_loaded.items():
            self.con.execute("INSERT INTO ingest_run_tables VALUES (?, ?, ?, ?, ?, 0, 0, TRUE)",
                             [self.meta[release_id]["run_id"], release_id, table_name, n, n])
            self.con.execute("UPDATE ingest_runs SET rows_loaded = rows_loaded + ? WHERE run_id = ?",
                             [n, self.meta[release_id]["run_id"]])
        self.con.execute("CHECKPOINT")
        self.con.close()
        return self.path


# --- the enforcement scenario shared by the measure tests (answers worked out by hand in them) ---------

SEA, NYC = "Seattle Area of Responsibility", "New York City Area of Responsibility"


def _arrest(when, aor, person, method, crim="3 Other Immigration Violator", **kw):
    return dict(apprehension_datetime=when, apprehension_aor=aor, person_id=person, apprehension_method=method,
                apprehension_criminality=crim, **kw)


def enforcement_ledger(path: Path) -> Path:
    """Three real-looking (but hand-made, test-only) releases and one synthetic one:

    - ``ice-l2`` (era L2, received 2026-03-11): 13 arrests (one a likely duplicate), 6 detainers,
      4 detention stints, 2 removals;
    - ``ice-l2-old`` (era L2, received 2025-12-01): 3 arrests, superseded by ice-l2;
    - ``ice-l1`` (era L1, received 2025-08-05): 4 arrests, two of them inside ice-l2's coverage;
    - ``synth-l2`` (synthetic): 2 arrests.
    """
    L = HandLedger(path)
    L.release("ice-l2", era="L2", received="2026-03-11", registered="2026-03-20 00:00:00")
    L.add("core_arrests", "ice-l2", [
        _arrest("2024-10-05 10:00:00", SEA, "p1", "Located", "1 Convicted Criminal", apprehension_state="WASHINGTON"),
        _arrest("2024-10-05 20:00:00", SEA, "p1", "ERO Reprocessed Arrest", apprehension_state="WASHINGTON"),
        _arrest("2024-11-02 09:00:00", SEA, "p2", "Custodial Arrest", apprehension_state="WASHINGTON", county_fips="53033"),
        _arrest("2025-01-21 08:00:00", SEA, "p3", "CAP Local Incarceration", "1 Convicted Criminal", apprehension_state="WASHINGTON",
                county_fips="53033"),
        _arrest("2025-01-19 12:00:00", NYC, "p4", "287(g) Program", "2 Pending Criminal Charges", apprehension_state="NEW YORK"),
        _arrest("2025-10-01 07:00:00", NYC, "p5", "Located", apprehension_state="NEW YORK"),
        _arrest("2025-02-02 10:00:00", NYC, None, "Non-Custodial Arrest"),
        _arrest("2025-03-01 10:00:00", "Atlantis", "p6", "Located"),
        _arrest("2025-01-25 10:00:00", SEA, "p2", "Located", apprehension_state="WASHINGTON"),
        _arrest("2025-01-13 10:00:00", SEA, "p10", "Located"),
        _arrest("2025-01-06 10:00:00", SEA, "p11", "Located"),
        _arrest("2025-01-07 10:00:00", SEA, "p12", "Located"),
        _arrest("2025-01-08 10:00:00", SEA, "p13", "Located"),
    ])
    L.add("core_detainers", "ice-l2", [
        dict(detainer_prepare_datetime="2024-10-01 00:00:00", facility_aor=SEA, detention_facility_code="KINGJWA",
             person_id="p1", detainer_lift_reason="Booked into Detention"),
        dict(detainer_prepare_datetime="2024-10-20 00:00:00", facility_aor=SEA, detention_facility_code="KINGJWA",
             person_id="p2", detainer_lift_reason="Detainer Declined by LEA"),
        dict(detainer_prepare_datetime="2024-12-01 00:00:00", facility_aor=SEA, detention_facility_code="KINGJWA", person_id="p3"),
        dict(detainer_prepare_datetime="2025-01-05 00:00:00", facility_aor=NYC, detention_facility_code="NYCDOCNY",
             person_id="p7", detainer_lift_reason="Released"),
        dict(detainer_prepare_datetime="2025-01-06 00:00:00", facility_aor=NYC, detention_facility_code="NYCDOCNY"),
        dict(detainer_prepare_datetime="2025-01-10 00:00:00", facility_aor=NYC, detention_facility_code="NYCDOCNY",
             person_id="p4", detainer_lift_reason="Detainer Declined by LEA"),
    ])
    L.add("core_detention_stints", "ice-l2", [
        dict(stay_book_in_datetime="2024-12-15 00:00:00", book_in_datetime="2024-12-15 00:00:00",
             book_out_datetime="2024-12-20 00:00:00", stay_book_out_datetime="2025-02-20 00:00:00", person_id="p3",
             book_in_aor=SEA, detention_facility_code="TACOMWA", book_in_criminality="1 Convicted Criminal"),
        dict(stay_book_in_datetime="2024-12-15 00:00:00", book_in_datetime="2024-12-20 00:00:00",
             book_out_datetime="2025-02-20 00:00:00", stay_book_out_datetime="2025-02-20 00:00:00", person_id="p3",
             book_in_aor=SEA, detention_facility_code="ALXNDLA", book_in_criminality="1 Convicted Criminal"),
        dict(stay_book_in_datetime="2025-01-10 00:00:00", book_in_datetime="2025-01-10 00:00:00", person_id="p8",
             book_in_aor=SEA, detention_facility_code="TACOMWA"),
        dict(stay_book_in_datetime="2025-01-31 00:00:00", book_in_datetime="2025-01-31 00:00:00",
             book_out_datetime="2025-02-01 00:00:00", stay_book_out_datetime="2025-02-01 00:00:00", person_id="p9",
             book_in_aor=SEA, detention_facility_code="TACOMWA"),
        dict(stay_book_in_datetime="2025-01-15 00:00:00", book_in_datetime="2025-01-15 00:00:00",
             book_out_datetime="2025-01-17 00:00:00", stay_book_out_datetime="2025-01-17 00:00:00",
             book_in_aor=NYC, detention_facility_code="ALXNDLA"),
    ])
    L.add("core_removals", "ice-l2", [
        dict(departed_datetime="2025-02-20 00:00:00", docket_aor=SEA, person_id="p3"),
        dict(departed_datetime="2024-09-01 00:00:00", docket_aor=SEA, person_id="p1"),
    ])
    L.release("ice-l2-old", era="L2", received="2025-12-01", registered="2025-12-05 00:00:00")
    L.add("core_arrests", "ice-l2-old", [_arrest("2024-10-05 10:00:00", SEA, "p1", "Located"),
                                         _arrest("2024-12-05 10:00:00", SEA, "x1", "Located"),
                                         _arrest("2025-05-05 10:00:00", NYC, "x2", "Located")])
    L.release("ice-l1", era="L1", received="2025-08-05", registered="2025-08-10 00:00:00")
    L.add("core_arrests", "ice-l1", [_arrest("2024-06-10 10:00:00", SEA, "q1", "Located"),
                                     _arrest("2024-09-30 10:00:00", NYC, "q2", "Located"),
                                     _arrest("2024-10-20 10:00:00", SEA, "q3", "Located"),
                                     _arrest("2024-11-30 10:00:00", SEA, "q4", "Located")])
    L.release("synth-l2", era="L2", synthetic=True, registered="2026-04-01 00:00:00")
    L.add("core_arrests", "synth-l2", [_arrest("2025-01-01 10:00:00", SEA, "s1", "Located"),
                                       _arrest("2025-01-02 10:00:00", SEA, "s2", "Located")])
    return L.close()


def _insert(con, table: str, rows: list[dict]) -> None:
    for r in rows:
        r = {"source_id": "test-fixture", **r}
        con.execute(f"INSERT INTO {table} ({', '.join(r)}) VALUES ({', '.join('?' * len(r))})", list(r.values()))


def add_test_registries(path: Path) -> None:
    """Test-only registry rows in the registries' real tables. Every figure and date is made up."""
    con = duckdb.connect(str(path))
    _insert(con, "ref_facilities", [
        dict(detention_facility_code=c, facility_county_fips=f, facility_state_code=s)
        for c, f, s in [("KINGJWA", "53033", "WA"), ("NYCDOCNY", "36061", "NY"), ("TACOMWA", "53053", "WA"), ("ALXNDLA", "22079", "LA")]])
    _insert(con, "ref_states", [dict(state_fips="53", state_code="WA", state_name="Washington"),
                                dict(state_fips="36", state_code="NY", state_name="New York")])
    _insert(con, "ref_counties", [dict(county_fips="53033", state_fips="53", county_name="King", county_full_name="King County")])
    _insert(con, "ref_jurisdictions", [
        dict(jurisdiction_id="wa", jurisdiction_name="Washington", place_level="state", state_code="WA"),
        dict(jurisdiction_id="wa-king-county", jurisdiction_name="King County", place_level="county", state_code="WA"),
        dict(jurisdiction_id="wa-test-city", jurisdiction_name="Test City", place_level="city", state_code="WA")])
    _insert(con, "ref_policies", [
        dict(policy_id="test-state", jurisdiction_id="wa", policy_kind="unknown", effective_from_date=dt.date(2025, 1, 1)),
        dict(policy_id="test-county", jurisdiction_id="wa-king-county", policy_kind="unknown",
             effective_from_date=dt.date(2024, 10, 15), effective_to_date=dt.date(2024, 11, 30)),
        dict(policy_id="test-city", jurisdiction_id="wa-test-city", policy_kind="unknown", effective_from_date=dt.date(2024, 10, 15))])
    _insert(con, "ref_designation_lists", [dict(designation_list_id="test-list", designated_by="TEST",
                                                designation_date=dt.date(2025, 1, 20), designation_kind="sanctuary_list")])
    _insert(con, "ref_policy_designations", [dict(designation_id="test-list:wa", designation_list_id="test-list", jurisdiction_id="wa")])
    _insert(con, "ref_operations", [dict(operation_slug="test-op", operation_name="Test operation", announced_count=61,
                                         total_figure_id="test-op-total",
                                         operation_start_date=dt.date(2025, 1, 19), operation_end_date=dt.date(2025, 1, 21))])
    _insert(con, "ref_operation_places", [dict(operation_slug="test-op", place_seq=1, aor_code="SEA", announced_count=33),
                                          dict(operation_slug="test-op", place_seq=2, aor_code="BAL", announced_count=28)])
    _insert(con, "ref_population", [dict(population_place_level="aor", population_place_code="SEA", population_year=y,
                                         resident_population=n, population_basis="given") for y, n in [(2023, 900_000), (2025, 1_000_000)]])
    con.close()

"""What the dashboard reads, and the only place it reads it: ``public.duckdb``, opened read-only.

Publish's query layer is not on main yet, so this module queries the public database's tables
directly (the shapes written by ``publish/web_stopgap.py``): ``tabulations``,
``operation_windows``, ``suppression_audit``, the ``ref_*`` registries, ``releases``,
``release_files``, ``build_runs``, ``ingest_runs``, ``quarantine_summary``, ``data_dictionary``,
``disclosure_policy``, ``public_meta`` and, once claims are checked, ``claim_results``. When
publish's query functions land, the bodies below become calls to them; the pages do not change.

One cursor per call, fetched whole (DuckDB 2 blocks a connection on a partly read result).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb

from iceledger.errors import NotFoundError

MEASURES = ("arrests", "detainers", "book_ins", "removals", "encounters")
PLACE_LEVELS = ("aor", "state", "county", "facility")


@dataclass(frozen=True)
class Cell:
    """One published count: ``value`` is None when the gate withheld it."""

    value: int | None
    withheld: bool


class PublicData:
    def __init__(self, path: Path):
        if not Path(path).exists():
            raise NotFoundError("no_public_database", f"there is no public database at {path}",
                                fix="run `iceledger demo` (or `iceledger publish`) first")
        self.path = Path(path)
        self._con = duckdb.connect(str(path), read_only=True)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._con.close()

    # --- plumbing ---------------------------------------------------------------------------
    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        with self._lock:
            cur = self._con.cursor()
            try:
                cur.execute(sql, params or [])
                names = [d[0] for d in cur.description]
                return [dict(zip(names, r)) for r in cur.fetchall()]
            finally:
                cur.close()

    def one(self, sql: str, params: list | None = None) -> dict | None:
        out = self.rows(sql, params)
        return out[0] if out else None

    @cached_property
    def table_names(self) -> set[str]:
        return {r["table_name"] for r in self.rows("SELECT table_name FROM duckdb_tables()")}

    def has(self, table: str) -> bool:
        return table in self.table_names

    # --- what is loaded ---------------------------------------------------------------------
    @cached_property
    def policy(self) -> dict:
        return self.one("SELECT * FROM disclosure_policy") or {"threshold": 10}

    @property
    def threshold(self) -> int:
        return int(self.policy["threshold"])

    @cached_property
    def meta(self) -> dict:
        return self.one("SELECT * FROM public_meta") or {}

    def releases(self) -> list[dict]:
        return self.rows("SELECT r.*, (SELECT count(*) FROM release_files f WHERE f.release_id = r.release_id) AS file_count "
                         "FROM releases r ORDER BY release_id")

    def release_files(self) -> list[dict]:
        return self.rows("SELECT * FROM release_files ORDER BY release_id, table_name, file_name")

    def build_runs(self) -> list[dict]:
        return self.rows("SELECT * FROM build_runs ORDER BY started_at DESC LIMIT 20")

    def ingest_runs(self) -> list[dict]:
        return self.rows("SELECT * FROM ingest_runs ORDER BY started_at DESC LIMIT 50")

    def quarantine_summary(self) -> list[dict]:
        return self.rows("SELECT release_id, table_name, reason_code, sum(quarantined_count) AS quarantined_count "
                         "FROM quarantine_summary GROUP BY ALL ORDER BY ALL")

    def suppression_audit(self) -> list[dict]:
        return self.rows("SELECT measure, count(*) AS fiscal_years, sum(cell_total) AS cell_total, "
                         "sum(primary_count + complementary_count) AS withheld_count, bool_or(is_fallback) AS any_fallback "
                         "FROM suppression_audit GROUP BY measure ORDER BY measure")

    def dictionary(self) -> list[dict]:
        return self.rows("SELECT * FROM data_dictionary ORDER BY table_name, column_name")

    def sources(self) -> dict[str, dict]:
        return {r["source_id"]: r for r in self.rows("SELECT * FROM ref_sources")}

    @cached_property
    def is_synthetic(self) -> bool:
        r = self.one("SELECT bool_or(is_synthetic) AS s FROM releases")
        return bool(r and r["s"])

    def coverage(self) -> list[dict]:
        """Per measure: first and last month with a published cell, and whether it is synthetic."""
        return self.rows("SELECT measure, min(period_start_date) AS first_month, max(period_start_date) AS last_month, "
                         "bool_or(is_synthetic) AS is_synthetic FROM tabulations WHERE table_key = measure || '/month/national' "
                         "GROUP BY measure ORDER BY measure")

    def measure_synthetic(self, measure: str) -> bool:
        r = self.one("SELECT bool_or(is_synthetic) AS s FROM tabulations WHERE measure = ?", [measure])
        return bool(r and r["s"])

    def fiscal_years(self, measure: str | None = None) -> list[int]:
        sql = "SELECT DISTINCT fy FROM tabulations" + (" WHERE measure = ?" if measure else "") + " ORDER BY fy"
        return [r["fy"] for r in self.rows(sql, [measure] if measure else [])]

    # --- tabulations ------------------------------------------------------------------------
    def series(self, measure: str, grain: str = "month", level: str = "national", code: str | None = None,
               category: str | None = None, fy: int | None = None) -> list[dict]:
        """Counts by period (and one category), for one place. Rows: period, period_start_date, value, cell."""
        key = f"{measure}/{grain}/{level}" + (f"/{category}" if category else "")
        sql = ("SELECT period, period_start_date, fy, value_1 AS category_value, cell_count, is_withheld, is_synthetic "
               "FROM tabulations WHERE table_key = ?")
        params: list = [key]
        if level != "national":
            sql += " AND place_code = ?"
            params.append(code)
        if fy is not None:
            sql += " AND fy = ?"
            params.append(fy)
        if category:
            sql += " AND value_1 IS NOT NULL"
        else:
            sql += " AND category_1 IS NULL"
        return self.rows(sql + " ORDER BY period_start_date, category_value", params)

    def by_place(self, measure: str, level: str, fy: int, parent: str | None = None) -> list[dict]:
        """One fiscal year's counts for every place of a level (optionally within a parent)."""
        sql = ("SELECT place_code, place_parent_code, cell_count, is_withheld, is_synthetic FROM tabulations "
               "WHERE table_key = ? AND fy = ?")
        params: list = [f"{measure}/fy/{level}", fy]
        if parent:
            sql += " AND place_parent_code = ?"
            params.append(parent)
        return self.rows(sql + " ORDER BY place_code", params)

    def measures_at(self, level: str) -> list[str]:
        return [r["measure"] for r in self.rows("SELECT DISTINCT measure FROM tabulations WHERE place_level = ? ORDER BY 1",
                                                [level])]

    def categories_of(self, measure: str, level: str) -> list[str]:
        return [r["c"] for r in self.rows("SELECT DISTINCT category_1 AS c FROM tabulations WHERE measure = ? AND "
                                          "place_level = ? AND category_1 IS NOT NULL AND category_2 IS NULL ORDER BY 1",
                                          [measure, level])]

    def funnel(self, level: str, code: str | None, fy: int) -> list[dict]:
        """Detainers lodged by what followed (funnel_outcome) for one place and fiscal year."""
        sql = ("SELECT value_1 AS outcome, cell_count, is_withheld, is_synthetic FROM tabulations WHERE table_key = ? "
               "AND fy = ? AND grain = 'fy'")
        params: list = [f"detainers/fy/{level}/funnel_outcome", fy]
        if level != "national":
            sql += " AND place_code = ?"
            params.append(code)
        return self.rows(sql + " ORDER BY outcome", params)

    # --- places -----------------------------------------------------------------------------
    def aors(self) -> list[dict]:
        return self.rows("SELECT * FROM ref_aors ORDER BY aor_name")

    def states(self) -> list[dict]:
        return self.rows("SELECT * FROM ref_states ORDER BY state_name")

    def aor(self, code: str) -> dict | None:
        return self.one("SELECT * FROM ref_aors WHERE aor_code = ?", [code])

    def state(self, code: str) -> dict | None:
        return self.one("SELECT * FROM ref_states WHERE state_code = ?", [code])

    def county(self, fips: str) -> dict | None:
        return self.one("SELECT c.*, s.state_code, s.state_name, ca.aor_code FROM ref_counties c "
                        "JOIN ref_states s USING (state_fips) LEFT JOIN ref_county_aor ca "
                        "ON ca.county_fips = c.county_fips AND ca.is_current WHERE c.county_fips = ?", [fips])

    def counties_of_state(self, state_code: str) -> list[dict]:
        return self.rows("SELECT c.county_fips, c.county_full_name FROM ref_counties c JOIN ref_states s USING (state_fips) "
                         "WHERE s.state_code = ? AND c.valid_to IS NULL ORDER BY c.county_name", [state_code])

    def place_names(self, level: str) -> dict[str, str]:
        sql = {
            "aor": "SELECT aor_code AS k, aor_name AS v FROM ref_aors",
            "state": "SELECT state_code AS k, state_name AS v FROM ref_states",
            "county": "SELECT county_fips AS k, county_full_name || ', ' || s.state_code AS v FROM ref_counties "
                      "JOIN ref_states s USING (state_fips)",
            "facility": "SELECT detention_facility_code AS k, detention_facility AS v FROM ref_facilities",
        }[level]
        return {r["k"]: r["v"] for r in self.rows(sql)}

    def county_aor(self) -> dict[str, str]:
        return {r["county_fips"]: r["aor_code"] for r in
                self.rows("SELECT county_fips, aor_code FROM ref_county_aor WHERE is_current AND aor_code IS NOT NULL")}

    # --- facilities -------------------------------------------------------------------------
    def facilities(self, *, aor: str | None = None, state: str | None = None, county: str | None = None,
                   limit: int | None = None) -> list[dict]:
        sql = "SELECT * FROM ref_facilities WHERE true"
        params: list = []
        for col, v in (("aor_code", aor), ("facility_state_code", state), ("facility_county_fips", county)):
            if v:
                sql += f" AND {col} = ?"
                params.append(v)
        sql += " ORDER BY facility_last_use_date DESC NULLS LAST, detention_facility"
        return self.rows(sql + (f" LIMIT {int(limit)}" if limit else ""), params)

    def facility(self, code: str) -> dict | None:
        return self.one("SELECT f.*, t.facility_type_definition FROM ref_facilities f LEFT JOIN ref_facility_types t "
                        "USING (facility_type, facility_type_detailed) WHERE detention_facility_code = ?", [code])

    def facility_adp(self, code: str) -> list[dict]:
        return self.rows("SELECT * FROM ref_facility_adp WHERE detention_facility_code = ? ORDER BY facility_adp_fy", [code])

    # --- 287(g), policies ---------------------------------------------------------------------
    def agreements(self, *, aor: str | None = None, state: str | None = None, county: str | None = None) -> list[dict]:
        sql = "SELECT * FROM ref_287g_agreements WHERE true"
        params: list = []
        for col, v in (("aor_code", aor), ("agency_state_code", state), ("agency_county_fips", county)):
            if v:
                sql += f" AND {col} = ?"
                params.append(v)
        return self.rows(sql + " ORDER BY g287_signed_date DESC NULLS LAST, agency_name", params)

    def policies(self, *, aor: str | None = None, state: str | None = None) -> list[dict]:
        sql = ("SELECT p.*, j.jurisdiction_name, j.place_level, j.state_code, j.aor_code FROM ref_policies p "
               "JOIN ref_jurisdictions j USING (jurisdiction_id) WHERE true")
        params: list = []
        if aor:
            sql += " AND j.aor_code = ?"
            params.append(aor)
        if state:
            sql += " AND j.state_code = ?"
            params.append(state)
        return self.rows(sql + " ORDER BY p.effective_from_date NULLS LAST, j.jurisdiction_name", params)

    def designations(self, *, state: str | None = None, aor: str | None = None) -> list[dict]:
        sql = ("SELECT d.*, l.designation_list_title, l.designation_date, l.designated_by, l.source_url AS list_url, "
               "j.jurisdiction_name FROM ref_policy_designations d JOIN ref_designation_lists l USING (designation_list_id) "
               "JOIN ref_jurisdictions j USING (jurisdiction_id) WHERE true")
        params: list = []
        if state:
            sql += " AND j.state_code = ?"
            params.append(state)
        if aor:
            sql += " AND j.aor_code = ?"
            params.append(aor)
        return self.rows(sql + " ORDER BY l.designation_date, j.jurisdiction_name", params)

    # --- operations ---------------------------------------------------------------------------
    def operations(self) -> list[dict]:
        return self.rows("SELECT * FROM ref_operations ORDER BY (operation_slug = 'safe-city-2017') DESC, "
                         "coalesce(operation_start_date, announced_date, operation_end_date) DESC")

    def operation(self, slug: str) -> dict | None:
        return self.one("SELECT * FROM ref_operations WHERE operation_slug = ?", [slug])

    def operation_places(self, slug: str) -> list[dict]:
        return self.rows("SELECT * FROM ref_operation_places WHERE operation_slug = ? ORDER BY place_seq", [slug])

    def operation_windows(self, slug: str) -> list[dict]:
        return self.rows("SELECT * FROM operation_windows WHERE operation_slug = ? ORDER BY week_offset NULLS LAST, "
                         "aor_code NULLS FIRST", [slug])

    # --- figures and claims -------------------------------------------------------------------
    def official_figures(self, *, operation: str | None = None, aor: str | None = None,
                         state: str | None = None) -> list[dict]:
        sql = "SELECT * FROM ref_official_figures WHERE true"
        params: list = []
        for col, v in (("operation_slug", operation), ("aor_code", aor), ("state_code", state)):
            if v:
                sql += f" AND {col} = ?"
                params.append(v)
        return self.rows(sql + " ORDER BY period_end_date DESC NULLS LAST, figure_id", params)

    def official_figure(self, figure_id: str) -> dict | None:
        return self.one("SELECT * FROM ref_official_figures WHERE figure_id = ?", [figure_id])

    @property
    def has_claims(self) -> bool:
        return self.has("claim_results")

    def claims(self) -> list[dict]:
        return self.rows("SELECT * FROM claim_results ORDER BY claim_id") if self.has_claims else []

    def claim(self, claim_id: str) -> dict | None:
        return self.one("SELECT * FROM claim_results WHERE claim_id = ?", [claim_id]) if self.has_claims else None

    def published_at(self) -> dt.datetime | None:
        return self.meta.get("published_at")

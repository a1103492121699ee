"""What the dashboard reads, through publish's query layer only (``publish.query.PublicData``, the
object the API app holds in ``app.state.data``): tabulations by ``PublicData.tabulation`` (which
checks every filter against the lattice), and the publication's other tables (``out_*`` and the
``ref_*`` registries) by read-only SELECTs on its connection. Nothing here opens a database.

These are the few shapes the pages need and the query layer does not give directly (a place's
fiscal-year counts for a map, the coverage of each measure, one registry filtered three ways).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from iceledger.errors import IceledgerError
from iceledger.publish.query import MAX_LIMIT, PublicData

MEASURES = ("arrests", "detainers", "book_ins", "removals", "encounters")


class WebData:
    """The dashboard's view of one publication."""

    def __init__(self, public: PublicData):
        self.public = public
        self._memo: dict = {}
        self._status: dict = {}

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        return self.public.fetch(sql, params)

    def one(self, sql: str, params: list | None = None) -> dict | None:
        out = self.rows(sql, params)
        return out[0] if out else None

    def has(self, table: str) -> bool:
        return self.public.has(table)

    # --- the publication --------------------------------------------------------------------
    @property
    def publication(self) -> dict:
        return self.public.publication

    @property
    def threshold(self) -> int:
        return int(self.publication["suppression_threshold"])

    @property
    def is_exact(self) -> bool:
        return bool(self.publication.get("is_exact"))

    @cached_property
    def record_origin(self) -> str:
        """Whether the publication's counts are ICE's records ("real"), all synthetic, or "mixed" (series
        differ; each table says which it is); "" with no counts."""
        flags = {bool(r["s"]) for r in self.rows("SELECT DISTINCT is_synthetic AS s FROM out_lattice")}
        return "" if not flags else "mixed" if len(flags) == 2 else "synthetic" if True in flags else "real"

    def memo(self, key: str, make):
        """A value computed once per publication (the search index)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def published_at(self) -> dt.datetime | None:
        return self.publication.get("published_at")

    def releases(self) -> list[dict]:
        return self.rows("SELECT r.*, (SELECT count(*) FROM out_release_files f WHERE f.release_id = r.release_id) "
                         "AS file_count FROM out_releases r ORDER BY release_id")

    def release_files(self) -> list[dict]:
        return self.rows("SELECT * FROM out_release_files ORDER BY release_id, table_name, file_name")

    def ingest_runs(self) -> list[dict]:
        return self.rows("SELECT * FROM out_ingest_runs ORDER BY started_at DESC")

    def suppression_audit(self) -> list[dict]:
        return self.rows("SELECT measure_name, sum(cells_count) AS cells, "
                         "sum(cells_count) FILTER (WHERE cell_status <> 'published') AS withheld "
                         "FROM out_suppression_audit GROUP BY measure_name ORDER BY measure_name")

    def measure_sources(self) -> list[dict]:
        """How each measure was counted, its real and synthetic series apart."""
        return self.rows("SELECT * FROM out_measure_sources ORDER BY measure_name, is_synthetic")

    def sources(self) -> dict[str, dict]:
        return {r["source_id"]: r for r in self.rows("SELECT * FROM ref_sources")} if self.has("ref_sources") else {}

    def dictionary(self) -> list[dict]:
        return self.public.dictionary()

    def coverage(self) -> list[dict]:
        """The national months each measure's series covers, ICE's records and the synthetic sample apart; and
        the months of the years only one AOR's releases hold (``aor_codes``), which no national count covers."""
        rows = self.rows("SELECT measure_name AS measure, min(period_date) AS first_month, max(period_date) AS last_month, "
                         "is_synthetic, NULL AS aor_codes FROM out_tabulations "
                         "WHERE time_grain = 'month' AND cell_place_level = 'national' AND category_1 IS NULL "
                         "GROUP BY measure_name, is_synthetic")
        if self.has("out_series"):
            rows += self.rows("SELECT s.measure_name AS measure, min(t.period_date) AS first_month, "
                              "max(t.period_date) AS last_month, s.is_synthetic, "
                              "string_agg(DISTINCT t.place_code, ', ' ORDER BY t.place_code) AS aor_codes "
                              "FROM out_series s JOIN out_tabulations t ON t.measure_name = s.measure_name "
                              "AND t.cell_fy = s.cell_fy AND t.is_synthetic = s.is_synthetic "
                              "WHERE len(s.series_aor_codes) > 0 AND t.time_grain = 'month' AND t.cell_place_level = 'aor' "
                              "AND t.category_1 IS NULL AND list_contains(s.series_aor_codes, t.place_code) "
                              "GROUP BY s.measure_name, s.is_synthetic")
        return sorted(rows, key=lambda r: (r["measure"], r["is_synthetic"], r["first_month"]))

    def series_of(self, measure: str, fiscal_years=None) -> list[dict]:
        """Where a measure's counts come from, run of fiscal years by run (publish.query.PublicData.series_of)."""
        return self.public.series_of(measure, fiscal_years)

    def lead_years(self, measures: tuple[str, ...]) -> dict[str, dict[int, dict]]:
        """National fiscal-year counts from ICE's records (never the synthetic sample), per measure."""
        marks = ", ".join("?" for _ in measures)
        out: dict[str, dict[int, dict]] = {m: {} for m in measures}
        for r in self.rows(f"SELECT measure_name, cell_fy, event_count AS cell_count, is_suppressed AS is_withheld, is_synthetic "
                           f"FROM out_tabulations WHERE measure_name IN ({marks}) AND time_grain = 'fy' AND "
                           "cell_place_level = 'national' AND category_1 IS NULL AND NOT is_synthetic ORDER BY cell_fy",
                           list(measures)):
            out[r["measure_name"]][r["cell_fy"]] = r
        return out

    def fiscal_years(self, measure: str) -> list[int]:
        return [r["fy"] for r in self.rows("SELECT DISTINCT cell_fy AS fy FROM out_tabulations WHERE measure_name = ? "
                                           "ORDER BY 1", [measure])]

    def published_years(self, measure: str, level: str) -> list[int]:
        """Fiscal years with at least one published (not withheld) cell for the places of a level."""
        return [r["fy"] for r in self.rows("SELECT DISTINCT cell_fy AS fy FROM out_tabulations WHERE tabulation_key = ? "
                                           "AND NOT is_suppressed AND event_count > 0 ORDER BY 1",
                                           [f"{measure}/fy/{level}"])]

    def measures_at(self, level: str) -> list[str]:
        return [r["m"] for r in self.rows("SELECT DISTINCT measure_name AS m FROM out_lattice WHERE cell_place_level = ? "
                                          "ORDER BY 1", [level])]

    def categories_of(self, measure: str, level: str) -> list[str]:
        return [r["c"] for r in self.rows("SELECT category_1 AS c FROM out_lattice WHERE measure_name = ? AND cell_place_level = ? "
                                          "AND time_grain = 'fy' AND category_1 IS NOT NULL AND category_2 IS NULL "
                                          "ORDER BY 1", [measure, level])]

    # --- tabulations, through the query layer -------------------------------------------------
    def series(self, measure: str, grain: str = "month", level: str = "national", code: str | None = None,
               category: str | None = None, fy: int | None = None) -> list[dict]:
        """Rows: period_date, period_fy, category_value, cell_count, is_withheld, is_synthetic. Empty when the
        publication has no such table or place (a place with no records has no cells)."""
        by = [category] if category else []
        try:
            _, page = self.public.tabulation(measure=measure, grain=grain, place_level=level, by=by,
                                             places=[code] if level != "national" else None, limit=MAX_LIMIT)
        except IceledgerError:
            return []
        out = []
        for r in page.rows:
            if fy is not None and r["cell_fy"] != fy:
                continue
            if level != "national" and r["place_code"] != code:
                continue
            out.append({"period_date": r["period_date"], "period_fy": r["cell_fy"],
                        "category_value": r["category_1_value"], "cell_count": r["event_count"],
                        "is_withheld": r["is_suppressed"], "is_synthetic": r["is_synthetic"]})
        return out

    def by_place(self, measure: str, level: str, fy: int, parent: str | None = None) -> list[dict]:
        sql = ("SELECT place_code, place_parent_code, event_count AS cell_count, is_suppressed AS is_withheld, is_synthetic "
               "FROM out_tabulations WHERE tabulation_key = ? AND cell_fy = ?")
        params: list = [f"{measure}/fy/{level}", fy]
        if parent:
            sql += " AND place_parent_code = ?"
            params.append(parent)
        return self.rows(sql + " ORDER BY place_code", params)

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

    @cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        sql = {
            "aor": "SELECT aor_code AS k, aor_name AS v FROM ref_aors",
            "state": "SELECT state_code AS k, state_name AS v FROM ref_states",
            "county": "SELECT county_fips AS k, county_full_name || ', ' || s.state_code AS v FROM ref_counties "
                      "JOIN ref_states s USING (state_fips)",
            "facility": "SELECT detention_facility_code AS k, detention_facility AS v FROM ref_facilities",
        }
        return {lv: {r["k"]: r["v"] for r in self.rows(q)} for lv, q in sql.items()}

    def place_names(self, level: str) -> dict[str, str]:
        return self._names.get(level, {})

    @cached_property
    def _county_aor(self) -> dict[str, str]:
        return {r["county_fips"]: r["aor_code"] for r in
                self.rows("SELECT county_fips, aor_code FROM ref_county_aor WHERE is_current AND aor_code IS NOT NULL")}

    def county_aor(self) -> dict[str, str]:
        return self._county_aor

    def aor_evidence(self) -> list[dict]:
        """Counties where an AOR outside today's list holds most of a table's records in a real release (counts
        the gate shows), from out_aor_evidence (publish/aor_evidence.py)."""
        if not self.has("out_aor_evidence"):
            return []
        return self.rows("""
            SELECT e.release_id, e.table_name, e.county_fips, c.county_full_name || ', ' || e.state_code AS county_name,
                   e.aor_code, e.records_count, t.records_count AS county_records_count, e.registry_aor_codes,
                   e.listed_aor_codes, e.aor_check_status
            FROM out_aor_evidence e
            JOIN out_aor_evidence t ON t.release_id = e.release_id AND t.table_name = e.table_name
                 AND t.county_fips = e.county_fips AND t.aor_code IS NULL
            JOIN ref_counties c ON c.county_fips = e.county_fips
            WHERE e.aor_code IS NOT NULL AND NOT e.is_synthetic AND NOT list_contains(e.listed_aor_codes, e.aor_code)
              AND e.records_count * 2 > t.records_count
            ORDER BY e.table_name, e.records_count DESC, e.county_fips""")

    # --- facilities, 287(g), policies ---------------------------------------------------------
    def _filtered(self, sql: str, filters: tuple, order: str) -> list[dict]:
        params: list = []
        for col, v in filters:
            if v:
                sql += f" AND {col} = ?"
                params.append(v)
        return self.rows(sql + " ORDER BY " + order, params)

    def facilities(self, *, aor: str | None = None, state: str | None = None, county: str | None = None) -> list[dict]:
        return self._filtered("SELECT * FROM ref_facilities WHERE true",
                              (("aor_code", aor), ("facility_state_code", state), ("facility_county_fips", county)),
                              "facility_last_use_date DESC NULLS LAST, detention_facility")

    def facility(self, code: str) -> dict | None:
        return self.one("SELECT f.*, t.facility_type_definition FROM ref_facilities f LEFT JOIN ref_facility_types t "
                        "USING (facility_type, facility_type_detailed) WHERE detention_facility_code = ?", [code])

    def facility_adp(self, code: str) -> list[dict]:
        if not self.has("ref_facility_adp"):
            return []
        # one row a year: several of ICE's files give a year's average, the latest data first
        return self.rows("SELECT a.*, s.source_title FROM ref_facility_adp a LEFT JOIN ref_sources s USING (source_id) "
                         "WHERE detention_facility_code = ? QUALIFY row_number() OVER (PARTITION BY facility_adp_fy "
                         "ORDER BY facility_adp_through_date DESC, source_id) = 1 ORDER BY facility_adp_fy", [code])

    def agreements(self, *, aor: str | None = None, state: str | None = None, county: str | None = None) -> list[dict]:
        return self._filtered("SELECT * FROM ref_287g_agreements WHERE true",
                              (("aor_code", aor), ("agency_state_code", state), ("agency_county_fips", county)),
                              "g287_signed_date DESC NULLS LAST, agency_name")

    # --- what a place does and what others say of it -------------------------------------------
    def place_cooperation(self, level: str, code: str, on: dt.date | None = None) -> dict:
        """The cooperation status of a county, state or AOR on a day (the latest day the registries cover when
        None): the same answer the API and `iceledger places status` give (``PublicData.place_status``)."""
        key = (level, code, on or self.cooperation_through)
        status = self._status.get(key)
        if status is None:
            status = self.public.place_status(*key)
            self._status = {key: status}  # a page asks twice (the panel, the policies table): keep the last
        return status

    @cached_property
    def cooperation_through(self) -> dt.date | None:
        """The latest day the cooperation registries speak of: the as-of day a place page shows by default."""
        return self.public.cooperation_through()

    def code_label(self, name: str, code: str | None) -> str | None:
        """The English words for a code of a metadata code list (translated where shown)."""
        return self.public.code_labels(name).get(code) if code else None

    @cached_property
    def jurisdictions_registered(self) -> int:
        return self.one("SELECT count(*) AS n FROM ref_jurisdictions")["n"]

    @cached_property
    def g287_lists(self) -> dict:
        """How many of ICE's 287(g) lists the registry holds, the first and last dates."""
        return self.one("SELECT count(DISTINCT g287_snapshot_id) AS n, min(g287_snapshot_date) AS first_date, "
                        "max(g287_snapshot_date) AS last_date FROM ref_287g_snapshots")

    def counties_in(self, *, state: str | None = None, aor: str | None = None) -> list[str]:
        """The FIPS codes of a state's counties, or of the counties an AOR covers today."""
        if aor:
            return [c for c, a in self.county_aor().items() if a == aor]
        return [r["county_fips"] for r in self.rows("SELECT county_fips FROM ref_counties JOIN ref_states USING "
                                                     "(state_fips) WHERE state_code = ? AND valid_to IS NULL", [state])]

    # --- operations, figures, claims ------------------------------------------------------------
    def operations(self) -> list[dict]:
        return self.rows("SELECT * FROM ref_operations ORDER BY (operation_slug = 'safe-city-2017') DESC, "
                         "coalesce(operation_start_date, announced_date, operation_end_date) DESC")

    def operation(self, slug: str) -> dict | None:
        return self.one("SELECT * FROM ref_operations WHERE operation_slug = ?", [slug])

    def operation_places(self, slug: str) -> list[dict]:
        return self.rows("SELECT * FROM ref_operation_places WHERE operation_slug = ? ORDER BY place_seq", [slug])

    def operation_windows(self, slug: str) -> list[dict]:
        if not self.has("out_operation_windows"):
            return []
        return self.rows("SELECT operation_slug, week_offset, window_start_date, window_end_date, aor_code, "
                         "event_count AS cell_count, is_suppressed AS is_withheld, is_synthetic FROM out_operation_windows "
                         "WHERE operation_slug = ? ORDER BY week_offset NULLS LAST, aor_code NULLS FIRST", [slug])

    def operation_window(self, slug: str) -> dict:
        """An operation's days against the weeks before, by AOR and overall, with its query and releases
        (publish.query.PublicData.operation_window); {} when the publication has none for it."""
        try:
            return self.public.operation_window(slug)
        except IceledgerError:
            return {}

    def window_releases(self, slug: str) -> list[str] | None:
        """The releases an operation's published window was counted from (None before out_window_sources)."""
        if not self.has("out_window_sources"):
            return None
        row = self.one("SELECT release_ids FROM out_window_sources WHERE operation_slug = ?", [slug])
        return list(row["release_ids"]) if row else []

    def official_figures(self, *, operation: str | None = None, aor: str | None = None,
                         state: str | None = None) -> list[dict]:
        return self._filtered("SELECT * FROM ref_official_figures WHERE true",
                              (("operation_slug", operation), ("aor_code", aor), ("state_code", state)),
                              "period_end_date DESC NULLS LAST, figure_id")

    def official_figure(self, figure_id: str) -> dict | None:
        return self.one("SELECT * FROM ref_official_figures WHERE figure_id = ?", [figure_id])

    @property
    def has_claims(self) -> bool:
        return self.has("out_claim_results") and bool(self.one("SELECT count(*) AS n FROM out_claim_results")["n"])

    def claims(self) -> list[dict]:
        return self.rows("SELECT * FROM out_claim_results ORDER BY claim_id") if self.has_claims else []

    def claim(self, claim_id: str) -> dict | None:
        return self.one("SELECT * FROM out_claim_results WHERE claim_id = ?", [claim_id]) if self.has_claims else None

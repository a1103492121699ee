"""A DDP-scale SYNTHETIC ledger with real-world variety, for bench/scale.py. None of it is ICE data.

The registries come from the real build (`iceledger build` on an empty home: every county, state,
AOR and the 1,517 facilities of the bundled lists). The records are canonical rows generated in
DuckDB straight into the ledger's tables as the metadata declares them (not through the ingest
readers): arrests, encounters, detainers, detention stints and removals, 22 million rows by default,
over fiscal years 2012 to 2025 with volume changing by year, every county (weighted by a heavy
tail, a few taking most arrests, about one arrest in six without a county), 190 countries of
citizenship on a heavy tail, the facilities on a heavy tail, people seen in several tables (so
the detainer funnel finds custody and removals), and duplicate and episode flags. The values are
pseudo-random from a hash of the row number, so the same size gives the same ledger.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

RELEASE = "synth-scale"
SHARES = {"arrests": 0.16, "encounters": 0.2, "detainers": 0.13, "stints": 0.4, "removals": 0.11}
COUNTRIES = ["MEXICO", "GUATEMALA", "HONDURAS", "EL SALVADOR", "VENEZUELA", "COLOMBIA", "ECUADOR", "NICARAGUA",
             "CUBA", "HAITI", "DOMINICAN REPUBLIC", "BRAZIL", "INDIA", "CHINA, PEOPLES REPUBLIC", "PERU",
             "JAMAICA", "ROMANIA", "VIETNAM"]
N_COUNTRIES = 190
METHODS = [("CAP Local Incarceration", 28), ("Custodial Arrest", 12), ("Located", 18), ("Non-Custodial Arrest", 14),
           ("287(g) Program", 9), ("CAP State Incarceration", 5), ("CAP Federal Incarceration", 3),
           ("ERO Reprocessed Arrest", 4), ("Probation and Parole", 3), ("Worksite Enforcement", 1),
           ("Law Enforcement Agency Response Unit", 2), ("Other Task Force", 1)]
CRIMINALITY = [("1 Convicted Criminal", 42), ("2 Pending Criminal Charges", 22), ("3 Other Immigration Violator", 36)]
LIFTS = [("Booked into Detention", 45), ("Detainer Declined by LEA", 8), ("Subject Released", 7), ("Other", 5), (None, 35)]
# Relative volume of each fiscal year, 2012..2025.
YEARS = [14, 13, 11, 9, 9, 10, 11, 11, 8, 6, 7, 9, 10, 14]


def _u(k: int) -> str:
    """A uniform number in [0, 1) from the row number ``i`` and the salt ``k`` (deterministic)."""
    return f"(hash(i * 7919 + {k}) % 1000000007) / 1000000007.0"


def _weights_table(con, name: str, values: list[tuple]) -> None:
    """A table (lo, value) of cumulative weights, to pick values with an ASOF join on a uniform number."""
    total = sum(w for _, w in values)
    acc, rows = 0.0, []
    for v, w in values:
        rows.append((acc / total, v))
        acc += w
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (lo DOUBLE, v VARCHAR)")
    con.executemany(f"INSERT INTO {name} VALUES (?, ?)", rows)


def _heavy_tail(con, name: str, query: str) -> None:
    """Weights 1/(rank+5)^0.9 over the rows of ``query`` (one column ``v``), in their order."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {name} AS
        WITH r AS (SELECT v, row_number() OVER () AS k FROM ({query})),
             w AS (SELECT v, k, pow(k + 5, -0.9) AS wt FROM r)
        SELECT v, (sum(wt) OVER (ORDER BY k) - wt) / sum(wt) OVER () AS lo FROM w""")


def _pick(table: str, u: str, alias: str) -> str:
    return f"ASOF JOIN {table} {alias} ON {u} >= {alias}.lo"


def build_scale_ledger(home: Path, rows: int, progress=print) -> dict:
    """Build the registries with the real build, then generate ``rows`` record rows. Returns timings."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from iceledger.pipeline.build import build
    from iceledger.settings import load_settings

    settings = load_settings(home).ensure()
    t0 = time.perf_counter()
    build(settings)
    out = {"registries_s": time.perf_counter() - t0}
    con = duckdb.connect(str(settings.ledger_path))
    con.execute("SET enable_progress_bar = false")
    con.execute("SET memory_limit = '3GB'")
    con.execute("SET preserve_insertion_order = false")
    t0 = time.perf_counter()
    _tables(con)
    n = {k: int(rows * s) for k, s in SHARES.items()}
    people = max(rows // 6, 100)
    gen = _Generator(con, people)
    for name, count in n.items():
        progress(f"  generating {count:,} {name}…")
        getattr(gen, name)(count)
    _bookkeeping(con)
    con.execute("CHECKPOINT")
    con.close()
    out["records_s"] = time.perf_counter() - t0
    out["rows"] = n
    return out


def _tables(con) -> None:
    _weights_table(con, "w_year", [(str(2012 + k), w) for k, w in enumerate(YEARS)])
    _weights_table(con, "w_method", METHODS)
    _weights_table(con, "w_crim", CRIMINALITY)
    _weights_table(con, "w_lift", [("" if v is None else v, w) for v, w in LIFTS])
    countries = COUNTRIES + [f"SYNTHETIC COUNTRY {k:03d}" for k in range(N_COUNTRIES - len(COUNTRIES))]
    con.execute("CREATE OR REPLACE TEMP TABLE country_list AS SELECT unnest(?) AS v", [countries])
    _heavy_tail(con, "w_country", "SELECT v FROM country_list")
    # every county, its state and AOR; the order (by FIPS hash) decides which counties take the most
    _heavy_tail(con, "w_county", "SELECT c.county_fips AS v FROM ref_counties c ORDER BY hash(c.county_fips)")
    con.execute("""CREATE OR REPLACE TEMP TABLE county_place AS
        SELECT c.county_fips, s.state_code, a.aor_code FROM ref_counties c
        JOIN ref_states s ON s.state_fips = c.state_fips
        LEFT JOIN (SELECT county_fips, any_value(aor_code) AS aor_code FROM ref_county_aor GROUP BY 1) a USING (county_fips)""")
    _heavy_tail(con, "w_facility", "SELECT detention_facility_code AS v FROM ref_facilities ORDER BY hash(detention_facility_code)")
    con.execute("""CREATE OR REPLACE TEMP TABLE facility_place AS
        SELECT detention_facility_code, aor_code, facility_state_code AS state_code FROM ref_facilities""")
    _heavy_tail(con, "w_aor", "SELECT aor_code AS v FROM ref_aors WHERE aor_code IS NOT NULL ORDER BY hash(aor_code)")


class _Generator:
    """One INSERT per table; every column is a function of the row number ``i``."""

    def __init__(self, con, people: int):
        self.con = con
        self.people = people

    def _base(self, count: int, salt: int) -> str:
        """Row number, a timestamp in a weighted fiscal year, and a person (a few people recur)."""
        return f"""SELECT i, y.v::INT AS fy,
              TIMESTAMP '2011-10-01' + to_years(y.v::INT - 2012) + to_seconds(CAST({_u(salt + 1)} * 365 * 86400 AS BIGINT)) AS ts,
              'P' || CAST(floor(pow({_u(salt + 2)}, 1.3) * {self.people}) AS BIGINT) AS pid,
              {_u(salt + 3)} AS r_dup, {_u(salt + 4)} AS r_a, {_u(salt + 5)} AS r_b, {_u(salt + 6)} AS r_c,
              {_u(salt + 7)} AS r_d, {_u(salt + 8)} AS r_e
            FROM range({count}) t(i) {_pick('w_year', _u(salt), 'y')}"""

    def _common(self, table: str) -> str:
        return (f"'{RELEASE}', 'scale-{table}.parquet', NULL, i + 2, 'run-{RELEASE}', TRUE, 'DDP'")

    def arrests(self, count: int) -> None:
        self.con.execute(f"""
            INSERT INTO core_arrests (apprehension_datetime, apprehension_date, state_code, county_fips, aor_code,
                apprehension_method, apprehension_criminality, citizenship_country, gender, person_id, episode_id,
                is_duplicate_likely, is_episode_first, duplicate_rule, release_id, source_file, source_sheet, source_row,
                run_id, is_synthetic, id_namespace)
            SELECT ts, CAST(ts AS DATE), CASE WHEN no_county THEN NULL ELSE cp.state_code END,
                   CASE WHEN no_county THEN NULL ELSE cp.county_fips END, coalesce(cp.aor_code, 'HQ'),
                   CASE WHEN CAST(ts AS DATE) >= DATE '2025-07-25' AND m.v LIKE 'CAP %' THEN 'Custodial Arrest' ELSE m.v END,
                   cr.v, co.v, CASE WHEN r_e < 0.88 THEN 'Male' ELSE 'Female' END, pid, i,
                   r_dup < 0.05, NOT (r_dup < 0.03), 'ddp_episode', {self._common('arrests')}
            FROM (SELECT *, r_d < 0.16 AS no_county FROM ({self._base(count, 100)})) b
            {_pick('w_county', 'r_a', 'c')} {_pick('w_method', 'r_b', 'm')} {_pick('w_crim', 'r_c', 'cr')}
            {_pick('w_country', 'r_e * 7 % 1', 'co')}
            JOIN county_place cp ON cp.county_fips = c.v""")

    def encounters(self, count: int) -> None:
        self.con.execute(f"""
            INSERT INTO core_encounters (event_datetime, event_date, aor_code, encounter_criminality, citizenship_country,
                gender, person_id, is_duplicate_likely, duplicate_rule, release_id, source_file, source_sheet, source_row,
                run_id, is_synthetic, id_namespace)
            SELECT ts, CAST(ts AS DATE), a.v, cr.v, co.v, CASE WHEN r_e < 0.85 THEN 'Male' ELSE 'Female' END, pid,
                   r_dup < 0.04, 'ddp_same_person_day', {self._common('encounters')}
            FROM ({self._base(count, 200)}) b {_pick('w_aor', 'r_a', 'a')} {_pick('w_crim', 'r_c', 'cr')}
            {_pick('w_country', 'r_b', 'co')}""")

    def detainers(self, count: int) -> None:
        self.con.execute(f"""
            INSERT INTO core_detainers (detainer_prepare_datetime, detainer_prepare_date, facility_state, aor_code,
                detention_facility_code, detainer_lift_reason, detainer_criminality, apprehension_method,
                citizenship_country, gender, person_id, is_duplicate_likely, duplicate_rule, release_id, source_file,
                source_sheet, source_row, run_id, is_synthetic, id_namespace)
            SELECT ts, CAST(ts AS DATE), fp.state_code, coalesce(fp.aor_code, 'HQ'), f.v, nullif(l.v, ''), cr.v, m.v, co.v,
                   CASE WHEN r_e < 0.88 THEN 'Male' ELSE 'Female' END,
                   CASE WHEN r_d < 0.1 THEN NULL ELSE pid END, r_dup < 0.05, 'ddp_same_person_day', {self._common('detainers')}
            FROM ({self._base(count, 300)}) b {_pick('w_facility', 'r_a', 'f')} {_pick('w_lift', 'r_b', 'l')}
            {_pick('w_crim', 'r_c', 'cr')} {_pick('w_method', 'r_e * 11 % 1', 'm')} {_pick('w_country', 'r_e * 7 % 1', 'co')}
            JOIN facility_place fp ON fp.detention_facility_code = f.v""")

    def stints(self, count: int) -> None:
        self.con.execute(f"""
            INSERT INTO core_detention_stints (stay_book_in_datetime, stay_book_in_date, book_in_datetime, book_in_date,
                book_out_datetime, book_out_date, detention_facility_code, aor_code, book_in_criminality,
                citizenship_country, gender, person_id, is_duplicate_likely, duplicate_rule, release_id, source_file,
                source_sheet, source_row, run_id, is_synthetic, id_namespace)
            SELECT ts, CAST(ts AS DATE), ts, CAST(ts AS DATE), ts + to_days(CAST(1 + r_d * 60 AS INT)),
                   CAST(ts + to_days(CAST(1 + r_d * 60 AS INT)) AS DATE), f.v, coalesce(fp.aor_code, 'HQ'), cr.v, co.v,
                   CASE WHEN r_e < 0.87 THEN 'Male' ELSE 'Female' END, pid, r_dup < 0.02, 'ddp_same_person_day',
                   {self._common('stints')}
            FROM ({self._base(count, 400)}) b {_pick('w_facility', 'r_a', 'f')} {_pick('w_crim', 'r_c', 'cr')}
            {_pick('w_country', 'r_b', 'co')}
            JOIN facility_place fp ON fp.detention_facility_code = f.v""")

    def removals(self, count: int) -> None:
        self.con.execute(f"""
            INSERT INTO core_removals (departed_datetime, departed_date, removal_count_date, removal_date_basis, state_code,
                county_fips, aor_code, case_criminality,
                citizenship_country, gender, person_id, is_duplicate_likely, duplicate_rule, release_id, source_file,
                source_sheet, source_row, run_id, is_synthetic, id_namespace)
            SELECT ts, CAST(ts AS DATE), CAST(ts AS DATE), 'departed_date', CASE WHEN no_county THEN NULL ELSE cp.state_code END,
                   CASE WHEN no_county THEN NULL ELSE cp.county_fips END, coalesce(cp.aor_code, 'HQ'), cr.v, co.v,
                   CASE WHEN r_e < 0.9 THEN 'Male' ELSE 'Female' END, pid, r_dup < 0.03, 'ddp_same_person_day',
                   {self._common('removals')}
            FROM (SELECT *, r_d < 0.3 AS no_county FROM ({self._base(count, 500)})) b
            {_pick('w_county', 'r_a', 'c')} {_pick('w_crim', 'r_c', 'cr')} {_pick('w_country', 'r_b', 'co')}
            JOIN county_place cp ON cp.county_fips = c.v""")


def _bookkeeping(con) -> None:
    """The release, its run and files, as an ingest would have recorded them."""
    con.execute(f"INSERT INTO releases (release_id, agency, era, id_namespace, release_description, is_synthetic, "
                f"registered_at) VALUES ('{RELEASE}', 'ICE', 'DDP', 'DDP', 'SYNTHETIC DDP-scale benchmark data generated "
                "by bench/scale_ledger.py', TRUE, now())")
    con.execute(f"INSERT INTO ingest_runs VALUES ('run-{RELEASE}', '{RELEASE}', now(), now(), 'bench', 'succeeded', [], "
                "0, 0, 0, 0, TRUE)")
    for table in ("core_arrests", "core_encounters", "core_detainers", "core_detention_stints", "core_removals"):
        n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        file = f"scale-{table.removeprefix('core_')}.parquet"
        con.execute(f"INSERT INTO release_files VALUES ('{RELEASE}', '{file}', '{table}', 'parquet', sha256('{file}'), 0, NULL)")
        con.execute(f"INSERT INTO ingest_run_tables VALUES ('run-{RELEASE}', '{RELEASE}', '{table}', {n}, {n}, 0, 0, TRUE)")
        con.execute(f"UPDATE ingest_runs SET rows_read = rows_read + {n}, rows_loaded = rows_loaded + {n}")

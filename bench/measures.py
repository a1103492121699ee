"""Benchmark: measures through iceledger against hand-written DuckDB SQL and hand-written pandas.

Builds (once, then reuses) a SYNTHETIC ledger: 10M arrests, 2M detainers, 2M detention stints and
1M removals generated directly in DuckDB with plausible shapes (volume rising over time, a skewed
AOR mix, ICE's apprehension methods with the mid-2025 CAP recoding, repeat arrests of the same
people, duplicate flags). None of it is ICE data.

Three measures, each three ways in the same run, medians of --repeat runs:
  1. arrests by month × AOR × method group (one row per arrest episode);
  2. the detainer funnel by AOR: lodged, lift reasons, ICE custody within 30 days, median days to
     custody, removal;
  3. book-ins by month × facility over the detention stints (the same-person-same-day duplicate rule:
     unflagged stints, and the first of each flagged person's day).

    python bench/measures.py [--rows 10000000] [--repeat 5] [--dir bench/out] [--record]

Targets: iceledger within 1.5x of raw DuckDB SQL, and at least 3x faster than pandas.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402

from iceledger.measures import FunnelSpec, MeasureSpec, funnel, measure  # noqa: E402
from iceledger.measures.engine import duckdb_engine  # noqa: E402
from iceledger.metadata import create_all_sql  # noqa: E402

RELEASE = "synth-bench"
AORS = ["HOU", "DAL", "SNA", "ATL", "MIA", "NOL", "CHI", "LOS", "PHO", "NYC", "SFR", "DEN", "SEA", "ELP", "SND",
        "NEW", "WAS", "PHI", "BOS", "DET", "SLC", "SPM", "BAL", "BUF", "HAR"]
METHODS = [("CAP Local Incarceration", 30), ("Custodial Arrest", 10), ("Located", 18), ("Non-Custodial Arrest", 14),
           ("287(g) Program", 9), ("CAP State Incarceration", 5), ("CAP Federal Incarceration", 3),
           ("ERO Reprocessed Arrest", 4), ("Probation and Parole", 3), ("Worksite Enforcement", 1),
           ("Law Enforcement Agency Response Unit", 2), ("Other Task Force", 1)]
LIFTS = [("Detainer Declined by LEA", 6), ("Booked into Detention", 40), ("Released", 14), (None, 40)]


def _weighted(values: list[tuple], expr: str) -> str:
    """A CASE picking values by weight from the uniform number ``expr`` in [0, 1)."""
    total = sum(w for _, w in values)
    acc, parts = 0.0, []
    for v, w in values:
        acc += w / total
        lit = "NULL" if v is None else "'" + v.replace("'", "''") + "'"
        parts.append(f"WHEN {expr} < {acc:.6f} THEN {lit}")
    return "CASE " + " ".join(parts) + " ELSE " + parts[-1].split(" THEN ")[1] + " END"


def build(path: Path, rows: int) -> None:
    """Generate the synthetic ledger with SQL (setseed makes it repeatable)."""
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    for sql in create_all_sql():
        con.execute(sql)
    con.execute("SELECT setseed(0.42)")
    aor_weights = [(a, 1.0 / (i + 3)) for i, a in enumerate(AORS)]
    people = max(rows * 2 // 5, 10)
    methods = _weighted(METHODS, "r_method")
    con.execute(f"""
        CREATE TEMP TABLE a AS
        SELECT i, random() AS r_day, random() AS r_aor, random() AS r_method, random() AS r_crim, random() AS r_dup,
               CAST(floor(random() * {people}) AS BIGINT) AS pid
        FROM range({rows}) t(i)""")
    con.execute(f"""
        INSERT INTO core_arrests (apprehension_datetime, apprehension_date, apprehension_aor, aor_code, apprehension_method,
            apprehension_criminality, gender, citizenship_country, person_id, episode_id, is_duplicate_likely,
            is_episode_first, duplicate_rule, release_id, source_file, source_sheet, source_row, run_id, is_synthetic, id_namespace)
        SELECT ts, CAST(ts AS DATE), aor || ' (synthetic)', aor,
               CASE WHEN CAST(ts AS DATE) >= DATE '2025-07-25' AND m LIKE 'CAP %' THEN 'Custodial Arrest' ELSE m END,
               CASE WHEN r_crim < 0.42 THEN '1 Convicted Criminal' WHEN r_crim < 0.66 THEN '2 Pending Criminal Charges'
                    ELSE '3 Other Immigration Violator' END,
               CASE WHEN r_crim * 7 % 1 < 0.9 THEN 'Male' ELSE 'Female' END,
               CASE WHEN r_dup * 13 % 1 < 0.45 THEN 'MEXICO' WHEN r_dup * 13 % 1 < 0.6 THEN 'GUATEMALA'
                    WHEN r_dup * 13 % 1 < 0.72 THEN 'HONDURAS' ELSE 'OTHER' END,
               'P' || pid, i, r_dup < 0.08, NOT (r_dup < 0.04), 'bench_synthetic',
               '{RELEASE}', 'bench-arrests.xlsx', 'Sheet' || CAST(i // 1000000 + 1 AS VARCHAR), i % 1000000 + 8,
               'run-{RELEASE}', TRUE, 'L2'
        FROM (SELECT *, TIMESTAMP '2022-10-01' + to_seconds(CAST(sqrt(r_day) * 1256 * 86400 AS BIGINT)) AS ts,
                     {_weighted(aor_weights, 'r_aor')} AS aor, {methods} AS m FROM a)""")
    n_det = rows // 5
    con.execute(f"""
        INSERT INTO core_detainers (detainer_prepare_datetime, detainer_prepare_date, facility_aor, aor_code,
            detention_facility_code, detainer_lift_reason, person_id, is_duplicate_likely, duplicate_rule,
            release_id, source_file, source_sheet, source_row, run_id, is_synthetic, id_namespace)
        SELECT ts, CAST(ts AS DATE), aor, aor, 'FAC' || CAST(floor(r2 * 900) AS INT), {_weighted(LIFTS, 'r3')},
               CASE WHEN r3 * 11 % 1 < 0.13 THEN NULL ELSE 'P' || CAST(floor(r4 * {people}) AS BIGINT) END,
               r7 < 0.06, 'ddp_same_person_day', '{RELEASE}', 'bench-detainers.xlsx', 'Sheet1', i + 8, 'run-{RELEASE}', TRUE, 'L2'
        FROM (SELECT i, random() AS r2, random() AS r3, random() AS r4, random() AS r7,
                     TIMESTAMP '2022-10-01' + to_seconds(CAST(sqrt(random()) * 1256 * 86400 AS BIGINT)) AS ts,
                     {_weighted(aor_weights, 'random()')} AS aor FROM range({n_det}) t(i))""")
    con.execute(f"""
        INSERT INTO core_detention_stints (stay_book_in_datetime, stay_book_in_date, book_in_datetime, book_in_date,
            book_out_datetime, book_out_date, detention_facility_code, book_in_aor, aor_code, person_id,
            is_duplicate_likely, duplicate_rule, release_id, source_file, source_sheet, source_row, run_id, is_synthetic, id_namespace)
        SELECT ts, CAST(ts AS DATE), ts, CAST(ts AS DATE), ts + to_days(CAST(1 + r5 * 60 AS INT)),
               CAST(ts + to_days(CAST(1 + r5 * 60 AS INT)) AS DATE), 'FAC' || CAST(floor(r5 * 900) AS INT), aor, aor,
               'P' || CAST(floor(r6 * {people}) AS BIGINT), FALSE, 'ddp_same_person_day',
               '{RELEASE}', 'bench-stints.xlsx', 'Sheet1', i + 8, 'run-{RELEASE}', TRUE, 'L2'
        FROM (SELECT i, random() AS r5, random() AS r6,
                     TIMESTAMP '2022-10-01' + to_seconds(CAST(sqrt(random()) * 1256 * 86400 AS BIGINT)) AS ts,
                     {_weighted(aor_weights, 'random()')} AS aor FROM range({n_det}) t(i))""")
    con.execute(f"""
        INSERT INTO core_removals (departed_datetime, departed_date, removal_count_date, removal_date_basis, docket_aor,
            aor_code, person_id, is_duplicate_likely,
            duplicate_rule, release_id, source_file, source_sheet, source_row, run_id, is_synthetic, id_namespace)
        SELECT ts, CAST(ts AS DATE), CAST(ts AS DATE), 'departed_date', aor, aor, 'P' || CAST(floor(random() * {people}) AS BIGINT), FALSE,
               'ddp_same_person_day', '{RELEASE}', 'bench-removals.xlsx', 'Sheet1', i + 8, 'run-{RELEASE}', TRUE, 'L2'
        FROM (SELECT i, TIMESTAMP '2022-10-01' + to_seconds(CAST(sqrt(random()) * 1256 * 86400 AS BIGINT)) AS ts,
                     {_weighted(aor_weights, 'random()')} AS aor FROM range({rows // 10}) t(i))""")
    con.execute(f"INSERT INTO releases (release_id, agency, foia_request, received_date, era, id_namespace, licence, "
                f"release_description, is_synthetic, manifest_sha256, registered_at) VALUES ('{RELEASE}', 'ICE', NULL, NULL, "
                "'L2', 'L2', NULL, 'SYNTHETIC benchmark data generated by bench/measures.py', TRUE, NULL, now())")
    con.execute(f"INSERT INTO ingest_runs VALUES ('run-{RELEASE}', '{RELEASE}', now(), now(), 'bench', 'succeeded', [], 0, 0, 0, 0, TRUE)")
    for table, file in [("core_arrests", "bench-arrests.xlsx"), ("core_detainers", "bench-detainers.xlsx"),
                        ("core_detention_stints", "bench-stints.xlsx"), ("core_removals", "bench-removals.xlsx")]:
        n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        con.execute(f"INSERT INTO release_files VALUES ('{RELEASE}', '{file}', '{table}', 'xlsx', sha256('{file}'), 0, NULL)")
        con.execute(f"INSERT INTO ingest_run_tables VALUES ('run-{RELEASE}', '{RELEASE}', '{table}', {n}, {n}, 0, 0, TRUE)")
        con.execute(f"UPDATE ingest_runs SET rows_loaded = rows_loaded + {n}")
    con.execute("CHECKPOINT")
    con.close()


# --- the same two measures, by hand --------------------------------------------------------------

GROUP_SQL = """CASE WHEN apprehension_method IN ('Located', 'Non-Custodial Arrest', 'Probation and Parole', 'Worksite Enforcement')
  THEN 'at_large' WHEN apprehension_method IN ('Custodial Arrest', 'Criminal Alien Program', 'CAP Local Incarceration',
  'CAP State Incarceration', 'CAP Federal Incarceration') THEN 'custodial' WHEN apprehension_method = '287(g) Program'
  THEN '287g' WHEN apprehension_method IS NULL THEN NULL ELSE 'other' END"""
RAW_COUNT = f"""SELECT date_trunc('month', apprehension_date) AS month, aor_code, {GROUP_SQL} AS method_group, count(*) AS n
FROM core_arrests WHERE coalesce(is_episode_first, TRUE) GROUP BY ALL"""
RAW_FUNNEL = """WITH d0 AS (
  SELECT aor_code, person_id, id_namespace, detainer_prepare_date, detainer_lift_reason FROM core_detainers
  WHERE NOT coalesce(is_duplicate_likely, FALSE)
  UNION ALL
  SELECT aor_code, person_id, id_namespace, detainer_prepare_date, detainer_lift_reason FROM core_detainers
  WHERE is_duplicate_likely QUALIFY row_number() OVER (PARTITION BY release_id, person_id, detainer_prepare_date
                                                      ORDER BY source_file, source_sheet, source_row) = 1),
d AS (
  SELECT aor_code, person_id, id_namespace, detainer_prepare_date AS prep,
         CASE WHEN detainer_lift_reason IS NULL THEN 'missing' WHEN lower(detainer_lift_reason) = 'detainer declined by lea'
              THEN 'declined' WHEN lower(detainer_lift_reason) = 'booked into detention' THEN 'booked' ELSE 'other' END AS lift
  FROM d0),
c AS (SELECT id_namespace, person_id, apprehension_date AS day FROM core_arrests
      WHERE person_id IS NOT NULL AND coalesce(is_episode_first, TRUE)
      UNION ALL SELECT id_namespace, person_id, book_in_date FROM core_detention_stints WHERE person_id IS NOT NULL),
k AS (SELECT DISTINCT id_namespace, person_id, prep FROM d WHERE person_id IS NOT NULL),
f AS (SELECT k.id_namespace, k.person_id, k.prep, min(c.day) AS custody FROM k JOIN c
      ON c.id_namespace = k.id_namespace AND c.person_id = k.person_id AND c.day BETWEEN k.prep AND k.prep + INTERVAL 30 DAY
      GROUP BY ALL),
r AS (SELECT id_namespace, person_id, max(departed_date) AS last_removal FROM core_removals
      WHERE person_id IS NOT NULL GROUP BY ALL)
SELECT d.aor_code, count(*) AS lodged, count(*) FILTER (WHERE lift = 'declined') AS declined,
       count(*) FILTER (WHERE lift = 'booked') AS booked, count(*) FILTER (WHERE lift = 'other') AS lift_other,
       count(*) FILTER (WHERE lift = 'missing') AS lift_missing, count(f.custody) AS in_custody,
       median(datediff('day', d.prep, f.custody)) AS median_days,
       count(*) FILTER (WHERE r.last_removal >= f.custody) AS removed
FROM d LEFT JOIN f USING (id_namespace, person_id, prep) LEFT JOIN r USING (id_namespace, person_id)
GROUP BY d.aor_code"""


RAW_BOOK_INS = """WITH kept AS (
  SELECT book_in_date, detention_facility_code FROM core_detention_stints WHERE NOT coalesce(is_duplicate_likely, FALSE)
  UNION ALL
  SELECT book_in_date, detention_facility_code FROM (
    SELECT book_in_date, detention_facility_code,
           row_number() OVER (PARTITION BY release_id, person_id, book_in_date ORDER BY source_file, source_sheet, source_row) AS k
    FROM core_detention_stints WHERE is_duplicate_likely) WHERE k = 1)
SELECT date_trunc('month', book_in_date) AS month, detention_facility_code AS facility, count(*) AS n
FROM kept GROUP BY ALL"""


def load_frames(con):
    """The columns the pandas versions need, read into memory once (not timed against pandas)."""
    arrests = con.execute("SELECT apprehension_date, aor_code, apprehension_method, is_episode_first, person_id, "
                          "id_namespace FROM core_arrests").df()
    detainers = con.execute("SELECT release_id, source_file, source_sheet, source_row, aor_code, person_id, id_namespace, "
                            "detainer_prepare_date, detainer_lift_reason, is_duplicate_likely FROM core_detainers").df()
    stints = con.execute("SELECT release_id, source_file, source_sheet, source_row, person_id, id_namespace, book_in_date, "
                         "detention_facility_code, is_duplicate_likely FROM core_detention_stints").df()
    removals = con.execute("SELECT person_id, id_namespace, departed_date FROM core_removals").df()
    return arrests, detainers, stints, removals


def pandas_count(arrests):
    import pandas as pd

    a = arrests[arrests["is_episode_first"].fillna(True).astype(bool)]
    groups = {"Located": "at_large", "Non-Custodial Arrest": "at_large", "Probation and Parole": "at_large",
              "Worksite Enforcement": "at_large", "Custodial Arrest": "custodial", "Criminal Alien Program": "custodial",
              "CAP Local Incarceration": "custodial", "CAP State Incarceration": "custodial",
              "CAP Federal Incarceration": "custodial", "287(g) Program": "287g"}
    group = a["apprehension_method"].map(groups).where(a["apprehension_method"].isna() | a["apprehension_method"].isin(groups.keys()), "other")
    month = pd.to_datetime(a["apprehension_date"]).dt.to_period("M")
    return a.assign(month=month, method_group=group).groupby(["month", "aor_code", "method_group"], dropna=False).size()


def pandas_funnel(arrests, detainers, stints, removals):
    import pandas as pd

    flagged = detainers["is_duplicate_likely"].fillna(False).astype(bool)
    first = (detainers[flagged].sort_values(["source_file", "source_sheet", "source_row"])
             .drop_duplicates(["release_id", "person_id", "detainer_prepare_date"]))
    d = pd.concat([detainers[~flagged], first])
    d["prep"] = pd.to_datetime(d["detainer_prepare_date"])
    low = d["detainer_lift_reason"].str.lower()
    d["lift"] = "other"
    d.loc[low == "detainer declined by lea", "lift"] = "declined"
    d.loc[low == "booked into detention", "lift"] = "booked"
    d.loc[d["detainer_lift_reason"].isna(), "lift"] = "missing"
    a = arrests[arrests["is_episode_first"].fillna(True).astype(bool) & arrests["person_id"].notna()]
    s = stints[stints["person_id"].notna()]
    c = pd.concat([a[["id_namespace", "person_id"]].assign(day=pd.to_datetime(a["apprehension_date"])),
                   s[["id_namespace", "person_id"]].assign(day=pd.to_datetime(s["book_in_date"]))])
    keys = d.loc[d["person_id"].notna(), ["id_namespace", "person_id", "prep"]].drop_duplicates()
    m = keys.merge(c, on=["id_namespace", "person_id"])
    m = m[(m["day"] >= m["prep"]) & (m["day"] <= m["prep"] + pd.Timedelta(days=30))]
    first = m.groupby(["id_namespace", "person_id", "prep"], as_index=False)["day"].min().rename(columns={"day": "custody"})
    last = (removals[removals["person_id"].notna()].assign(rday=pd.to_datetime(removals["departed_date"]))
            .groupby(["id_namespace", "person_id"], as_index=False)["rday"].max())
    d = d.merge(first, on=["id_namespace", "person_id", "prep"], how="left").merge(last, on=["id_namespace", "person_id"], how="left")
    d["removed"] = d["rday"] >= d["custody"]
    d["days"] = (d["custody"] - d["prep"]).dt.days
    g = d.groupby("aor_code", dropna=False)
    return pd.DataFrame({"lodged": g.size(), "declined": g["lift"].agg(lambda x: (x == "declined").sum()),
                         "booked": g["lift"].agg(lambda x: (x == "booked").sum()),
                         "in_custody": g["custody"].count(), "median_days": g["days"].median(), "removed": g["removed"].sum()})


def pandas_book_ins(stints):
    import pandas as pd

    flagged = stints["is_duplicate_likely"].fillna(False).astype(bool)
    first = (stints[flagged].sort_values(["source_file", "source_sheet", "source_row"])
             .drop_duplicates(["release_id", "person_id", "book_in_date"]))
    s = pd.concat([stints[~flagged], first])
    month = pd.to_datetime(s["book_in_date"]).dt.to_period("M")
    return s.assign(month=month).groupby(["month", "detention_facility_code"], dropna=False).size()


def same_answer(res, raw_rows) -> bool:
    """iceledger's rows equal the hand-written SQL's, figure by figure."""
    if "facility" in res.columns:
        ours = {(r["month"], r["facility"]): r["n"] for r in res.rows}
        theirs = {(r[0].date() if hasattr(r[0], "date") else r[0], r[1]): r[2] for r in raw_rows}
    elif "n" in res.columns:
        ours = {(r["month"], r["aor_code"], r["method_group"]): r["n"] for r in res.rows}
        theirs = {(r[0].date() if hasattr(r[0], "date") else r[0], r[1], r[2]): r[3] for r in raw_rows}
    else:
        ours = {r["aor_code"]: (r["lodged"], r["declined"], r["booked_into_detention"], r["lift_other"], r["lift_missing"],
                                r["in_custody"], r["median_days_to_custody"], r["removed"]) for r in res.rows}
        theirs = {r[0]: tuple(r[1:]) for r in raw_rows}
    return ours == theirs


def interleaved(fns: list, repeats: list[int]) -> list[tuple[float, object]]:
    """Median time of each function, runs interleaved round by round (the machine is shared and
    noisy: interleaving spreads the noise over all three rather than favouring one)."""
    times: list[list[float]] = [[] for _ in fns]
    outs: list[object] = [None] * len(fns)
    for rnd in range(max(repeats)):
        for i, fn in enumerate(fns):
            if rnd < repeats[i]:
                t0 = time.perf_counter()
                outs[i] = fn()
                times[i].append(time.perf_counter() - t0)
    return [(statistics.median(t), o) for t, o in zip(times, outs)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"measures-{args.rows}.duckdb"
    if not path.exists():
        t0 = time.perf_counter()
        build(path.with_suffix(".tmp"), args.rows)
        os.replace(path.with_suffix(".tmp"), path)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s")
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET enable_progress_bar = false")
    eng = duckdb_engine(con, where=str(path))
    count_spec = MeasureSpec(count="arrests", by=["month", "aor_code", "method_group"], synthetic="include")
    funnel_spec = FunnelSpec(by=["aor_code"], within_days=30, synthetic="include")
    book_ins_spec = MeasureSpec(count="book_ins", by=["month", "facility"], synthetic="include")
    t0 = time.perf_counter()
    frames = load_frames(con)
    load_s = time.perf_counter() - t0
    results = {}
    for name, ours, cold, raw_sql, pd_fn in [
        ("count month x AOR x method group", lambda: measure(count_spec, engine=eng),
         lambda: measure(count_spec, engine=duckdb_engine(con)), RAW_COUNT, lambda: pandas_count(frames[0])),
        ("detainer funnel by AOR (30 days)", lambda: funnel(funnel_spec, engine=eng),
         lambda: funnel(funnel_spec, engine=duckdb_engine(con)), RAW_FUNNEL, lambda: pandas_funnel(*frames)),
        ("book-ins by month x facility", lambda: measure(book_ins_spec, engine=eng),
         lambda: measure(book_ins_spec, engine=duckdb_engine(con)), RAW_BOOK_INS, lambda: pandas_book_ins(frames[2])),
    ]:
        raw = lambda sql=raw_sql: con.execute(sql).fetchall()  # noqa: E731
        # the measures return their groups in order; the same SQL asked for the same order
        raw_ordered = lambda sql=raw_sql: con.execute(f"{sql}\nORDER BY ALL").fetchall()  # noqa: E731
        ours()  # warm the engine once (its bookkeeping reads and compiled SQL are then reused) and DuckDB's caches
        raw()
        raw_ordered()
        (t_ours, res), (t_cold, _), (t_raw, raw_rows), (t_ord, _), (t_pd, _) = interleaved(
            [ours, cold, raw, raw_ordered, pd_fn], [args.repeat] * 4 + [max(1, args.repeat // 2)])
        check = same_answer(res, raw_rows)
        results[name] = (t_ours, t_cold, t_raw, t_ord, t_pd, check)
    rows_line = f"{args.rows:,} arrests, {args.rows // 5:,} detainers, {args.rows // 5:,} stints, {args.rows // 10:,} removals (synthetic)"
    print(rows_line)
    print(f"pandas: columns loaded into memory in {load_s:.2f} s (not counted below)")
    lines = ["| measure | iceledger (s) | iceledger, fresh engine (s) | raw DuckDB SQL (s) | raw SQL in the measure's order (s) "
             "| pandas (s) | iceledger / raw | iceledger / raw in order | fresh / raw | pandas / iceledger | same figures |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, (t_ours, t_cold, t_raw, t_ord, t_pd, check) in results.items():
        lines.append(f"| {name} | {t_ours:.3f} | {t_cold:.3f} | {t_raw:.3f} | {t_ord:.3f} | {t_pd:.3f} | {t_ours / t_raw:.2f}x | "
                     f"{t_ours / t_ord:.2f}x | {t_cold / t_raw:.2f}x | {t_pd / t_ours:.1f}x | {'yes' if check else 'NO'} |")
    print("\n".join(lines))
    if args.record:
        record(lines, rows_line, args.repeat, load_s)


def record(lines: list[str], rows_line: str, repeat: int, load_s: float) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    cpu = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    block = [f"### {dt.date.today().isoformat()} · {platform.machine()}, {cpu} cores (shared, noisy; load average {load} at the end) · "
             f"Python {platform.python_version()}, DuckDB {duckdb.__version__}",
             "", rows_line + f"; medians of {repeat} runs (pandas: of {max(1, repeat // 2)}); "
             f"pandas timed on columns already in memory (loading them took {load_s:.1f} s). "
             "'iceledger' reuses one engine (release bookkeeping read once, compiled SQL cached, as a server would); "
             "'fresh engine' builds a new one per call (compiles the Ibis expression every time).", "", *lines, ""]
    head = "## measures"
    if head not in text:
        text = text.rstrip("\n") + f"\n\n{head}\n\n`python bench/measures.py --record` (bench/measures.py). Targets: within "\
               "1.5x of raw DuckDB SQL; at least 3x faster than pandas.\n\n"
        text += "\n".join(block)
    else:
        start = text.index(head)
        nxt = text.find("\n## ", start + len(head))
        end = len(text) if nxt == -1 else nxt
        text = text[:end].rstrip("\n") + "\n\n" + "\n".join(block) + text[end:]
    path.write_text(text.rstrip("\n") + "\n")
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()

"""Ingest benchmark: iceledger end to end (default, and --low-memory) against a bare fastexcel all-text
read and pandas+openpyxl,
on the same SYNTHETIC 1M-row, ~20-column arrests workbook (2 sheets, 6 banner rows), in one run.

Each measurement runs in its own child process so peak RSS is that method's alone.
    python bench/ingest.py [--rows 1000000] [--reps 3] [--pandas-reps 1] [--skip-pandas]
Prints medians, rows/s, peak RSS and the ratios. Results are recorded in bench/RESULTS.md.

    python bench/ingest.py --ddp [--rows 1000000] [--reps 3] [--src DIR]
DDP-style arrests as CSV and as Parquet (bench/out/ddp-arrests-N.{csv,parquet}, written by bench/scale.py): `iceledger
ingest` against DuckDB reading the same file into a table of a new database file, interleaved, medians, the ratio,
CPU seconds and peak RSS of each. Beside them, the floor of any ingest that keeps the ledger's shape: DuckDB storing
the same columns in the ledger's arrests table, with their provenance, and no check at all (FLOOR_CHILD).
``--src`` runs the ingest of another checkout's src/ (a before-and-after).

    python bench/ingest.py --national [--reps 1] [--src DIR]
The bundled national release (data/records/uwchr-2019-icfo-53623, 2.7M rows) ingested into a new home.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

CHILD = {
    "iceledger": """
import resource, shutil, sys, time, tempfile
from pathlib import Path
t0 = time.perf_counter()
from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import load_manifest
from iceledger.settings import load_settings
home = Path(tempfile.mkdtemp(prefix='bench-ingest-'))
s = ingest(load_settings(home), load_manifest(Path(sys.argv[1]) / 'manifest.json'), low_memory=LOW_MEMORY)
secs = time.perf_counter() - t0
assert s.totals.balanced
rows = s.totals.rows_read
shutil.rmtree(home)
print(json.dumps({'seconds': secs, 'rows': rows, 'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""",
    "fastexcel": """
import resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
import fastexcel
path = next(Path(sys.argv[1]).glob('*.xlsx'))
reader = fastexcel.read_excel(str(path))
rows = 0
for name in reader.sheet_names:
    rows += reader.load_sheet(name, header_row=None, dtypes='string').to_arrow().num_rows
secs = time.perf_counter() - t0
print(json.dumps({'seconds': secs, 'rows': rows, 'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""",
    "pandas_openpyxl": """
import resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
import pandas as pd
path = next(Path(sys.argv[1]).glob('*.xlsx'))
frames = pd.read_excel(path, sheet_name=None, engine='openpyxl', header=6, dtype=str)
rows = sum(len(f) for f in frames.values())
secs = time.perf_counter() - t0
print(json.dumps({'seconds': secs, 'rows': rows, 'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""",
}


def workbook(rows: int) -> Path:
    """The synthetic workbook, generated once and cached under bench/out/."""
    folder = OUT / f"l1-arrests-{rows}"
    if not (folder / "manifest.json").exists():
        from iceledger.synth import synthesize

        print(f"generating a SYNTHETIC {rows:,}-row L1 arrests workbook (2 sheets, 6 banner rows)…", flush=True)
        t = time.perf_counter()
        synthesize("L1", "arrests", rows, 2026, folder, sheet_rows=(rows + 1) // 2, banner_rows=6)
        print(f"  written in {time.perf_counter() - t:.0f} s", flush=True)
    return folder


DDP_CHILD = """
import json, os, resource, shutil, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
t0 = time.perf_counter()
from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import load_manifest, manifest_from_paths
from iceledger.settings import load_settings
home = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
path = Path(sys.argv[1])
if path.suffix == ".yaml":
    m = load_manifest(path)
else:
    m = manifest_from_paths([path], "ddp-arrests", era="DDP", table=None, synthetic=True)
s = ingest(load_settings(home), m)
secs = time.perf_counter() - t0
assert s.totals.balanced
shutil.rmtree(home)
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "rows": s.totals.rows_read, "cpu": ru.ru_utime + ru.ru_stime,
                  "rss_mib": ru.ru_maxrss / 1024, "load": os.getloadavg()[0]}))
"""
DUCKDB_CHILD = """
import json, os, resource, sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
import duckdb
tmp = tempfile.mkdtemp(prefix="bench-duckdb-")
con = duckdb.connect(str(Path(tmp) / "t.duckdb"))
con.execute("SET enable_progress_bar = false")
read = "read_parquet" if sys.argv[1].endswith(".parquet") else "read_csv"
con.execute(f"CREATE TABLE t AS SELECT * FROM {read}('{sys.argv[1]}')")
n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
con.close()
secs = time.perf_counter() - t0
import shutil; shutil.rmtree(tmp)
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "rows": n, "cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024,
                  "load": os.getloadavg()[0]}))
"""

# The floor of any ingest that keeps the ledger's shape: DuckDB itself storing the file's columns, mapped to the ledger's
# fields by the same header aliases, in the ledger's arrests table (54 columns), with the provenance and defaults every
# loaded row carries (release, file, row number, run, episode), the values typed by TRY_CAST. Nothing else: no trim,
# no redaction or range check, no quarantine, no profile, no byte scan, no duplicate rule.
FLOOR_CHILD = """
import json, os, resource, shutil, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
t0 = time.perf_counter()
import duckdb
from iceledger.metadata import create_all_sql, field_, quote, table
from iceledger.pipeline.dedupe import load_defaults
from iceledger.sources.lesa.transform import plan_columns
tmp = tempfile.mkdtemp(prefix="bench-floor-")
con = duckdb.connect(str(Path(tmp) / "t.duckdb"))
con.execute("SET enable_progress_bar = false")
for sql in create_all_sql(("core", "ledger")):
    con.execute(sql)
arrests = table("core_arrests")
path = sys.argv[1]
if path.endswith(".parquet"):
    source = f"(SELECT *, file_row_number + 1 AS source_row FROM read_parquet('{path}', file_row_number = true))"
else:  # DuckDB's own dialect detection, every value as text, the records numbered as the ledger numbers them
    source = f"(SELECT *, 1 + row_number() OVER () AS source_row FROM read_csv('{path}', all_varchar = true))"
headers = [r[0] for r in con.execute(f"DESCRIBE SELECT * EXCLUDE (source_row) FROM {source}").fetchall()]
cols = {"release_id": "'ddp-arrests'", "source_file": "'file'", "source_row": "source_row", "run_id": "'run'",
        "is_synthetic": "TRUE", "id_namespace": "'DDP'", **load_defaults(arrests, 0)}
for p in plan_columns(headers, arrests, "DDP"):
    if p.status == "loaded":
        cols[p.field_name] = f"TRY_CAST({quote(p.header)} AS {p.spec.type})"
        derived = next((d for d in arrests.fields if field_(d).derived_from == p.field), None)
        if derived:
            cols[derived] = f"TRY_CAST({quote(p.header)} AS DATE)"
n = con.execute(f"INSERT INTO core_arrests ({', '.join(map(quote, cols))}) SELECT {', '.join(cols.values())} FROM {source}").fetchall()[0][0]
con.close()
secs = time.perf_counter() - t0
shutil.rmtree(tmp)
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "rows": n, "cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024,
                  "load": os.getloadavg()[0]}))
"""


def run_child(code: str, args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ddp(rows: int, reps: int, src: Path) -> None:
    """iceledger ingest against DuckDB's own read into a table, per format, interleaved."""
    files = [OUT / f"ddp-arrests-{rows}.{fmt}" for fmt in ("csv", "parquet")]
    missing = [f for f in files if not f.exists()]
    if missing:
        raise SystemExit(f"missing {missing}: run python bench/scale.py --only ingest --ingest-rows {rows} first")
    results: dict[tuple[str, str], list[dict]] = {}
    children = {"iceledger": (DDP_CHILD, True), "duckdb": (DUCKDB_CHILD, False), "floor": (FLOOR_CHILD, True)}
    for rep in range(reps):
        for f in files:
            for method, (code, with_src) in children.items():
                r = run_child(code, [str(f), str(src)] if with_src else [str(f)])
                results.setdefault((f.suffix[1:], method), []).append(r)
                print(f"  {f.suffix[1:]:7s} {method:9s} rep {rep + 1}: {r['seconds']:6.2f} s  cpu {r['cpu']:6.2f} s  "
                      f"peak {r['rss_mib']:5.0f} MiB  load {r['load']:.1f}", flush=True)
    med = lambda rs, k: statistics.median(r[k] for r in rs)  # noqa: E731
    print("\n| file | rows | iceledger ingest s | CPU s | peak | DuckDB read into a table s | CPU s | peak | ratio (wall) "
          "| ratio (CPU) | the ledger's shape, no checks: s | CPU s | its ratio to DuckDB (wall / CPU) | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for f in files:
        fmt = f.suffix[1:]
        ours, theirs, floor = (results[(fmt, m)] for m in children)
        loads = [r["load"] for rs in (ours, theirs, floor) for r in rs]
        print(f"| {fmt} | {rows:,} | {med(ours, 'seconds'):.2f} | {med(ours, 'cpu'):.2f} | "
              f"{max(r['rss_mib'] for r in ours) / 1024:.2f} GiB | {med(theirs, 'seconds'):.2f} | {med(theirs, 'cpu'):.2f} | "
              f"{max(r['rss_mib'] for r in theirs) / 1024:.2f} GiB | {med(ours, 'seconds') / med(theirs, 'seconds'):.2f}x | "
              f"{med(ours, 'cpu') / med(theirs, 'cpu'):.2f}x | {med(floor, 'seconds'):.2f} | {med(floor, 'cpu'):.2f} | "
              f"{med(floor, 'seconds') / med(theirs, 'seconds'):.2f}x / {med(floor, 'cpu') / med(theirs, 'cpu'):.2f}x | "
              f"{min(loads):.1f}-{max(loads):.1f} |")


def national(reps: int, src: Path) -> None:
    manifest = src.parent / "data" / "records" / "uwchr-2019-icfo-53623" / "release.yaml"
    for rep in range(reps):
        r = run_child(DDP_CHILD, [str(manifest), str(src)])
        print(f"  national rep {rep + 1}: {r['rows']:,} rows {r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU, "
              f"peak {r['rss_mib'] / 1024:.2f} GiB, load {r['load']:.1f}", flush=True)


CHILD["iceledger_low_memory"] = CHILD["iceledger"].replace("LOW_MEMORY", "True")
CHILD["iceledger"] = CHILD["iceledger"].replace("LOW_MEMORY", "False")


def run(method: str, folder: Path) -> dict:
    code = "import json\n" + CHILD[method]
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{method} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pandas-reps", type=int, default=1)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--ddp", action="store_true", help="CSV and Parquet against DuckDB's own read")
    ap.add_argument("--national", action="store_true", help="the bundled national release")
    ap.add_argument("--src", type=Path, default=HERE.parent / "src", help="the iceledger source tree to time")
    args = ap.parse_args()
    if args.ddp or args.national:
        if args.ddp:
            ddp(args.rows, args.reps, args.src.resolve())
        if args.national:
            national(args.reps, args.src.resolve())
        return
    folder = workbook(args.rows)
    size = sum(p.stat().st_size for p in folder.glob("*.xlsx")) / 2**20
    print(f"file: {size:.0f} MiB, {args.rows:,} rows; machine: {platform.machine()}, {platform.python_version()}")
    results: dict[str, list[dict]] = {}
    plan = [("fastexcel", args.reps), ("iceledger", args.reps), ("iceledger_low_memory", args.reps)]
    if not args.skip_pandas:
        plan.append(("pandas_openpyxl", args.pandas_reps))
    # interleave repetitions so that noise on the shared machine hits every method alike
    for rep in range(max(n for _, n in plan)):
        for method, n in plan:
            if rep < n:
                r = run(method, folder)
                results.setdefault(method, []).append(r)
                print(f"  {method:21s} rep {rep + 1}: {r['seconds']:7.2f} s  peak RSS {r['rss_mib']:6.0f} MiB", flush=True)
    med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in results.items()}
    rss = {m: max(r["rss_mib"] for r in rs) for m, rs in results.items()}
    print("\nmethod                 median s    rows/s   peak RSS MiB")
    for m in results:
        print(f"{m:21s} {med[m]:9.2f} {args.rows / med[m]:10,.0f} {rss[m]:12.0f}")
    for m in ("iceledger", "iceledger_low_memory"):
        print(f"\n{m}: {med[m] / med['fastexcel']:.2f}x the bare fastexcel read (target <= 1.5x); "
              f"peak RSS {rss[m] / 1024:.2f} GiB (target <= 1.5 GiB)")
        if "pandas_openpyxl" in med:
            print(f"  {med['pandas_openpyxl'] / med[m]:.1f}x faster than pandas+openpyxl (target >= 10x)")


if __name__ == "__main__":
    main()

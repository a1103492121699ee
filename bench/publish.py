"""Benchmark: the disclosure gate on a publication's cubes, against the previous gate, in one run.

Counts the lattice once (through the measures layer, as `iceledger publish` does), then suppresses
every cube of every measure twice, side by side, in the same pool of worker processes (one per
core): with the gate of this checkout, and with the baseline gate read from git at ``--baseline``
(default: the last commit before the integer-coded search; its search modules too, from their sources, never this
checkout's compiled search: publish/native.py). It checks that both withhold the same
cells, and prints seconds and the ratio. Then it times `publish()` end to end.

    python bench/publish.py                        # builds the demo (scale 1, SYNTHETIC) in bench/out
    python bench/publish.py --home var --share 1   # every declared family of an existing home
    python bench/publish.py --record               # also writes the figures in bench/RESULTS.md
    python bench/publish.py --baseline main        # against the gate of another revision

``--share 1`` keeps every declared family however thin (``max_small_share`` 1.0): the demo's
"every declared table" case, the hardest for the gate (half of the cells are small).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from results import record_section  # noqa: E402

from iceledger.publish.publication import publish, workers  # noqa: E402
from iceledger.publish.suppress import suppress  # noqa: E402

BASELINE = "2d1d4a7"  # the gate before the integer-coded search
_baseline: dict = {}


def this_gate(cube, threshold: int) -> tuple[set, set]:
    out = suppress(cube, threshold)
    return out.primary, out.withheld


GATE_MODULES = ("cube_index", "patterns", "suppress")  # the search, as the baseline revision had it (when it had them)


def baseline_gate(cube, threshold: int) -> tuple[set, set]:
    """The baseline gate, loaded from git in each worker (once), from its sources (never this checkout's compiled
    search, publish/native.py): (primary, withheld)."""
    if "fn" not in _baseline:
        for name in GATE_MODULES:  # each imports the ones before it under its baseline name
            shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{_baseline_rev()}:src/iceledger/publish/{name}.py"],
                                   capture_output=True, text=True)
            if shown.returncode:
                continue  # the revision predates this module
            text = shown.stdout
            for other in GATE_MODULES:
                text = text.replace(f"from iceledger.publish.{other} import", f"from baseline_{other} import")
            mod = sys.modules[f"baseline_{name}"] = types.ModuleType(f"baseline_{name}")
            exec(compile(text, f"baseline_{name}.py", "exec"), mod.__dict__)
        _baseline["fn"] = sys.modules["baseline_suppress"].suppress
    out = _baseline["fn"](cube, threshold)
    return out.primary, out.withheld


def _baseline_rev() -> str:
    return _baseline.get("rev", BASELINE)


def count_cubes(home: Path, share: float | None, threshold: int) -> tuple[dict, float]:
    from iceledger.measures.engine import open_duckdb
    from iceledger.publish.lattice import load_lattice
    from iceledger.publish.tabulate import count_measure
    from iceledger.settings import load_settings

    t0 = time.perf_counter()
    lat = load_lattice()
    with open_duckdb(load_settings(home)) as eng:
        cubes = {m.name: count_measure(eng, lat, m, threshold=threshold, max_small_share=share).cubes
                 for m in lat.measures.values()}
    return cubes, time.perf_counter() - t0


def gate(pool, fn, cubes: dict, threshold: int) -> tuple[float, dict]:
    """Every cube through ``fn`` in ``pool``, biggest first; (seconds, withheld cells per cube)."""
    jobs = sorted(((m, fy) for m, cs in cubes.items() for fy in cs), key=lambda k: -len(cubes[k[0]][k[1]].values))
    t0 = time.perf_counter()
    futures = {k: pool.submit(fn, cubes[k[0]][k[1]], threshold) for k in jobs}
    out = {k: f.result() for k, f in futures.items()}
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, help="a built home (default: build the demo in bench/out/demo)")
    ap.add_argument("--share", type=float, default=1.0, help="max_small_share (1.0: every declared family)")
    ap.add_argument("--threshold", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline gate")
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    _baseline["rev"] = args.baseline
    home = args.home or _demo_home()
    cubes, count_s = count_cubes(home, args.share, args.threshold)
    cells = sum(len(c.values) for cs in cubes.values() for c in cs.values())
    small = sum(1 for cs in cubes.values() for c in cs.values() for v in c.values.values() if 1 <= v <= args.threshold)
    print(f"{len(cubes)} measures, {sum(len(c) for c in cubes.values())} cubes, {cells:,} cells, {small:,} small; "
          f"counted in {count_s:.1f} s; {workers()} worker processes")
    times: dict[str, list[float]] = {"this": [], "baseline": []}
    same = True
    with ProcessPoolExecutor(max_workers=workers()) as pool:
        for rnd in range(args.repeat):
            t_new, ours = gate(pool, this_gate, cubes, args.threshold)
            t_old, theirs = gate(pool, baseline_gate, cubes, args.threshold)
            times["this"].append(t_new)
            times["baseline"].append(t_old)
            same &= ours == theirs
            print(f"  round {rnd + 1}: this {t_new:.2f} s, baseline {t_old:.2f} s", flush=True)
    withheld = sum(len(w) for _, w in ours.values())
    end_to_end = []
    from iceledger.publish.history import HISTORY_NAME
    from iceledger.settings import load_settings

    for leftover in (home / HISTORY_NAME, home / f"{HISTORY_NAME}.wal"):  # a first publication: every cube searched
        leftover.unlink(missing_ok=True)
    t0 = time.perf_counter()
    publish(load_settings(home), max_small_share=args.share, threshold=args.threshold)
    first = time.perf_counter() - t0
    print(f"  first publication (no history: the gate searches every cube): {first:.2f} s", flush=True)
    for _ in range(args.repeat):  # the history now holds every cube's decision: unchanged cubes are not searched again
        t0 = time.perf_counter()
        publish(load_settings(home), max_small_share=args.share, threshold=args.threshold)
        end_to_end.append(time.perf_counter() - t0)
    new, old = statistics.median(times["this"]), statistics.median(times["baseline"])
    lines = ["| case | cells | small | withheld | gate (s) | baseline gate (s) | baseline / this | same cells "
             "| publish end to end, first (s) | publish end to end, again (s) |",
             "|---|---|---|---|---|---|---|---|---|---|",
             f"| {home.name}, max_small_share {args.share:g} | {cells:,} | {small:,} | {withheld:,} | {new:.2f} | {old:.2f} | "
             f"{old / new:.1f}x | {'yes' if same else 'NO'} | {first:.2f} | {statistics.median(end_to_end):.2f} |"]
    print("\n".join(lines))
    if args.record:
        record_section("publish", "`python bench/publish.py --record` (bench/publish.py): the gate on every cube of a "
                       "publication, this checkout against the baseline gate from git, side by side in the same worker "
                       "pool (one process per core); then `publish()` end to end: first with no history in the home (the "
                       "gate searches every cube, as on a home's first publication), then again (median): the history "
                       "then holds every cube's decision, and a cube whose counts did not change is not searched. "
                       "Targets: the demo's every declared table (max_small_share 1) under 10 s end to end.",
                       f"medians of {args.repeat}; counting the cubes took {count_s:.1f} s; baseline {args.baseline}",
                       lines)


def _demo_home() -> Path:
    from iceledger.demo import run_demo
    from iceledger.settings import load_settings

    home = ROOT / "bench" / "out" / "demo"
    if not (home / "ledger.duckdb").exists():
        print("building the demo (scale 1, SYNTHETIC) in bench/out/demo…", flush=True)
        run_demo(load_settings(home).ensure(), publish=False)
    return home


if __name__ == "__main__":
    main()

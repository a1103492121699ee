"""`iceledger publish`: the public database, written through the gate into a temporary file and
swapped in with one rename, so a reader never sees half a publication.

It holds only: the lattice's tabulations (suppressed), the AOR check's counts (suppressed), the
registries the metadata declares public (with their declared columns), release metadata without local
paths, claim results (gated), the suppression audit, and one row describing the publication.
``exact=True`` writes a local analyst database instead: the same tables without suppression, marked
``is_exact`` so that the public server refuses it.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from iceledger.metadata import create_table_sql, public_tables, quote, table, tables
from iceledger.pipeline.ledger import code_version, connect, open_ledger, remove_stale_copies
from iceledger.publish import cells
from iceledger.publish.aor_evidence import aor_evidence_key, aor_evidence_rows
from iceledger.publish.claim_gate import PublishedCells, checked_claims, gate_claims
from iceledger.publish.codes import ValueLists
from iceledger.publish.comparisons import comparison_rows, release_table_rows
from iceledger.publish.history import History, cell_key
from iceledger.publish.lattice import load_lattice, load_policy
from iceledger.publish.series import ORIGINS, in_scope, plan_series, synthetic_note
from iceledger.publish.suppress import suppress
from iceledger.publish.tabulate import count_measure
from iceledger.publish.windows import window_key, window_rows
from iceledger.settings import Settings
from iceledger.sources.rows import insert_records
from iceledger.validation import Finding, Report

REGISTRY_PREFIX = "ref_"
LEDGER_COPIES = {  # public table: (ledger table, columns); never file_path
    "out_releases": "releases",
    "out_release_files": "release_files",
    "out_ingest_runs": "ingest_runs",
}


def workers() -> int:
    """Processes for the suppression: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _die_with_parent(parent: int) -> None:
    """Pool worker start-up: end this worker when the process that started it ends, even by ``kill -9``
    (Linux: the kernel sends SIGKILL; elsewhere a thread watches for the parent to change)."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        armed = libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        armed = False
    if os.getppid() != parent:  # the parent went before the signal was armed
        os._exit(1)
    if not armed:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="parent watch", daemon=True).start()


def worker_pool(n: int) -> ProcessPoolExecutor:
    """Worker processes that die with this one."""
    return ProcessPoolExecutor(max_workers=n, initializer=_die_with_parent, initargs=(os.getpid(),))


class _Gate:
    """Suppression of every cube, in worker processes (one per core) while the next measure is counted;
    in this process when there is one core or nothing to withhold. Biggest cubes go first. The first job of the
    workers is the tables that do not wait for the gate (``_side_tables``).

    Over time (history.py): a cube whose counts have not changed since the last publication keeps its
    decision and is not searched; the others are searched through their effective values."""

    def __init__(self, threshold: int, history: History):
        self.threshold = threshold
        self.history = history
        n = workers()
        self.pool = worker_pool(n) if threshold >= 1 and n > 1 else None

    def submit(self, lat, m, cubes: dict) -> tuple:
        """Each cube of ``m`` to the gate. Returns what ``result`` takes, and each cube's cells described (their rows
        to be, cells.describe_cube) with their keys across publications (none without a threshold)."""
        described = {fy: cells.describe_cube(lat, m, fy, c) for fy, c in cubes.items()}
        keys = {fy: cells.cell_keys(lat, m, fy, c, described[fy]) for fy, c in cubes.items()} if self.threshold else {}
        pending: dict[int, object] = {}  # a Suppression, or its Future from the pool
        for fy in sorted(cubes, key=lambda fy: -len(cubes[fy].values)):
            earlier = self.history.earlier(cell_key("cube", m.name, fy), cubes[fy], keys[fy], self.threshold) if keys else None
            cube = self.history.effective_cube(cubes[fy], keys[fy], self.threshold) if keys else cubes[fy]
            if earlier is not None:
                pending[fy] = earlier
            elif self.pool is None:
                pending[fy] = suppress(cube, self.threshold)
            else:
                pending[fy] = self.pool.submit(suppress, cube, self.threshold)
        return (m, cubes, keys, pending), described, keys

    def result(self, submitted: tuple) -> dict:
        m, cubes, keys, pending = submitted
        out = {fy: (p.result() if hasattr(p, "result") else p) for fy, p in sorted(pending.items())}
        if not self.threshold:
            return out
        return {fy: self.history.remember(cell_key("cube", m.name, fy), cubes[fy], keys[fy], self.threshold, o)
                for fy, o in out.items()}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _insert(con, name: str, rows: list[dict]) -> int:
    """The rows into the declared public table ``name`` (every declared column, missing keys as NULL)."""
    return insert_records(con, name, rows, list(table(name).columns))


def _copy_from_ledger(ledger, con, source: str, target: str, columns: list[str]) -> int:
    have = {r[0] for r in ledger.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                         [source]).fetchall()}
    cols = [c for c in columns if c in have]
    data = ledger.sql(f"SELECT {', '.join(quote(c) for c in cols)} FROM {quote(source)}").to_arrow_table()
    con.register("_incoming", data)
    try:
        if target.startswith(REGISTRY_PREFIX):
            con.execute(f'CREATE TABLE "{target}" AS SELECT * FROM _incoming')
        else:
            con.execute(f'INSERT INTO "{target}" ({", ".join(cols)}) SELECT * FROM _incoming')
    finally:
        con.unregister("_incoming")
    return data.num_rows


def _side_tables_on(engine, ledger, threshold: int, history: History) -> dict:
    """The tables that do not depend on the cells the gate withholds: operation windows, release comparisons,
    release tables, AOR evidence; with the counts they show (for the history) and the history's new decisions."""
    windows, window_sources = window_rows(engine, ledger, threshold, history)  # publish/windows.py (web, API)
    compared_shown: dict[str, int] = {}
    compared, compared_cells, compared_audit = comparison_rows(engine, threshold, history, compared_shown)  # comparisons.py
    release_shown: dict[str, int] = {}
    release_tables = release_table_rows(ledger, threshold, history, release_shown)
    evidence = aor_evidence_rows(ledger, threshold, history, ValueLists(engine))  # publish/aor_evidence.py
    return {"claims": checked_claims(engine), "windows": windows, "window_sources": window_sources, "compared": compared, "compared_cells": compared_cells,
            "compared_audit": compared_audit, "compared_shown": compared_shown, "release_tables": release_tables,
            "release_shown": release_shown, "evidence": evidence, "pending": history.pending}


def _side_tables(settings: Settings, threshold: int, history: History) -> dict | None:
    """``_side_tables_on`` in a worker process, on a connection of its own to the ledger (read only). None when it
    fails: the publication then computes them itself, so that an error is raised as it always was."""
    from iceledger.measures.engine import duckdb_engine

    try:
        ledger = open_ledger(settings)
        try:
            return _side_tables_on(duckdb_engine(ledger, where=str(settings.ledger_path)), ledger, threshold, history)
        finally:
            ledger.close()
    except Exception:  # noqa: BLE001 - computed again, and raised, in the publishing process
        return None


def publish(settings: Settings, *, threshold: int | None = None, exact: bool = False, out: Path | None = None,
            max_small_share: float | None = None, progress=lambda *a, **k: None) -> Report:
    """Write the public database (or, with ``exact``, the local analyst database). Returns a report.
    ``max_small_share`` overrides lattice.yaml's limit on thin families (1.0 publishes every declared family)."""
    policy = load_policy()
    threshold = 0 if exact else (policy.threshold if threshold is None else threshold)
    out = out or (settings.home / "analyst.duckdb" if exact else settings.public_path)
    lat = load_lattice()
    report = Report(f"iceledger publish → {out.name}")
    history = History.none() if exact else History.load(settings.home)
    # The workers start (are forked) before this process opens the ledger, so that no database of it is open in
    # them; one of them computes the tables that do not wait for the gate, on a read-only connection of its own.
    gate = _Gate(threshold, history)
    side = gate.pool.submit(_side_tables, settings, threshold, history) if gate.pool is not None else None
    try:
        ledger = open_ledger(settings)
    except BaseException:
        gate.close()
        raise
    shown: dict[str, int] = {}  # the counts this publication shows, for the history once it is written
    published_cells: list[dict] = []  # month cells, so that no claim repeats a sum of withheld ones
    for target in {out, settings.public_path, settings.home / "analyst.duckdb"}:
        remove_stale_copies(target)  # left by a publish that was killed
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(tmp)
    try:
        from iceledger.measures.engine import duckdb_engine

        engine = duckdb_engine(ledger, where=str(settings.ledger_path))
        for t in tables().values():
            if t.kind == "public":
                con.execute(create_table_sql(t))
        has_synthetic, notes, audit, lattice_rows, sources, series = False, [], [], [], [], []
        try:
            counted = []
            rows_of: dict[str, list[dict]] = {}
            for m in lat.measures.values():
                progress("step", name=f"publish: count {m.name}")
                plan, found = plan_series(engine, m)
                report.extend(found)
                notes += [f.message for f in found]
                for synthetic, years in plan.items():  # one series per origin (series.py)
                    counts = count_measure(engine, lat, m, progress, threshold, max_small_share, ORIGINS[synthetic],
                                           set(years))
                    for f in counts.findings:
                        f.message = ("SYNTHETIC series: " if synthetic else "") + f.message
                    report.extend(counts.findings)
                    notes += [f.message for f in counts.findings if f.severity != "info" or f.code == "family_coarsened"]
                    counted.append((m, synthetic, years, counts, gate.submit(lat, m, counts.cubes)))
            if side is None:  # no workers: here, while nothing else runs (the counts they show go to the history
                progress("step", name="publish: compare releases")  # in the order they always did, below)
                tables_aside = _side_tables_on(engine, ledger, threshold, history)
            for i, (m, synthetic, years, counts, (pending, described, keys)) in enumerate(counted):
                progress("step", name=f"publish: suppress {m.name}")
                outcome = gate.result(pending)
                rows = []
                for fy, cube in counts.cubes.items():
                    key = keys.get(fy)
                    for cell, r in zip(cube.values, cells.rows_for_cube(lat, m, fy, cube, outcome[fy], synthetic,
                                                                        threshold, described[fy])):
                        if in_scope(lat, r, years[fy].aor_codes):
                            rows.append(r)
                            if not r["is_suppressed"]:
                                shown[key[cell] if key else cells.row_key(r)] = r["event_count"]
                published_cells += [r for r in rows if r["time_grain"] == "month"]
                measure_rows = rows_of.setdefault(m.name, [])
                measure_rows.extend(rows)
                lattice_rows += cells.lattice_rows(m, rows, synthetic)
                sources.append(cells.source_row(m.name, counts))
                series += [years[fy].row() for fy in sorted(counts.cubes)]
                if any(o.fallback for o in outcome.values()):
                    report.add(Finding("warning", "cube_fully_withheld", f"{m.name}: in some fiscal years no protecting "
                                       "pattern was found and every non-zero cell was withheld"))
                if i + 1 == len(counted) or counted[i + 1][0].name != m.name:  # a measure's two series in one audit
                    _insert(con, "out_tabulations", measure_rows)
                    audit += cells.audit_rows(m.name, measure_rows)
                    has_synthetic |= any(r["is_synthetic"] for r in measure_rows)
            if side is not None:
                progress("step", name="publish: compare releases")
                aside = side.result()
                if aside is None:  # the worker failed: here, to raise what it met
                    tables_aside = _side_tables_on(engine, ledger, threshold, history)
                else:
                    tables_aside = aside
                    history.pending.update(aside["pending"])  # the comparisons' decisions (history.py)
        finally:
            gate.close()
        _insert(con, "out_suppression_audit", audit)
        _insert(con, "out_lattice", lattice_rows)
        _insert(con, "out_measure_sources", sources)
        _insert(con, "out_series", series)
        _insert(con, "out_categories", [{"category_name": k, "category_description": v} for k, v in lat.categories.items()])
        for copy_name, source in LEDGER_COPIES.items():
            _copy_from_ledger(ledger, con, source, copy_name, list(table(copy_name).columns))
        in_ledger = {r[0] for r in ledger.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        registries = sorted(n for n, t in public_tables().items() if t.kind == "registry" and n in in_ledger)
        for name in registries:  # the allow-list: declared public, declared columns only
            _copy_from_ledger(ledger, con, name, name, list(table(name).columns))
        _insert(con, "out_operation_windows", tables_aside["windows"])
        _insert(con, "out_window_sources", tables_aside["window_sources"])
        shown.update((window_key(r), r["event_count"]) for r in tables_aside["windows"] if not r["is_suppressed"])
        progress("step", name="publish: check claims")
        claims, claim_note, claim_counts = gate_claims(engine, threshold, history=history,
                                                       cells=PublishedCells(published_cells),
                                                       checked=tables_aside["claims"])
        shown.update(claim_counts)
        shown.update(tables_aside["compared_shown"])
        _insert(con, "out_release_comparisons", tables_aside["compared"])
        _insert(con, "out_release_comparison_cells", tables_aside["compared_cells"])
        _insert(con, "out_suppression_audit", tables_aside["compared_audit"])
        shown.update(tables_aside["release_shown"])
        _insert(con, "out_release_tables", tables_aside["release_tables"])
        _insert(con, "out_aor_evidence", tables_aside["evidence"])
        shown.update((aor_evidence_key(r), r["records_count"]) for r in tables_aside["evidence"] if not r["is_suppressed"])
        _insert(con, "out_claim_results", claims)
        if claim_note:
            notes.append(claim_note)
        if has_synthetic:
            notes.insert(0, synthetic_note(series))
        build = ledger.execute("SELECT build_id FROM build_runs ORDER BY finished_at DESC LIMIT 1").fetchall()
        _insert(con, "out_publication", [{
            "publication_id": f"pub-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}",
            "published_at": dt.datetime.now(dt.UTC).replace(tzinfo=None), "code_version": code_version(),
            "build_id": build[0][0] if build else None, "suppression_threshold": threshold, "is_exact": exact,
            "has_synthetic": has_synthetic, "lattice_sha256": lat.sha256, "publication_notes": notes}])
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, out)
        history.record(shown)
    except BaseException:
        try:
            con.close()
        except Exception:  # noqa: BLE001 - already failing; the temporary file goes either way
            pass
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        ledger.close()
        gate.close()
    report.summary = {"path": str(out), "threshold": threshold, "exact": exact, "synthetic": has_synthetic,
                      "registries": registries, "claims": len(claims), "notes": notes,
                      "cells": {r["cell_status"]: 0 for r in audit}}
    for r in audit:
        report.summary["cells"][r["cell_status"]] += r["cells_count"]
    return report


"""`iceledger build`: rebuild the whole ledger from the bundled registries and every release in the
store, deterministically, into a temporary file swapped in only when every step succeeded.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable

from iceledger.metadata import insert_sql
from iceledger.pipeline.ingest import RunSummary, load_release, new_run_id
from iceledger.pipeline.ledger import atomic_ledger, code_version
from iceledger.pipeline.release_store import ReleaseStore, hash_files
from iceledger.pipeline.steps import REGISTRY_STEPS
from iceledger.settings import Settings
from iceledger.sources.step import BuildContext, Progress, StepResult, no_progress
from iceledger.validation import Report

__all__ = ["BuildContext", "StepResult", "StepFn", "build", "resolve_step"]


StepFn = Callable[[object, BuildContext], StepResult]


def resolve_step(target: str) -> StepFn:
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def build(settings: Settings, *, progress: Progress = no_progress, steps: list[tuple[str, str]] | None = None) -> Report:
    """Rebuild everything; returns the build report (rows per step and table, findings, runs)."""
    build_id = new_run_id("build")
    ctx = BuildContext(settings, build_id, progress)
    report = Report(f"iceledger build {build_id}")
    started = _now()
    store = ReleaseStore(settings.ensure())
    manifests = store.all()
    for m in manifests:
        hash_files(m)  # refuse before building if a stored release's file changed or moved
    with atomic_ledger(settings, fresh=True) as con:
        rows: dict[str, dict[str, int]] = {}
        for name, target in (REGISTRY_STEPS if steps is None else steps):
            progress("step", name=name)
            res = resolve_step(target)(con, ctx)
            rows[name] = res.tables
            for f in res.findings:
                f.step = f.step or name
            report.extend(res.findings)
            _record_step(con, build_id, name, res)
        runs: list[RunSummary] = []
        for m in manifests:
            progress("release", name=m.release_id)
            summary = load_release(con, m, new_run_id(), progress=progress)
            runs.append(summary)
            for f in summary.findings:
                f.step = f.step or f"release {m.release_id}"
            report.extend(summary.findings)
            rows[f"release {m.release_id}"] = {t: v.rows_loaded for t, v in summary.tables.items()}
            _record_step(con, build_id, f"release {m.release_id}", StepResult({t: v.rows_loaded for t, v in summary.tables.items()}))
        con.execute(insert_sql("build_runs", run_status="'succeeded'"), [build_id, started, _now(), code_version()])
    report.summary = {"build_id": build_id, "rows": rows, "releases": [r.to_dict() | {"findings": len(r.findings)} for r in runs]}
    return report


def _record_step(con, build_id: str, name: str, res: StepResult) -> None:
    for table, n in res.tables.items():
        con.execute(insert_sql("build_steps"), [build_id, name, table, n])
    for f in res.findings:
        con.execute(insert_sql("build_findings"),
                    [build_id, f.step or name, f.severity, f.code, f.message, f.fix, json.dumps(f.detail, default=str), f.count])

"""Small hand-made ledgers for measure tests, built through the real schema: tables from
``create_all_sql()``, bookkeeping rows as an ingest writes them, and the real duplicate rules and
AOR normalisation (``pipeline.dedupe.finalize_sql``) applied to hand-written rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from iceledger.metadata import create_all_sql, create_table_sql, field_, quote, table as table_meta
from iceledger.pipeline import dedupe

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
                received: str | None = None, registered: str = "2026-01-01 00:00:00") -> "HandLedger":
        run_id = f"run-{release_id}"
        self.meta[release_id] = {"era": era, "namespace": namespace or era, "synthetic": synthetic, "run_id": run_id}
        self.con.execute("INSERT INTO releases VALUES (?, 'ICE', NULL, ?, ?, ?, NULL, 'hand-made test release', ?, ?, ?)",
                         [release_id, received, era, namespace or era, synthetic, "0" * 64, registered])
        self.con.execute("INSERT INTO ingest_runs VALUES (?, ?, ?, ?, 'test', 'succeeded', [], 0, 0, 0, 0, TRUE)",
                         [run_id, release_id, registered, registered])
        return self

    def add(self, table_name: str, release_id: str, rows: list[dict], *, file_name: str | None = None) -> "HandLedger":
        t = table_meta(table_name)
        m = self.meta[release_id]
        file_name = file_name or f"{table_name.removeprefix('core_')}.xlsx"
        pending = f"pending__{table_name}"
        self.con.execute(create_table_sql(t, name=pending, replace=True).replace("TABLE", "TEMP TABLE", 1))
        derived = {field_(c).derived_from: c for c in t.fields if field_(c).derived_from}
        for i, r in enumerate(rows):
            row = {k: _as_value(v) for k, v in r.items()}
            for src, dst in derived.items():
                if src in row and dst not in row and isinstance(row[src], dt.datetime):
                    row[dst] = row[src].date()
            row.update(release_id=release_id, source_file=file_name, source_sheet="Sheet1", source_row=FIRST_DATA_ROW + i,
                       run_id=m["run_id"], is_synthetic=m["synthetic"], id_namespace=m["namespace"])
            cols = list(row)
            self.con.execute(f"INSERT INTO {pending} ({', '.join(quote(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [row[c] for c in cols])
        cols = dedupe.finalize_columns(t)
        self.con.execute(f"INSERT INTO {table_name} ({', '.join(quote(c) for c in cols)}) {dedupe.finalize_sql(t, pending)}")
        self.con.execute(f"DROP TABLE {pending}")
        sha = hashlib.sha256(f"{release_id}/{file_name}".encode()).hexdigest()
        self.con.execute("INSERT INTO release_files SELECT ?, ?, ?, 'xlsx', ?, 0, NULL WHERE NOT EXISTS "
                         "(SELECT 1 FROM release_files WHERE release_id = ? AND file_name = ?)",
                         [release_id, file_name, table_name, sha, release_id, file_name])
        key = (release_id, table_name)
        self.rows_loaded[key] = self.rows_loaded.get(key, 0) + len(rows)
        return self

    def sql(self, text: str) -> "HandLedger":
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

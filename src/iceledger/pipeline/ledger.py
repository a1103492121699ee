"""Opening the ledger, creating its schema, and swapping in a new one only when a build succeeds."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

import iceledger
from iceledger.errors import BuildError, NotFoundError
from iceledger.metadata import create_all_sql
from iceledger.settings import PROJECT_DIR, Settings

TEMP_SUFFIX = ".tmp-"
SMALL_INSERT_VALUES = 2000  # insert_rows: values bound as parameters of one statement up to this many


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, cols: Sequence[str], rows: list[list]) -> None:
    """Python rows into ``table``'s ``cols`` in one statement, through Arrow: DuckDB's executemany runs one statement
    per row (about 2 ms each inside a large ledger's transaction; 15,000 landmarks took minutes). Values DuckDB casts
    to the columns' types as an INSERT of VALUES would; rows Arrow cannot type go through executemany."""
    if not rows:
        return
    names = ", ".join(cols)
    if len(rows) * len(cols) <= SMALL_INSERT_VALUES:
        # a few rows (a run's column profiles) in one statement of parameters: converting Python values to Arrow
        # makes pyarrow import pandas (a third of a second)
        one = "(" + ", ".join("?" * len(cols)) + ")"
        con.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(rows))}", [v for r in rows for v in r])
        return
    import pyarrow as pa

    try:
        batch = pa.table({f"v{i}": pa.array([r[i] for r in rows]) for i in range(len(cols))})
    except (pa.ArrowException, TypeError, ValueError):
        con.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", rows)
        return
    con.register("insert_rows_batch", batch)
    try:
        con.execute(f"INSERT INTO {table} ({names}) SELECT * FROM insert_rows_batch")
    finally:
        con.unregister("insert_rows_batch")


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        pid = re.search(r"\(PID (\d+)\)", str(exc))
        raise BuildError("database_locked", f"{path} is open in another process ({'PID ' + pid.group(1) if pid else 'PID unknown'}) "
                         "that may write to it, so it cannot be opened now",
                         fix="wait for that command to finish, or close the program holding it (a script, a notebook, "
                             "an `iceledger serve`), then run this again") from None
    con.execute("SET enable_progress_bar = false")
    return con


def open_ledger(settings: Settings, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    if not settings.ledger_path.exists():
        raise NotFoundError("no_ledger", f"there is no ledger at {settings.ledger_path}",
                            fix="run `iceledger build` (registries) or `iceledger ingest PATH --release ID` first, or pass --home")
    return connect(settings.ledger_path, read_only=read_only)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for sql in create_all_sql():
        con.execute(sql)


@cache
def code_version() -> str:
    """Package version, plus the git commit when running from a checkout."""
    try:
        out = subprocess.run(["git", "-C", str(PROJECT_DIR), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        commit = out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{iceledger.__version__}+{commit}" if commit else iceledger.__version__


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(settings: Settings) -> list[Path]:
    """Temporary ledgers left by a build that was killed (its process is gone)."""
    return remove_stale_copies(settings.ledger_path)


def remove_stale_copies(path: Path) -> list[Path]:
    """Temporary copies of ``path`` (``NAME.tmp-PID`` and their ``.wal``) whose process is gone: what a
    killed build or publish leaves behind. A live process's copy is left alone."""
    removed = []
    for p in path.parent.glob(path.name + TEMP_SUFFIX + "*"):
        pid_part = p.name.split(TEMP_SUFFIX, 1)[1].split(".", 1)[0]
        if pid_part.isdigit() and not _pid_alive(int(pid_part)):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    settings.ensure()
    fh = open(settings.lock_path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("ledger_busy", f"another build or ingest is running on {settings.home}",
                             fix="wait for it to finish, then run the command again") from None
        yield
    finally:
        fh.close()


@contextmanager
def atomic_ledger(settings: Settings, *, fresh: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a temporary copy of the ledger (or a new empty one when ``fresh``).

    On success the copy replaces the ledger in one rename; on any failure, or if the process
    is killed, the previous ledger is untouched and the temporary file is discarded.
    """
    with build_lock(settings):
        remove_stale_temps(settings)
        tmp = settings.ledger_path.with_name(f"{settings.ledger_path.name}{TEMP_SUFFIX}{os.getpid()}")
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if not fresh and settings.ledger_path.exists():
            shutil.copyfile(settings.ledger_path, tmp)
        con = connect(tmp)
        try:
            ensure_schema(con)
            yield con
            con.execute("CHECKPOINT")
            con.close()
            os.replace(tmp, settings.ledger_path)
            dir_fd = os.open(settings.home, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            try:
                con.close()
            except duckdb.Error:
                pass
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
            raise

"""`iceledger publish` as a process that can be killed: what a `kill -9` leaves behind is cleaned at the
next start, and the worker processes that suppress cells die with their parent (issue 11)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
from tests.integration.publish_helpers import copy_home
from tests.integration.test_api_server import ENV

from iceledger.publish.publication import publish


def _dead_pid() -> int:
    pid = 4_000_000
    while psutil.pid_exists(pid):
        pid -= 1
    return pid


def test_a_publication_left_by_a_killed_process_is_removed_at_start(published, tmp_path):
    home = copy_home(published, tmp_path / "h")
    stale = home.home / f"public.duckdb.tmp-{_dead_pid()}"
    wal = stale.with_name(stale.name + ".wal")
    analyst = home.home / f"analyst.duckdb.tmp-{_dead_pid()}"
    for p in (stale, wal, analyst):
        p.write_bytes(b"left by a killed publish")
    alive = home.home / f"public.duckdb.tmp-{os.getppid()}"  # a live process's publication is left alone
    alive.write_bytes(b"x")
    publish(home)
    assert not stale.exists() and not wal.exists() and not analyst.exists()
    assert alive.exists()
    assert (home.home / "public.duckdb").exists()


def _workers(proc: psutil.Process) -> list[psutil.Process]:
    """The forked pool workers of ``proc``: children running the same command line."""
    try:
        return [c for c in proc.children() if c.cmdline() == proc.cmdline()]
    except psutil.Error:
        return []


def test_pool_workers_die_with_a_killed_publish(published, tmp_path):
    home = copy_home(published, tmp_path / "h")
    proc = subprocess.Popen([sys.executable, "-m", "iceledger", "publish", "--home", str(home.home), "--json"],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 300
    workers: list[psutil.Process] = []
    while not workers:
        assert proc.poll() is None, "publish ended before its worker pool was seen"
        assert time.time() < deadline, "no worker pool within 300 s"
        workers = _workers(parent)
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    gone, alive = psutil.wait_procs(workers, timeout=15)
    for p in alive:  # do not leave them behind when the test fails
        p.kill()
    assert not alive, f"{len(alive)} pool workers outlived their parent: {[p.pid for p in alive]}"


def test_a_failure_beside_the_gate_is_raised_as_by_a_publication_in_one_process(published, tmp_path, monkeypatch):
    """The tables that do not wait for the gate (and the claims' checks) are computed in a worker; when that
    fails, the publication computes them itself, so the error raised is the one it always raised (an
    IceledgerError does not come back whole from a worker), and the public database is not replaced."""
    from iceledger.errors import BuildError
    from iceledger.publish import publication

    home = copy_home(published, tmp_path / "h")
    before = (home.home / "public.duckdb").read_bytes()
    tried = tmp_path / "tried"

    def broken(engine, paths=None):
        with tried.open("a") as f:
            f.write(f"{os.getpid()}\n")
        raise BuildError("claims_broken", "the claims could not be checked", fix="a fix")

    monkeypatch.setattr(publication, "checked_claims", broken)
    try:
        publish(home)
    except BuildError as exc:
        assert exc.code == "claims_broken" and exc.fix == "a fix"
    else:
        raise AssertionError("the publication went through")
    pids = {int(p) for p in tried.read_text().split()}
    assert os.getpid() in pids  # raised here, by the publishing process
    if publication.workers() > 1:
        assert len(pids) == 2  # after the worker had tried
    assert (home.home / "public.duckdb").read_bytes() == before

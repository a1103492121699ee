"""A build killed with SIGKILL halfway leaves the previous ledger usable, and the next run cleans up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
from tests.integration.lesa_helpers import query, synth_and_ingest

from iceledger.synth import synthesize


def test_sigkill_mid_ingest_leaves_the_previous_ledger(home, tmp_path):
    synth_and_ingest(home, tmp_path, "L2", "arrests", 300)
    before = query(home, "SELECT count(*), sum(hash(person_id)) FROM core_arrests")[0]
    big = tmp_path / "big"
    synthesize("L2", "detention_stints", 60_000, 5, big, sheet_rows=20_000)
    env = {**os.environ, "ICELEDGER_HOME": str(home.home)}
    proc = subprocess.Popen([sys.executable, "-m", "iceledger", "ingest", "--manifest", str(big / "manifest.json")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tmp_ledger = home.ledger_path.with_name(f"{home.ledger_path.name}.tmp-{proc.pid}")
    deadline = time.time() + 120
    while not tmp_ledger.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert tmp_ledger.exists(), "the ingest should be working in a temporary copy"
    time.sleep(0.5)  # well into reading the workbooks
    assert proc.poll() is None, "the ingest finished before it could be killed; make the input bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the previous ledger is intact and usable
    assert query(home, "SELECT count(*), sum(hash(person_id)) FROM core_arrests")[0] == before
    assert query(home, "SELECT count(*) FROM core_detention_stints")[0][0] == 0
    con = duckdb.connect(str(home.ledger_path))  # writable too
    con.close()
    # the next run removes the dead build's temporary file and succeeds
    small = tmp_path / "small"
    synthesize("L2", "detention_stints", 200, 6, small)
    done = subprocess.run([sys.executable, "-m", "iceledger", "ingest", "--manifest", str(small / "manifest.json")],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not tmp_ledger.exists()
    assert query(home, "SELECT count(*) FROM core_detention_stints")[0][0] > 0

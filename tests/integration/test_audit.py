"""`iceledger audit` (issue 11): from a publication alone, the narrowest interval an attacker can prove for
every withheld count. On a demo-like publication no count is pinned; when a publication shows what
protected a small count, the audit finds the count and its exact value."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pytest
from tests.integration.publish_helpers import copy_home
from tests.integration.test_api_server import ENV

from iceledger.publish.audit import audit_publication
from iceledger.publish.publication import publish


@pytest.fixture(scope="module")
def demo_like(published, tmp_path_factory):
    """The session's SYNTHETIC sample published as `iceledger demo` publishes it (thin families coarsened),
    and its exact twin (the analyst database: the same cells, no suppression)."""
    home = copy_home(published, tmp_path_factory.mktemp("audit") / "h")
    publish(home)
    exact = home.home / "exact.duckdb"
    publish(home, exact=True, out=exact)
    return home, exact


def test_no_withheld_count_of_the_demo_like_publication_is_pinned(demo_like):
    home, _ = demo_like
    res = audit_publication(home.public_path)
    s = res.summary()
    assert s["withheld_cells"] > 1000 and s["relations"] > 500
    assert s["pinned_cells"] == 0, [i.describe() for i in res.pinned[:10]]
    assert s["inconsistent_relations"] == 0, res.inconsistent[:5]
    assert s["narrowest_width"] >= 1
    print(f"audit of the demo-like publication: {s}")


def _reveal_protectors(public, exact, out):
    """A copy of ``public`` that shows, from the exact twin, every withheld month-by-AOR count of one AOR and
    fiscal year but one small count: what a gate that withheld only small cells would publish there. Only
    that measure and year are kept (the others share no relation with them)."""
    shutil.copyfile(public, out)
    con = duckdb.connect(str(out))
    con.execute(f"ATTACH '{exact}' AS exact (READ_ONLY)")
    target = con.execute(
        "SELECT p.cell_fy, p.place_code, p.period_date, e.event_count FROM out_tabulations p JOIN exact.out_tabulations e "
        "USING (tabulation_key, cell_fy, period_date, place_code) WHERE p.tabulation_key = 'arrests/month/aor' "
        "AND p.is_suppressed AND e.event_count BETWEEN 1 AND 10 AND EXISTS (SELECT 1 FROM out_tabulations t WHERE "
        "t.tabulation_key = 'arrests/fy/aor' AND t.cell_fy = p.cell_fy AND t.place_code = p.place_code AND NOT t.is_suppressed) "
        "ORDER BY 1, 2, 3 LIMIT 1").fetchall()
    assert target, "the sample has a small month of an AOR whose fiscal year is shown"
    fy, aor, month, value = target[0]
    con.execute("UPDATE out_tabulations p SET event_count = e.event_count, is_suppressed = false FROM exact.out_tabulations e "
                "WHERE p.tabulation_key = e.tabulation_key AND p.cell_fy = e.cell_fy AND p.period_date = e.period_date "
                "AND p.place_code = e.place_code AND p.tabulation_key = 'arrests/month/aor' AND p.cell_fy = ? "
                "AND p.place_code = ? AND p.period_date <> ?", [fy, aor, month])
    con.execute("DELETE FROM out_tabulations WHERE measure_name <> 'arrests' OR cell_fy <> ?", [fy])  # keeps it quick
    con.execute("DETACH exact")
    con.execute("CHECKPOINT")
    con.close()
    return fy, aor, month, value


def test_a_count_its_neighbours_give_away_is_found_with_its_value(demo_like, tmp_path):
    home, exact = demo_like
    broken = tmp_path / "broken.duckdb"
    fy, aor, month, value = _reveal_protectors(home.public_path, exact, broken)
    res = audit_publication(broken)
    pinned = {(i.key[0], i.key[1], i.key[3], i.key[5]): i for i in res.pinned}
    hit = pinned[("arrests", fy, month, aor)]
    assert hit.low == hit.high == value


def test_the_command_prints_one_envelope_and_exits_1_when_a_count_is_pinned(demo_like, tmp_path):
    home, exact = demo_like
    broken = tmp_path / "broken.duckdb"
    _reveal_protectors(home.public_path, exact, broken)
    out = subprocess.run([sys.executable, "-m", "iceledger", "audit", str(broken), "--json"], capture_output=True,
                         text=True, env=ENV, timeout=900)
    assert out.returncode == 1, out.stderr
    body = json.loads(out.stdout)
    assert body["ok"] is True and body["data"]["pinned_cells"] >= 1 and body["data"]["pinned"]
    missing = subprocess.run([sys.executable, "-m", "iceledger", "audit", str(tmp_path / "nope.duckdb"), "--json"],
                             capture_output=True, text=True, env=ENV, timeout=120)
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "no_publication"

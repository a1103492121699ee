"""`iceledger publish` from a fresh build: what public.duckdb holds, and what it never holds."""

from __future__ import annotations

import re

import duckdb
import pytest
from tests.integration.publish_helpers import copy_home

from iceledger.metadata import tables as declared
from iceledger.publish import publication
from iceledger.publish.lattice import load_lattice, load_policy
from iceledger.publish.publication import publish

IDENTIFIER_COLUMN = re.compile(r"(person|subject|alien|a_number|anonymi[sz]|unique_identifier|eid_|birth_date|"
                               r"source_row|source_file|source_sheet|origin_row|raw_row|raw_value|file_path|case_id)")
SYNTHETIC_ID = re.compile(r"SYN[A-Z0-9]{2}[0-9A-F]{15}")
LOCAL_PATH = re.compile(r"(^|[\s'\"])(/tmp/|/home/|/root/|/work/|[A-Z]:\\\\)")


def _tables(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]


def _text_columns(con, name: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? AND "
                                      "(data_type LIKE 'VARCHAR%' OR data_type LIKE 'MAP%')", [name]).fetchall()]


@pytest.fixture(scope="module")
def public(published):
    con = duckdb.connect(str(published.public_path), read_only=True)
    yield con
    con.close()


def test_only_public_and_registry_tables(public):
    kinds = {t.name: t.kind for t in declared().values()}
    for name in _tables(public):
        assert name.startswith(("out_", "ref_")), name
        if name.startswith("out_"):
            assert kinds.get(name) == "public", f"{name} is not declared as a public table"
        assert kinds.get(name) not in ("core", "ledger"), name


def test_scan_finds_no_identifiers_paths_or_record_level_rows(public, published):
    ledger = duckdb.connect(str(published.ledger_path), read_only=True)
    person_ids = {r[0] for t in ("core_arrests", "core_detainers", "core_detention_stints", "core_encounters", "core_removals")
                  for r in ledger.execute(f"SELECT DISTINCT person_id FROM {t} WHERE person_id IS NOT NULL").fetchall()}
    core_counts = {ledger.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                   for t in ("core_arrests", "core_detainers", "core_detention_stints", "core_encounters", "core_removals")}
    ledger.close()
    assert len(person_ids) > 100  # the sample does carry identifiers in the ledger
    scanned = 0
    for name in _tables(public):
        cols = [r[0] for r in public.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                             [name]).fetchall()]
        for c in cols:
            assert not IDENTIFIER_COLUMN.search(c), f"{name}.{c} is named like an identifier or a record key"
        n = public.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        if n >= 100:
            assert n not in core_counts, f"{name} has as many rows as a record-level table"
        for c in _text_columns(public, name):
            values = {r[0] for r in public.execute(f'SELECT DISTINCT CAST("{c}" AS VARCHAR) FROM "{name}"').fetchall()
                      if r[0] is not None}
            scanned += len(values)
            assert not (values & person_ids), f"{name}.{c} holds person identifiers"
            for v in values:
                assert not SYNTHETIC_ID.search(v), f"{name}.{c} holds an identifier-like value {v[:40]!r}"
                assert not LOCAL_PATH.search(v), f"{name}.{c} holds a local path {v[:60]!r}"
    assert scanned > 1000


def test_the_gate_holds_on_every_cell(public):
    t = load_policy().threshold
    small = public.execute("SELECT count(*) FROM out_tabulations WHERE event_count BETWEEN 1 AND ?", [t]).fetchall()[0][0]
    assert small == 0
    bad = public.execute("SELECT count(*) FROM out_tabulations WHERE (event_count IS NULL) <> is_suppressed").fetchall()[0][0]
    assert bad == 0
    assert public.execute("SELECT count(*) FROM out_tabulations WHERE is_suppressed").fetchall()[0][0] > 0
    assert public.execute("SELECT bool_and(is_synthetic) FROM out_tabulations").fetchall()[0][0] is True
    pub = public.execute("SELECT has_synthetic, is_exact, suppression_threshold FROM out_publication").fetchall()
    assert pub == [(True, False, t)]


SUMS = """
        WITH m AS (SELECT measure_name, cell_fy, place_code, sum(event_count) AS months, bool_or(is_suppressed) AS hidden
                   FROM out_tabulations WHERE time_grain = 'month' AND cell_place_level = 'aor' AND category_1 IS NULL GROUP BY ALL),
             y AS (SELECT measure_name, cell_fy, place_code, event_count FROM out_tabulations
                   WHERE time_grain = 'fy' AND cell_place_level = 'aor' AND category_1 IS NULL)
        SELECT y.event_count, m.months FROM y JOIN m USING (measure_name, cell_fy, place_code)
        WHERE NOT m.hidden AND y.event_count IS NOT NULL"""


def test_fiscal_years_are_the_sum_of_their_months(public, published):
    from iceledger.publish.analyst import ensure_analyst_db

    assert all(a == b for a, b in public.execute(SUMS).fetchall())  # where the gate shows both
    exact = duckdb.connect(str(ensure_analyst_db(published)), read_only=True)
    rows = exact.execute(SUMS).fetchall()
    exact.close()
    assert len(rows) > 20 and all(a == b for a, b in rows)


def test_every_lattice_table_is_published_and_audited(public):
    keys = {r[0] for r in public.execute("SELECT DISTINCT tabulation_key FROM out_tabulations").fetchall()}
    declared_keys = {t.key for t in load_lattice().tables()}
    assert keys <= declared_keys and len(keys) > 50
    audit = dict(public.execute("SELECT tabulation_key, sum(cells_count) FROM out_suppression_audit GROUP BY 1").fetchall())
    cells = dict(public.execute("SELECT tabulation_key, cells_count FROM out_lattice").fetchall())
    assert audit == cells
    counts = dict(public.execute("SELECT tabulation_key, count(*) FROM out_tabulations GROUP BY 1").fetchall())
    assert counts == cells


def test_registries_and_release_metadata_are_copied(public, published):
    names = _tables(public)
    ledger = duckdb.connect(str(published.ledger_path), read_only=True)
    refs = [r[0] for r in ledger.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'ref_%'").fetchall()]
    for r in refs:
        assert r in names
        assert public.execute(f"SELECT count(*) FROM {r}").fetchall() == ledger.execute(f"SELECT count(*) FROM {r}").fetchall()
    files = ledger.execute("SELECT release_id, file_name, sha256 FROM release_files ORDER BY 1, 2").fetchall()
    ledger.close()
    assert public.execute("SELECT release_id, file_name, sha256 FROM out_release_files ORDER BY 1, 2").fetchall() == files
    verdicts = dict(public.execute("SELECT claim_id, claim_verdict FROM out_claim_results").fetchall())
    assert verdicts == {"safe-city-2017-nearly-500": "supported", "safe-city-2017-four-days": "supported",
                        "safe-city-2017-ended-sep-24": "contradicted", "arrests-2017-up-43-percent": "supported",
                        "safe-city-2017-ten-areas": "contradicted", "mega-2017-at-least-8000": "not_testable"}
    notes = public.execute("SELECT publication_notes FROM out_publication").fetchall()[0][0]
    assert notes[0].startswith("SYNTHETIC")


def test_a_failed_publish_leaves_the_previous_publication(published, tmp_path, monkeypatch):
    home = copy_home(published, tmp_path / "h")
    before = home.public_path.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("killed mid-publish")

    monkeypatch.setattr(publication, "_insert", boom)
    with pytest.raises(RuntimeError):
        publish(home)
    assert home.public_path.read_bytes() == before
    assert not list(tmp_path.glob("h/*.tmp-*"))


def test_a_higher_threshold_withholds_more(published, tmp_path):
    home = copy_home(published, tmp_path / "h20")
    rep = publish(home, threshold=20)
    con = duckdb.connect(str(home.public_path), read_only=True)
    assert con.execute("SELECT count(*) FROM out_tabulations WHERE event_count BETWEEN 1 AND 20").fetchall()[0][0] == 0
    assert con.execute("SELECT suppression_threshold FROM out_publication").fetchall()[0][0] == 20
    con.close()
    assert rep.summary["cells"]["withheld_small"] > 0


def test_thin_families_are_published_coarser_and_say_so(published, tmp_path):
    home = copy_home(published, tmp_path / "thin")
    rep = publish(home)  # the lattice's own limit on thin families
    coarsened = [f for f in rep.findings if f.code == "family_coarsened"]
    assert coarsened, "the small synthetic sample is thin: some family must be coarsened"
    con = duckdb.connect(str(home.public_path), read_only=True)
    keys = {r[0] for r in con.execute("SELECT tabulation_key FROM out_lattice").fetchall()}
    notes = con.execute("SELECT publication_notes FROM out_publication").fetchall()[0][0]
    shown = con.execute("SELECT count(*) FILTER (WHERE NOT is_suppressed), count(*) FROM out_tabulations "
                        "WHERE tabulation_key = 'arrests/fy/national'").fetchall()[0]
    assert con.execute("SELECT count(*) FROM out_tabulations WHERE event_count BETWEEN 1 AND 10").fetchall()[0][0] == 0
    con.close()
    assert "arrests/month/aor" in keys and "arrests/month/national" in keys  # the backbone stays
    assert any("too many small cells" in n for n in notes)
    full = duckdb.connect(str(published.public_path), read_only=True)  # every declared family kept
    shown_full = full.execute("SELECT count(*) FILTER (WHERE NOT is_suppressed) FROM out_tabulations "
                              "WHERE tabulation_key = 'arrests/fy/national'").fetchall()[0][0]
    full.close()
    assert shown[0] >= shown_full, "coarsening thin families never costs national totals"


def test_publishing_the_same_ledger_again_gives_the_same_cells(published, tmp_path):
    """The gate's choices depend on the counts only: two publications of one ledger show and withhold the
    same cells (a cache keyed by object address once let a later cube reuse an earlier cube's levels)."""
    cells = "SELECT tabulation_key, cell_fy, period_date, place_code, category_1_value, category_2_value, event_count, is_suppressed " \
            "FROM out_tabulations ORDER BY ALL"
    runs = []
    for name in ("again-1", "again-2"):
        home = copy_home(published, tmp_path / name)
        publish(home)
        con = duckdb.connect(str(home.public_path), read_only=True)
        runs.append(con.execute(cells).fetchall())
        con.close()
    assert runs[0] == runs[1] and any(r[-1] for r in runs[0])

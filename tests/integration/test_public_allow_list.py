"""The allow-list of public tables (issue 11): publish copies only the registries the metadata declares
public, with their declared columns, and the public server refuses a database holding any other table
or column, as it refuses the ledger."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from tests.integration.publish_helpers import copy_home

from iceledger.errors import BuildError
from iceledger.metadata import tables
from iceledger.publish.publication import publish
from iceledger.publish.query import PublicData


@pytest.fixture(scope="module")
def republished(published, tmp_path_factory):
    """The session's ledger with a registry a plug-in might add (record-level rows) and a record-level column
    slipped into a declared registry, published again."""
    home = copy_home(published, tmp_path_factory.mktemp("allow") / "h")
    con = duckdb.connect(str(home.ledger_path))
    con.execute("CREATE TABLE ref_plugin_people AS SELECT person_id, apprehension_date, aor_code FROM core_arrests LIMIT 50")
    con.execute("ALTER TABLE ref_aors ADD COLUMN person_id VARCHAR DEFAULT 'A012345678'")
    con.execute("CHECKPOINT")
    con.close()
    publish(home)
    return home


def _columns(path, table):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                          [table]).fetchall()]
    finally:
        con.close()


def test_publish_copies_only_declared_registries_and_columns(republished):
    pub = republished.public_path
    con = duckdb.connect(str(pub), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    assert "ref_plugin_people" not in names
    assert "person_id" not in _columns(pub, "ref_aors")
    declared = tables()
    for n in names:
        assert n in declared and (declared[n].kind == "public" or declared[n].public), n
        assert set(_columns(pub, n)) <= set(declared[n].columns), n
    assert "aor_name" in _columns(pub, "ref_aors")  # the declared ones are all there
    PublicData.open(pub, public=True).close()


@pytest.mark.parametrize("sql, what", [
    ("CREATE TABLE ref_plugin_people (person_id VARCHAR, aor_code VARCHAR)", "ref_plugin_people"),
    ("CREATE TABLE out_people (person_id VARCHAR)", "out_people"),
    ("ALTER TABLE ref_aors ADD COLUMN person_id VARCHAR", "ref_aors.person_id"),
    ("ALTER TABLE out_tabulations ADD COLUMN source_row BIGINT", "out_tabulations.source_row"),
])
def test_the_public_server_refuses_undeclared_tables_and_columns(published, tmp_path, sql, what):
    pub = tmp_path / "public.duckdb"
    shutil.copyfile(published.public_path, pub)
    con = duckdb.connect(str(pub))
    con.execute(sql)
    con.execute("CHECKPOINT")
    con.close()
    for public in (True, False):
        with pytest.raises(BuildError) as exc:
            PublicData.open(pub, public=public)
        assert exc.value.code == "not_a_publication" and what in exc.value.message

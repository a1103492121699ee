"""Flag, don't drop: named duplicate rules, applied to a release's rows once they are all loaded.

``ddp_episode_24h`` (arrests) follows the Deportation Data Project's episode rule: within one
release, sort each person's arrests by date and time, reprocessed arrests (`ERO Reprocessed
Arrest`) last among equal times, then file, sheet and row; a new episode starts when the gap to the
person's previous arrest is 24 hours or more (rows less than 24 hours apart share an episode).
Rows without a person identifier or without a time are episodes of their own. Every row of an
episode with more than one row is ``is_duplicate_likely``; the first is ``is_episode_first``.
``episode_id`` is the release row number (rows in the order they were read: files, sheets, rows) of the
episode's first row.

``ddp_same_person_day`` (other tables): more than one row for the same person and event date.

Rows are loaded as what most rows are, an episode of their own that duplicates nothing (``load_defaults``);
the windows then run only over the rows of people seen more than once in the release, and only the rows
they flag are updated. See docs/duplicates.md.
"""

from __future__ import annotations

import csv
import re

from iceledger.metadata import Table, quote
from iceledger.metadata.model import METADATA_DIR

EPISODE_RULE = "ddp_episode_24h"
SAME_DAY_RULE = "ddp_same_person_day"
EPISODE_GAP_HOURS = 24
REPROCESSED_METHOD = "ERO Reprocessed Arrest"


def normalize_aor_key(text: str) -> str:
    text = re.sub(r"(?i)\s*area of responsibility\s*$", "", text)
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


AOR_KEY_SQL = ("trim(regexp_replace(upper(regexp_replace({col}, '(?i)\\s*area of responsibility\\s*$', '')), "
               "'[^A-Z0-9]+', ' ', 'g'))")


def aor_lookup_rows() -> list[tuple[str, str]]:
    """Normalized text → AOR code, from the aor code list (code, name and aliases)."""
    rows = {}
    with (METADATA_DIR / "codes" / "aor.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            for text in [r["code"], r["name"], *filter(None, (r["aliases"] or "").split(";"))]:
                rows[normalize_aor_key(text)] = r["code"]
    return sorted(rows.items())


def ensure_aor_lookup(con) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE aor_lookup (aor_key VARCHAR, aor_code VARCHAR)")
    con.executemany("INSERT INTO aor_lookup VALUES (?, ?)", aor_lookup_rows())


def load_defaults(table: Table, row_base: int) -> dict[str, str]:
    """SQL (over ``source_row``) of the flags each row of ``table`` is loaded with: its own episode, numbered by its
    release row number (``row_base + source_row``), duplicating nothing, under the table's rule."""
    if table.name == "core_arrests":
        return {"episode_id": f"{row_base} + source_row", "is_duplicate_likely": "FALSE", "is_episode_first": "TRUE",
                "duplicate_rule": f"'{EPISODE_RULE}'"}
    return {"is_duplicate_likely": "FALSE", "duplicate_rule": f"'{SAME_DAY_RULE}'"}


def _fill_defaults(con, table: Table, params: dict) -> None:
    """Rows of the release loaded without the flags (not through the reader): numbered after the others, in file,
    sheet and row order, and given the defaults."""
    defaults = load_defaults(table, 0)
    sets = ", ".join(f"{c} = {v}" for c, v in defaults.items() if c != "episode_id")
    if "episode_id" in defaults:
        sets += ", episode_id = n.row_number"
        source = (f"FROM (SELECT rowid AS rid, (SELECT coalesce(max(episode_id), 0) FROM {table.name} WHERE release_id = $release) "
                  f"+ row_number() OVER (ORDER BY source_file, source_sheet NULLS FIRST, source_row) AS row_number "
                  f"FROM {table.name} WHERE release_id = $release AND duplicate_rule IS NULL) n WHERE {table.name}.rowid = n.rid")
    else:
        source = "WHERE release_id = $release AND duplicate_rule IS NULL"
    con.execute(f"UPDATE {table.name} SET {sets} {source}", params)


def _repeated_people(table: Table, date_col: str | None = None) -> str:
    """People (with ``date_col``: person and date) seen more than once in the release."""
    keys = "person_id" + (f", {date_col}" if date_col else "")
    not_null = " AND ".join(f"{k.strip()} IS NOT NULL" for k in keys.split(","))
    return f"SELECT {keys} FROM {table.name} WHERE release_id = $release AND {not_null} GROUP BY ALL HAVING count(*) > 1"


def _episode_flags_sql(table: Table) -> str:
    """Narrow query (rowid → flags) over the arrests of people arrested more than once in one release: the episode
    rule, for the rows of episodes of more than one row (every other row keeps its defaults).

    Only rows less than 24 hours from the person's previous or next arrest (``near``, in time order) can share an
    episode; the rule's ordering then runs over those alone (leaving the others out changes no chain: a row 24 hours or
    more from both neighbours sits between rows 48 hours or more apart). An episode starts where the gap to the
    previous row is 24 hours or more; a row is in an episode of several rows when it does not start one, or the next
    row does not; the episode's id is its first row's own number."""
    order = "t NULLS LAST, is_reprocessed, source_file, source_sheet NULLS FIRST, source_row"
    gap = f"INTERVAL {EPISODE_GAP_HOURS} HOURS"
    return f"""
    WITH base AS (
      SELECT rowid AS rid, person_id AS pkey, apprehension_datetime AS t, episode_id AS own,
             coalesce(apprehension_method = '{REPROCESSED_METHOD}', FALSE) AS is_reprocessed,
             source_file, source_sheet, source_row
      FROM {table.name} WHERE release_id = $release AND person_id IN (SELECT person_id FROM ({_repeated_people(table)}))),
    near AS (
      SELECT * FROM base WINDOW n AS (PARTITION BY pkey ORDER BY t)
      QUALIFY t - lag(t) OVER n < {gap} OR lead(t) OVER n - t < {gap}),
    starts AS (
      SELECT *, t IS NULL OR coalesce(t - lag(t) OVER w >= {gap}, TRUE) AS is_start
      FROM near WINDOW w AS (PARTITION BY pkey ORDER BY {order})),
    flagged AS (
      SELECT rid, last_value(CASE WHEN is_start THEN own END IGNORE NULLS) OVER e AS episode_id,
             NOT is_start OR NOT coalesce(lead(is_start) OVER e, TRUE) AS is_duplicate_likely, is_start AS is_episode_first
      FROM starts WINDOW e AS (PARTITION BY pkey ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
    SELECT * FROM flagged WHERE is_duplicate_likely"""


def finalize_release(con, table: Table, release_id: str) -> None:
    """Fill in, for one release's rows of ``table``, the AOR code and the duplicate flags.

    Only the rows the rules flag are updated (the others keep the flags they were loaded with), and the flags are
    computed on a narrow projection of the rows of people seen more than once: never the whole rows.
    """
    params = {"release": release_id}
    if table.aor_field:
        # the key (two regular expressions) of each distinct text, not of each row
        col, key = quote(table.aor_field), AOR_KEY_SQL.format(col="raw")
        con.execute(f"UPDATE {table.name} SET aor_code = m.aor_code FROM ("
                    f"SELECT raw, lk.aor_code FROM (SELECT DISTINCT {col} AS raw FROM {table.name} WHERE release_id = $release "
                    f"AND {col} IS NOT NULL) d JOIN aor_lookup lk ON lk.aor_key = {key}) m "
                    f"WHERE {table.name}.release_id = $release AND {table.name}.{col} = m.raw", params)
    _fill_defaults(con, table, params)
    if table.name == "core_arrests":
        con.execute(f"CREATE OR REPLACE TEMP TABLE dup_flags AS {_episode_flags_sql(table)}", params)
        con.execute(f"UPDATE {table.name} SET episode_id = f.episode_id, is_duplicate_likely = TRUE, "
                    f"is_episode_first = f.is_episode_first FROM dup_flags f WHERE {table.name}.rowid = f.rid")
        con.execute("DROP TABLE dup_flags")
    else:
        assert table.event is not None, f"{table.name} declares no event"
        date_col = quote(table.event.removesuffix("_datetime") + "_date")
        con.execute(f"UPDATE {table.name} SET is_duplicate_likely = TRUE FROM ({_repeated_people(table, date_col)}) d "
                    f"WHERE {table.name}.release_id = $release AND {table.name}.person_id = d.person_id "
                    f"AND {table.name}.{date_col} = d.{date_col}", params)

"""Flag, don't drop: named duplicate rules, applied to a release's rows once they are all loaded.

``ddp_episode_24h`` (arrests) follows the Deportation Data Project's episode rule: within one
release, sort each person's arrests by date and time, reprocessed arrests (`ERO Reprocessed
Arrest`) last among equal times, then file, sheet and row; a new episode starts when the gap to the
person's previous arrest is 24 hours or more (rows less than 24 hours apart share an episode).
Rows without a person identifier or without a time are episodes of their own. Every row of an
episode with more than one row is ``is_duplicate_likely``; the first is ``is_episode_first``.

``ddp_same_person_day`` (other tables): more than one row for the same person and event date.
See docs/duplicates.md.
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


def _person_key() -> str:
    return "coalesce(person_id, '~row:' || source_file || ':' || coalesce(source_sheet, '') || ':' || CAST(source_row AS VARCHAR))"


def _episode_flags_sql(table: Table) -> str:
    """Narrow query (rowid → flags) over one release's arrests: the episode rule."""
    order = "t NULLS LAST, is_reprocessed, source_file, source_sheet NULLS FIRST, source_row"
    return f"""
    WITH base AS (
      SELECT rowid AS rid, {_person_key()} AS pkey, apprehension_datetime AS t,
             coalesce(apprehension_method = '{REPROCESSED_METHOD}', FALSE) AS is_reprocessed,
             source_file, source_sheet, source_row
      FROM {table.name} WHERE release_id = $release),
    ordered AS (
      SELECT *, lag(t) OVER w AS prev_t, row_number() OVER w AS seq
      FROM base WINDOW w AS (PARTITION BY pkey ORDER BY {order})),
    episodes AS (
      SELECT *, sum(CASE WHEN seq = 1 OR t IS NULL OR prev_t IS NULL
                         OR t - prev_t >= INTERVAL {EPISODE_GAP_HOURS} HOURS THEN 1 ELSE 0 END)
                OVER (PARTITION BY pkey ORDER BY seq ROWS UNBOUNDED PRECEDING) AS ep_no
      FROM ordered)
    SELECT rid, dense_rank() OVER (ORDER BY pkey, ep_no) AS episode_id,
           count(*) OVER (PARTITION BY pkey, ep_no) > 1 AS is_duplicate_likely,
           row_number() OVER (PARTITION BY pkey, ep_no ORDER BY seq) = 1 AS is_episode_first
    FROM episodes"""


def _same_day_flags_sql(table: Table) -> str:
    assert table.event is not None, f"{table.name} declares no event"
    date_col = quote(table.event.removesuffix("_datetime") + "_date")
    return f"""
    SELECT rowid AS rid,
           CASE WHEN person_id IS NULL OR {date_col} IS NULL THEN FALSE
                ELSE count(*) OVER (PARTITION BY person_id, {date_col}) > 1 END AS is_duplicate_likely
    FROM {table.name} WHERE release_id = $release"""


def finalize_release(con, table: Table, release_id: str) -> None:
    """Fill in, for one release's rows of ``table``, the AOR code and the duplicate flags.

    Flags are computed on a narrow projection and written with UPDATE: only these columns are
    rewritten, never the whole rows.
    """
    params = {"release": release_id}
    if table.aor_field:
        key = AOR_KEY_SQL.format(col=quote(table.aor_field))
        con.execute(f"UPDATE {table.name} SET aor_code = lk.aor_code FROM aor_lookup lk "
                    f"WHERE {table.name}.release_id = $release AND lk.aor_key = {key}", params)
    if table.name == "core_arrests":
        con.execute(f"CREATE OR REPLACE TEMP TABLE dup_flags AS {_episode_flags_sql(table)}", params)
        con.execute(f"UPDATE {table.name} SET episode_id = f.episode_id, is_duplicate_likely = f.is_duplicate_likely, "
                    f"is_episode_first = f.is_episode_first, duplicate_rule = '{EPISODE_RULE}' "
                    f"FROM dup_flags f WHERE {table.name}.rowid = f.rid")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE dup_flags AS {_same_day_flags_sql(table)}", params)
        con.execute(f"UPDATE {table.name} SET is_duplicate_likely = f.is_duplicate_likely, duplicate_rule = '{SAME_DAY_RULE}' "
                    f"FROM dup_flags f WHERE {table.name}.rowid = f.rid")
    con.execute("DROP TABLE dup_flags")

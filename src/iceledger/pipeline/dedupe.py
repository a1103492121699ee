"""Flag, don't drop: named duplicate rules, applied as a release's rows move into the canonical table.

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

import re

from iceledger.metadata import Table, code_list, quote

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
    cl = code_list("aor")
    rows = {}
    import csv

    from iceledger.metadata.model import METADATA_DIR

    with (METADATA_DIR / "codes" / "aor.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            for text in [r["code"], r["name"], *filter(None, (r["aliases"] or "").split(";"))]:
                rows[normalize_aor_key(text)] = r["code"]
    assert set(rows.values()) <= set(cl.values)
    return sorted(rows.items())


def ensure_aor_lookup(con) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE aor_lookup (aor_key VARCHAR, aor_code VARCHAR)")
    con.executemany("INSERT INTO aor_lookup VALUES (?, ?)", aor_lookup_rows())


def _person_key() -> str:
    return ("coalesce(person_id, '~row:' || source_file || ':' || coalesce(source_sheet, '') || ':' || CAST(source_row AS VARCHAR))")


def finalize_sql(table: Table, pending: str) -> str:
    """SELECT of every column of ``table`` from its pending rows: AOR code and duplicate flags filled in."""
    flags = {"episode_id", "is_duplicate_likely", "is_episode_first", "duplicate_rule", "aor_code"}
    keep = [c for c in table.columns if c not in flags]
    base = ", ".join(f"p.{quote(c)}" for c in keep)
    aor = f"lk.aor_code AS aor_code" if table.aor_field else "NULL AS aor_code"
    join = (f"LEFT JOIN aor_lookup lk ON lk.aor_key = {AOR_KEY_SQL.format(col='p.' + quote(table.aor_field))}"
            if table.aor_field else "")
    order = "source_file, source_sheet NULLS FIRST, source_row"
    if table.name == "core_arrests":
        gap = f"INTERVAL {EPISODE_GAP_HOURS} HOURS"
        sql = f"""
        WITH base AS (
          SELECT {base}, {aor}, {_person_key()} AS pkey,
                 coalesce(p.apprehension_method = '{REPROCESSED_METHOD}', FALSE) AS is_reprocessed
          FROM {pending} p {join}),
        ordered AS (
          SELECT *, lag(apprehension_datetime) OVER w AS prev_dt, row_number() OVER w AS seq
          FROM base WINDOW w AS (PARTITION BY pkey ORDER BY apprehension_datetime NULLS LAST, is_reprocessed, {order})),
        episodes AS (
          SELECT *, sum(CASE WHEN seq = 1 OR apprehension_datetime IS NULL OR prev_dt IS NULL
                             OR apprehension_datetime - prev_dt >= {gap} THEN 1 ELSE 0 END)
                    OVER (PARTITION BY pkey ORDER BY seq ROWS UNBOUNDED PRECEDING) AS ep_no
          FROM ordered),
        flagged AS (
          SELECT *, dense_rank() OVER (ORDER BY pkey, ep_no) AS episode_id,
                 count(*) OVER (PARTITION BY pkey, ep_no) > 1 AS is_duplicate_likely,
                 row_number() OVER (PARTITION BY pkey, ep_no ORDER BY seq) = 1 AS is_episode_first
          FROM episodes)
        SELECT {', '.join(quote(c) for c in keep)}, aor_code, episode_id, is_duplicate_likely, is_episode_first,
               '{EPISODE_RULE}' AS duplicate_rule
        FROM flagged ORDER BY {order}"""
    else:
        date_col = next(c for c in table.fields if c.endswith("_date") and c.startswith(table.event.removesuffix("_datetime")))
        sql = f"""
        WITH base AS (SELECT {base}, {aor} FROM {pending} p {join})
        SELECT {', '.join(quote(c) for c in keep)}, aor_code,
               CASE WHEN person_id IS NULL OR {quote(date_col)} IS NULL THEN FALSE
                    ELSE count(*) OVER (PARTITION BY person_id, {quote(date_col)}) > 1 END AS is_duplicate_likely,
               '{SAME_DAY_RULE}' AS duplicate_rule
        FROM base ORDER BY {order}"""
    return sql


def finalize_columns(table: Table) -> list[str]:
    flags = {"episode_id", "is_duplicate_likely", "is_episode_first", "duplicate_rule", "aor_code"}
    keep = [c for c in table.columns if c not in flags]
    out = keep + ["aor_code"]
    if table.name == "core_arrests":
        out += ["episode_id", "is_duplicate_likely", "is_episode_first", "duplicate_rule"]
    else:
        out += ["is_duplicate_likely", "duplicate_rule"]
    return out

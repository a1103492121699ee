"""Checks against registry facts the agencies published besides single figures: 287(g) agreements on
ICE's lists (on a day, or their change between two days), the entries of a government designation
list, and a number of ICE's detention statistics workbooks. Each is an official publication (ICE's
list, DHS's or DOJ's list, ICE's workbook), so each check decides like a published figure. Queries are
plain SQL with the values written in, shown with the result.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from iceledger.claims import registry_sql
from iceledger.claims.claim_files import LoadedClaim
from iceledger.claims.result import Check
from iceledger.claims.vocabulary import CONTRADICTED, NOT_TESTABLE, SUPPORTED, as_decimal, compare, format_number

TABLES = {"agreements": ["ref_287g_listings", "ref_287g_snapshots"], "designations": ["ref_policy_designations", "ref_designation_lists"],
          "detstats": ["ref_detstats_values", "ref_detstats_blocks"]}
ICE_287G_PAGE = "https://www.ice.gov/identify-and-arrest/287g"

AGREEMENTS_SQL = """WITH list AS (SELECT max(g287_snapshot_id) AS snap FROM ref_287g_snapshots
                WHERE g287_list_status = 'participating' AND g287_snapshot_date <= DATE {day})
SELECT list.snap AS snapshot, count(DISTINCT (l.agency_state_name, l.agency_key, l.g287_model_code)) AS agreements
FROM list LEFT JOIN ref_287g_listings l ON l.g287_snapshot_id = list.snap AND l.g287_list_status = 'participating'
     AND l.agency_key IS NOT NULL AND l.g287_model_code IS NOT NULL{filters}
GROUP BY list.snap"""

# An entry's level is the heading the list puts it under, except where a listed rule says the heading is wrong
# (Kansas's swapped headings) or the entry is the list's ground for naming a state.
LEVEL = "CASE WHEN d.match_status IN ('repaired', 'ground') THEN d.matched_level ELSE coalesce(d.listed_level, d.matched_level) END"
DESIGNATIONS_SQL = """SELECT l.designated_by, l.designation_date, l.designation_list_title, l.designation_withdrawn_date,
       l.source_url, """ + LEVEL + """ AS level, count(d.designation_id) AS entries
FROM ref_designation_lists l LEFT JOIN ref_policy_designations d ON d.designation_list_id = l.designation_list_id{filters}
WHERE l.designation_list_id = {list}
GROUP BY ALL ORDER BY level"""

DETSTATS_SQL = """SELECT v.detstats_value, v.detstats_cell, v.detstats_measure, v.detstats_unit, b.detstats_sheet,
       b.detstats_block_title, v.source_id
FROM ref_detstats_values v JOIN ref_detstats_blocks b USING (detstats_fy, detstats_block)
WHERE v.detstats_fy = {fy} AND v.detstats_block = {block} AND v.detstats_row_label = {row} AND v.detstats_column_label = {column}"""


def blank(lc: LoadedClaim, why: str, testable_when: str, **extra) -> Check:
    c = lc.claim
    return Check("official", NOT_TESTABLE, True, c.comparison, c.expected, c.tolerance, explanation=why + ".",
                 testable_when=testable_when, **extra)


def check_fact(engine, lc: LoadedClaim, kind: str) -> Check:
    return {"agreements": check_agreements, "designations": check_designations, "detstats": check_detstats}[kind](engine, lc)


def decided(lc: LoadedClaim, value, how: str, shown: dict, sql: str) -> Check:
    c = lc.claim
    outcome = compare(c.comparison, value, c.expected, c.tolerance)
    return Check("official", SUPPORTED if outcome.holds else CONTRADICTED, True, c.comparison, c.expected, c.tolerance,
                 value=value, explanation=f"{how}; {outcome.detail}.", official={**shown, "value": value}, query=sql)


def agreements_on(engine, day, a) -> tuple[str | None, int, str]:
    filters = "".join(f" AND l.{col} = {registry_sql.literal(v)}" for col, v in (("agency_state_code", a.state), ("g287_model_code", a.model)) if v)
    sql = AGREEMENTS_SQL.format(day=registry_sql.literal(day.isoformat()), filters=filters)
    row = registry_sql.fetch(engine, sql)[0]
    return row["snapshot"], int(row["agreements"]), sql


def check_agreements(engine, lc: LoadedClaim) -> Check:
    a = lc.claim.measure.official.agreements
    what = "287(g) agreements" + (f" of {a.model}" if a.model else "") + (f" in {a.state}" if a.state else "")
    snap, n, sql = agreements_on(engine, a.date, a)
    shown = {"registry": "ref_287g_listings", "source_url": ICE_287G_PAGE, "publisher": "ICE", "figure_kind": "official_publication",
             "list": snap, "agreements": n}
    if snap is None:
        return blank(lc, f"no ICE 287(g) list held here is dated on or before {a.date}",
                     "add an earlier capture of ICE's list (see docs/287g.md)", official=shown, query=sql)
    how = f"ICE's 287(g) list of {snap} (the latest on or before {a.date}) carries {format_number(n)} {what}"
    if a.value == "count":
        return decided(lc, n, how, shown, sql)
    snap0, n0, sql0 = agreements_on(engine, a.since, a)
    if snap0 is None or n0 == 0:
        return blank(lc, f"{how}, but no list on or before {a.since} carries any, so no change can be computed",
                     "compare with a day on or after ICE's first list held here", official=shown, query=f"{sql0};\n{sql}")
    value = {"change": Decimal(n - n0),
             "change_pct": ((as_decimal(n) / as_decimal(n0) - 1) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP),
             "ratio": (as_decimal(n) / as_decimal(n0)).quantize(Decimal("0.01"), ROUND_HALF_UP)}[a.value]
    word = {"change": "a change of", "change_pct": "a change of", "ratio": ""}[a.value]
    unit = {"change": "", "change_pct": "%", "ratio": " times as many"}[a.value]
    how += f", against {format_number(n0)} on its list of {snap0} (the latest on or before {a.since}): {word} {format_number(value)}{unit}"
    return decided(lc, value, how.replace(":  ", ": "), {**shown, "list_since": snap0, "agreements_since": n0}, f"{sql0};\n\n{sql}")


def check_designations(engine, lc: LoadedClaim) -> Check:
    d = lc.claim.measure.official.designations
    filters = "".join(f" AND {cond}" for cond in ([f"{LEVEL} IN ({', '.join(map(registry_sql.literal, d.levels))})"]
                                                  if d.levels else []) + ([f"d.state_code = {registry_sql.literal(d.state)}"] if d.state else []))
    sql = DESIGNATIONS_SQL.format(list=registry_sql.literal(d.list_id), filters=filters)
    rows = registry_sql.fetch(engine, sql)
    if not rows:
        raise lc.error("unknown_designation_list", f"there is no designation list {d.list_id!r}",
                       "see ref_designation_lists (`iceledger policies list` shows the listings)", "measure", "official", "designations")
    n = sum(int(r["entries"]) for r in rows)
    first = rows[0]
    parts = ", ".join(f"{r['entries']} {r['level']}" for r in rows if r["level"])
    withdrawn = f"; the list was later withdrawn ({first['designation_withdrawn_date']:%Y-%m})" if first["designation_withdrawn_date"] else ""
    how = (f"{first['designated_by']}'s list '{first['designation_list_title']}' of {first['designation_date']} names "
           f"{format_number(n)} entries" + (f" at the levels {', '.join(d.levels)}" if d.levels else "")
           + (f" in {d.state}" if d.state else "") + (f" ({parts})" if parts else "") + withdrawn)
    shown = {"registry": "ref_policy_designations", "designation_list_id": d.list_id, "publisher": first["designated_by"],
             "source_url": first["source_url"], "figure_kind": "official_publication", "by_level": {r["level"]: r["entries"] for r in rows}}
    return decided(lc, n, how, shown, sql)


def check_detstats(engine, lc: LoadedClaim) -> Check:
    s = lc.claim.measure.official.detstats
    sql = DETSTATS_SQL.format(fy=s.fy, block=registry_sql.literal(s.block), row=registry_sql.literal(s.row), column=registry_sql.literal(s.column))
    rows = registry_sql.fetch(engine, sql)
    if len(rows) != 1:
        raise lc.error("unknown_detstats_cell", f"{len(rows)} cells of block {s.block!r} in the FY{s.fy} workbook have row {s.row!r} "
                       f"and column {s.column!r}", f"see `iceledger detstats show {s.block} --fy {s.fy}` for its labels",
                       "measure", "official", "detstats")
    r = rows[0]
    value = as_decimal(r["detstats_value"])
    how = (f"ICE's FY{s.fy} detention statistics workbook gives {format_number(value)} ({r['detstats_measure']}) in "
           f"'{r['detstats_block_title']}', row {s.row!r}, column {s.column!r} (sheet {r['detstats_sheet']!r}, cell {r['detstats_cell']})")
    shown = {"registry": "ref_detstats_values", "publisher": "ICE", "figure_kind": "official_publication", "source_id": r["source_id"],
             "cell": f"{r['detstats_sheet']}!{r['detstats_cell']}", "unit": r["detstats_unit"]}
    return decided(lc, value, how, shown, sql)

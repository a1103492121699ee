"""Questions to the detention statistics registries, answered as plain dicts (for the CLI and later the API)."""

from __future__ import annotations

import json
import re

from openpyxl.utils import column_index_from_string

from iceledger.errors import NotFoundError


def _dicts(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _cell_position(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    assert m is not None, f"{ref!r} is not a cell reference"
    letters, digits = m.groups()
    return int(digits), column_index_from_string(letters)


def fiscal_years(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT detstats_fy FROM ref_detstats_blocks ORDER BY 1").fetchall()]


def list_blocks(con, fy: int | None = None, sheet: str | None = None, block: str | None = None) -> list[dict]:
    where: list[str] = []
    params: list[object] = []
    if fy is not None:
        where.append("detstats_fy = ?")
        params.append(fy)
    if sheet:
        where.append("detstats_sheet ILIKE ?")
        params.append(f"%{sheet}%")
    if block:
        where.append("detstats_block ILIKE ?")
        params.append(f"%{block}%")
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    rows = _dicts(con.execute(
        f"SELECT detstats_fy, detstats_edition, detstats_block, detstats_sheet, detstats_cell_range, detstats_block_title, "
        f"detstats_block_description, detstats_dimensions, detstats_measures, detstats_value_count, detstats_block_note, "
        f"detstats_data_through_date, source_id, source_detail FROM ref_detstats_blocks {cond}", params))
    # sheet order (ATD, Detention, Facilities), then where the block's title sits
    return sorted(rows, key=lambda r: (r["detstats_fy"], r["detstats_sheet"], *_cell_position(r["detstats_cell_range"].split(":")[0])))


def _check_block(con, block: str, fy: int | None) -> list[int]:
    years = [r[0] for r in con.execute("SELECT detstats_fy FROM ref_detstats_blocks WHERE detstats_block = ? ORDER BY 1",
                                       [block]).fetchall()]
    if not years:
        known = ", ".join(r[0] for r in con.execute("SELECT DISTINCT detstats_block FROM ref_detstats_blocks ORDER BY 1").fetchall())
        raise NotFoundError("unknown_detstats_block", f"no detention statistics block named {block!r}", fix=f"use one of: {known}")
    if fy is not None and fy not in years:
        raise NotFoundError("unknown_detstats_year", f"block {block!r} is not in a workbook for FY{fy}",
                            fix=f"it is published for FY {', '.join(map(str, years))}")
    return [fy] if fy is not None else years


def show_block(con, block: str, fy: int | None = None, measure: str | None = None) -> list[dict]:
    """The block of each requested edition as published: row and column labels in sheet order, and every value."""
    out = []
    for year in _check_block(con, block, fy):
        meta = next(m for m in list_blocks(con, year) if m["detstats_block"] == block)
        params = [year, block] + ([measure] if measure else [])
        values = _dicts(con.execute(
            "SELECT * EXCLUDE (detstats_fy, detstats_edition, detstats_block) FROM ref_detstats_values "
            "WHERE detstats_fy = ? AND detstats_block = ?" + (" AND detstats_measure = ?" if measure else ""), params))
        values.sort(key=lambda v: _cell_position(v["detstats_cell"]))
        rows = list(dict.fromkeys(v["detstats_row_label"] for v in values))
        columns = [c for _, c in sorted({(_cell_position(v["detstats_cell"])[1], v["detstats_column_label"]) for v in values})]
        findings = [f for f in build_findings(con) if f["detail"].get("block") == block and f["message"].startswith(f"FY{year} ")]
        out.append({**meta, "rows": rows, "columns": list(dict.fromkeys(columns)), "values": values, "findings": findings})
    return out


def build_findings(con) -> list[dict]:
    """Findings of the detstats step in the build that made this ledger."""
    rows = _dicts(con.execute(
        "SELECT severity, finding_code, message, fix, detail, row_count FROM build_findings WHERE step = 'detstats' "
        "AND build_id = (SELECT max(build_id) FROM build_runs) ORDER BY severity, finding_code"))
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else {}
    return rows


def list_facilities(con, fy: int | None = None, state: str | None = None, aor: str | None = None) -> list[dict]:
    """Facilities with their published attributes, FY ADP (sum over classification levels) and ALOS."""
    where, params = [], []
    for col, val in (("f.detstats_fy", fy), ("f.detstats_state", state.upper() if state else None),
                     ("f.aor_code", aor.upper() if aor else None)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    return _dicts(con.execute(f"""
        SELECT f.detstats_fy, f.detstats_facility_row, f.detention_facility, f.detstats_city, f.detstats_state, f.aor_code,
               f.detstats_facility_type_detailed, f.detstats_guaranteed_minimum,
               sum(v.detstats_value) FILTER (WHERE v.detstats_classification_level IS NOT NULL) AS adp,
               max(v.detstats_value) FILTER (WHERE v.detstats_measure = 'alos_days') AS alos_days,
               f.detstats_last_inspection_rating, f.detstats_last_inspection_date, f.source_detail
        FROM ref_detstats_facilities f
        LEFT JOIN ref_detstats_values v USING (detstats_fy, detstats_facility_row)
        {cond}
        GROUP BY ALL ORDER BY f.detstats_fy, adp DESC NULLS LAST, f.detention_facility""", params))

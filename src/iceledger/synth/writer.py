"""Write synthetic columns as ICE writes them: banner rows, the era's header row, sheets split at a
row limit (Excel's by default), one file per fiscal year where the era does so; xlsx or CSV exports.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

from iceledger.synth.columns import Column

EXCEL_MAX_ROWS = 1_048_576
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")
CSV_DATETIME = "%m/%d/%Y %H:%M"

TABLE_WORDS = {
    "H-ACLU": {"core_arrests": "2023-ICFO_42034_Admin Arrests", "core_detention_stints": "2023-ICFO_42034_Detentions",
               "core_removals": "2023-ICFO_42034_Removals"},
    "H-UWCHR-ENF": {"core_arrests": "ERO_Arrests", "core_encounters": "ERO_Encounters", "core_removals": "ICE_Removals"},
    "H-UWCHR-DET": {"core_detention_stints": "ICE Detentions"},
    "L1": {"core_arrests": "2025-ICLI-00019_2024-ICFO-39357_ERO Admin Arrests", "core_encounters": "2025-ICLI-00019_2024-ICFO-39357_ERO Encounters",
           "core_detainers": "2025-ICLI-00019_2024-ICFO-39357_ERO Detainers", "core_detention_stints": "2025-ICLI-00019_2024-ICFO-39357_ICE Detentions",
           "core_removals": "2025-ICLI-00019_2024-ICFO-39357_ICE Removals"},
    "L2": {"core_arrests": "2026-ICLI-00005_Arrests", "core_encounters": "2026-ICLI-00005_Encounters",
           "core_detainers": "2026-ICLI-00005_Detainers", "core_detention_stints": "2026-ICLI-00005_Detentions"},
    "L3": {"core_arrests": "ARS", "core_detainers": "DPR"},
}


def fiscal_year(d: np.datetime64) -> int:
    day = d.astype("datetime64[D]").astype(dt.date)
    return day.year + (day.month >= 10)


def file_stem(era: str, table: str, fy: int | None) -> str:
    base = "SYNTHETIC_" + TABLE_WORDS[era][table]
    if fy is None:
        return base + ("_LESA-STU_FINAL Redacted" if era == "L1" else "_FY2012-FY2023-REDACTED")
    if era == "H-UWCHR-ENF":
        return f"{base}_FY{fy}"
    if era in ("L2", "L3"):
        return f"{base}_FY{fy % 100:02d}_Redacted"
    return f"{base}_FY{fy % 100:02d}_LESA-STU_FINAL-Redacted_raw"


def _serials(values: np.ndarray) -> np.ndarray:
    secs = (values.astype("datetime64[s]") - EXCEL_EPOCH).astype("float64")
    return np.where(np.isnat(values), np.nan, secs / 86400.0)


def write_xlsx(path: Path, groups: list[tuple[str, np.ndarray]], cols: list[Column], banner: list[str], sheet_rows: int) -> list[dict]:
    """Write one workbook; ``groups`` are (sheet base name, row indices). Returns sheet descriptions."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    dt_fmt = wb.add_format({"num_format": "mm/dd/yyyy hh:mm"})
    d_fmt = wb.add_format({"num_format": "mm/dd/yyyy"})
    sheets = []
    limit = min(sheet_rows, EXCEL_MAX_ROWS - len(banner) - 1)
    prepared = []
    for c in cols:
        if c.kind in ("datetime", "date"):
            prepared.append((c, _serials(c.values), dt_fmt if c.kind == "datetime" else d_fmt))
        else:
            prepared.append((c, c.values, None))
    for base, idx in groups:
        parts = [idx[i: i + limit] for i in range(0, len(idx), limit)] or [idx]
        for k, part in enumerate(parts):
            name = base if len(parts) == 1 else f"{base} ({k + 1})"
            ws = wb.add_worksheet(name[:31])
            for r, line in enumerate(banner):
                if line:
                    ws.write_string(r, 0, line)
            header_row = len(banner)
            for j, c in enumerate(cols):
                ws.write_string(header_row, j, c.header)
            r = header_row + 1
            for i in part:
                for j, (c, vals, fmt) in enumerate(prepared):
                    over = c.overrides.get(int(i))
                    if over is not None:
                        ws.write_string(r, j, over)
                        continue
                    x = vals[i]
                    if c.kind in ("datetime", "date"):
                        if x == x:
                            ws.write_number(r, j, x, fmt)
                    elif c.kind == "number":
                        if x == x:
                            ws.write_number(r, j, float(x))
                    elif x is not None:
                        if isinstance(x, (int, np.integer)):
                            ws.write_number(r, j, int(x))
                        else:
                            ws.write_string(r, j, str(x))
                r += 1
            sheets.append({"sheet": ws.name, "rows": len(part), "header_row": header_row + 1,
                           "first_row": header_row + 2})
    wb.close()
    return sheets


def _csv_cell(c: Column, i: int) -> str:
    over = c.overrides.get(int(i))
    if over is not None:
        return over
    x = c.values[i]
    if c.kind in ("datetime", "date"):
        if np.isnat(x):
            return ""
        d = x.astype("datetime64[s]").astype(dt.datetime)
        return d.strftime(CSV_DATETIME if c.kind == "datetime" else "%m/%d/%Y")
    if c.kind == "number":
        return "" if x != x else (str(int(x)) if float(x).is_integer() else str(x))
    return "" if x is None else str(x)


def write_csv(path: Path, idx: np.ndarray, cols: list[Column], banner: list[str]) -> dict:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for line in banner:
            w.writerow([line] if line else [])
        w.writerow([c.header for c in cols])
        for i in idx:
            w.writerow([_csv_cell(c, i) for c in cols])
    return {"sheet": None, "rows": len(idx), "header_row": len(banner) + 1, "first_row": len(banner) + 2}

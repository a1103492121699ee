"""Check the rows loaded from a workbook against ICE's own summary counts in it (sources/lesa/summary.py).

Which rows a summary column counts is read from the workbook itself, never from a list of names:
a column named like a records sheet (``Expedited Removals``) counts that sheet; a ``Total`` (or the
block's only column) counts the records sheet whose title line is the block's title (``… ERO
Administrative Arrests for the Seattle Area of Responsibility``), else the sheets its other columns
counted. Loaded rows are placed in fiscal years by the table's count date (``count_date`` in
metadata/tables/core.yaml). A mismatch is a warning finding; every comparison is a row of
``summary_checks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from iceledger.metadata import quote, table as table_meta
from iceledger.sources.lesa.extract import SheetOutcome, same_name
from iceledger.validation import Finding

TOTAL = "total"


@dataclass(frozen=True)
class RecordsSheet:
    """A sheet of one file whose rows were loaded, with the title lines above its header."""

    file_name: str
    sheet: str | None  # None for delimited text
    table: str
    banner: tuple[str, ...]


def _sheets_for(block, column: str, sheets: list[RecordsSheet], matched: dict[str, list[RecordsSheet]]) -> list[RecordsSheet]:
    named = [s for s in sheets if same_name(s.sheet, column)]
    if named:
        return named
    if same_name(column, TOTAL) or len(block.columns) == 1:
        titled = [s for s in sheets if block.title and any(same_name(block.title, line) for line in s.banner)]
        if titled:
            return titled
        return [s for col, found in matched.items() if col != column for s in found]
    return []


def _loaded(con, release_id: str, sheets: list[RecordsSheet]) -> tuple[dict[int, int], str]:
    """Rows loaded from these sheets per fiscal year of their table's count date."""
    counts: dict[int, int] = {}
    fields: set[str] = set()
    for s in sheets:
        t = table_meta(s.table)
        assert t.count_date is not None, f"{t.name} declares no count_date"
        col = quote(t.count_date)
        fields.add(t.count_date)
        for fy, n in con.execute(
                f"SELECT year({col}) + CASE WHEN month({col}) >= 10 THEN 1 ELSE 0 END AS fy, count(*) FROM {t.name} "
                f"WHERE release_id = $r AND source_file = $f AND source_sheet = $s AND {col} IS NOT NULL GROUP BY 1",
                {"r": release_id, "f": s.file_name, "s": s.sheet}).fetchall():
            counts[fy] = counts.get(fy, 0) + n
    return counts, ", ".join(sorted(fields))


def check_summary(con, run_id: str, release_id: str, outcome: SheetOutcome, sheets: list[RecordsSheet]
                  ) -> tuple[list[list], list[Finding]]:
    """(rows of summary_checks, findings) for one summary sheet against the records sheets of its file."""
    rows, findings = [], []
    where = {"file": outcome.file_name, "sheet": outcome.sheet}
    for block in outcome.blocks:
        matched: dict[str, list[RecordsSheet]] = {}
        for column in block.columns:
            found = _sheets_for(block, column, sheets, matched)
            if not found:
                findings.append(Finding("warning", "summary_unmatched",
                                        f"summary {block.title or outcome.sheet!r}, column {column!r}: no loaded sheet "
                                        "is named like it or titled like its block; not checked",
                                        "check that every sheet of the workbook was read as records", detail=where))
                continue
            matched[column] = found
            loaded, date_field = _loaded(con, release_id, found)
            tables = sorted({s.table for s in found})
            wrong = []
            for label, fy, _row in block.periods:
                published = block.values[column][fy]
                got = loaded.get(fy, 0)
                rows.append([run_id, release_id, outcome.file_name, outcome.sheet, block.title, column, label, fy,
                             published, got, [s.sheet for s in found], ", ".join(tables), date_field, published == got])
                if published != got:
                    wrong.append(f"{label} {got:,} loaded vs {published:,}")
            sheet_list = ", ".join(repr(s.sheet) for s in found)
            if wrong:
                published_all = sum(block.values[column].values())
                loaded_all = sum(loaded.get(fy, 0) for _, fy, _ in block.periods)
                overall = (f"; all {len(block.periods)} years together {loaded_all:,} loaded vs {published_all:,} published"
                           + (": the same rows, placed in other fiscal years" if loaded_all == published_all else ""))
                findings.append(Finding("warning", "summary_mismatch",
                                        f"ICE's summary {block.title or ''!r} column {column!r} differs from the rows "
                                        f"loaded from {sheet_list} (by {date_field}): " + "; ".join(wrong) + overall,
                                        "see `iceledger quarantine` for rows set aside; where the rows are dated by "
                                        "another date than ICE's count (removals without a removal date are dated by "
                                        "departure), the difference is that of the dates; otherwise report it as found",
                                        detail=where, count=len(wrong)))
            else:
                findings.append(Finding("info", "summary_matches",
                                        f"ICE's summary column {column!r} ({len(block.periods)} fiscal years) equals the "
                                        f"rows loaded from {sheet_list} (by {date_field})", "nothing to do", detail=where))
    return rows, findings

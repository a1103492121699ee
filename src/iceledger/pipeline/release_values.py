"""Values a release's rows take once they are all loaded: the date each removal is counted by, the AOR
a one-AOR release sets for every row, and the check of its rows' dates against the coverage it declares.

**Removals are counted by ICE's removal date.** ICE's published removal figures count a removal by its
Removal Date (FOIA 2019-ICFO-53623 gives both dates: by departure FY2017 holds 224,329 removals, by
removal date 226,119, ICE's figure). Where a row has no removal date (the UW v. DHS production gives
only a Departed Date), it is counted by its departure date, and ``removal_date_basis`` says so on the row.
"""

from __future__ import annotations

from iceledger.metadata import Table, quote
from iceledger.validation import Finding

REMOVALS = "core_removals"


def set_removal_dates(con, release_id: str) -> None:
    """removal_count_date and removal_date_basis of one release's removals."""
    con.execute(f"UPDATE {REMOVALS} SET removal_count_date = coalesce(removal_date, departed_date), "
                "removal_date_basis = CASE WHEN removal_date IS NOT NULL THEN 'removal_date' "
                "WHEN departed_date IS NOT NULL THEN 'departed_date' END WHERE release_id = $r", {"r": release_id})


def removal_basis_finding(con, release_id: str) -> Finding | None:
    rows = dict(con.execute(f"SELECT removal_date_basis, count(*) FROM {REMOVALS} WHERE release_id = $r GROUP BY 1",
                            {"r": release_id}).fetchall())
    by_departure = rows.get("departed_date", 0)
    if not by_departure:
        return None
    total = sum(rows.values())
    return Finding("info", "removals_dated_by_departure",
                   f"{by_departure:,} of {total:,} removals have no removal date and are counted by their departure date",
                   "nothing to do: ICE counts removals by removal date; where a release gives none, the departure "
                   "date is the nearest (removal_date_basis says which applies to each row)",
                   detail={"release": release_id}, count=by_departure)


def apply_release_aor(con, table: Table, release_id: str, aor: str) -> list[Finding]:
    """The release's AOR for every row without one; rows whose own AOR differs are reported, not changed."""
    params = {"r": release_id, "aor": aor}
    con.execute(f"UPDATE {table.name} SET aor_code = $aor WHERE release_id = $r AND aor_code IS NULL", params)
    other = con.execute(f"SELECT aor_code, count(*) FROM {table.name} WHERE release_id = $r AND aor_code <> $aor "
                        "GROUP BY 1 ORDER BY 2 DESC", params).fetchall()
    if not other:
        return []
    n = sum(c for _, c in other)
    return [Finding("warning", "release_aor_differs",
                    f"{table.name}: the manifest puts the release in AOR {aor}, but {n:,} rows name another "
                    f"({', '.join(f'{a} {c:,}' for a, c in other[:5])}); their own AOR was kept",
                    "check the manifest's aor: it is meant for releases of one AOR without an AOR column",
                    detail={"release": release_id, "table": table.name}, count=n)]


def check_coverage(con, table: Table, release_id: str, date_from, date_to) -> list[Finding]:
    """Rows dated outside the period the release declares: reported (a stray date, or a wrong declaration)."""
    assert table.count_date is not None, f"{table.name} declares no count_date"
    col = quote(table.count_date)
    n, lo, hi = con.execute(f"SELECT count(*) FILTER (WHERE {col} < $lo OR {col} > $hi), min({col}), max({col}) "
                            f"FROM {table.name} WHERE release_id = $r",
                            {"r": release_id, "lo": date_from, "hi": date_to}).fetchall()[0]
    if not n:
        return []
    return [Finding("warning", "outside_coverage",
                    f"{table.name}: {n:,} rows are dated ({table.count_date}) outside the release's declared coverage "
                    f"{date_from} to {date_to} (rows run from {lo} to {hi})",
                    "check the manifest's coverage, or the rows (`iceledger quarantine` lists unreadable dates)",
                    detail={"release": release_id, "table": table.name}, count=n)]

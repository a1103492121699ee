"""Published figures (data/figures/official-figures.csv → ref_official_figures).

One row per published number, with a stable figure_id that claims cite. The CSV names the
jurisdiction; the build fills in its level, state and AOR code, and the fiscal year when the period
is exactly one. The build reports, without failing: annual series with fiscal years that no figure
covers, and figures for the same thing (metric, period, place) that disagree between sources.
"""

from __future__ import annotations

from iceledger.errors import NotFoundError
from iceledger.sources.registry_csv import (
    Problem,
    check_refs,
    insert_registry_rows,
    raise_problems,
    read_registry_csv,
    source_of,
)
from iceledger.sources.step import StepResult
from iceledger.validation import Finding

FIGURES = "figures/official-figures.csv"
DERIVED = ("period_fy", "place_level", "state_code", "aor_code")
# Annual series the registry should cover, FY2012-FY2024; missing years are reported, never filled in.
ANNUAL_SERIES = ("administrative_arrests", "removals", "detainers")
ANNUAL_YEARS = range(2012, 2025)

FILL_DERIVED_SQL = """
UPDATE ref_official_figures f SET place_level = j.place_level, state_code = j.state_code, aor_code = j.aor_code
FROM ref_jurisdictions j WHERE f.jurisdiction_id = j.jurisdiction_id;
UPDATE ref_official_figures SET period_fy = year(period_end_date)
WHERE month(period_start_date) = 10 AND day(period_start_date) = 1
  AND period_end_date = make_date(year(period_start_date) + 1, 9, 30);
"""


def load_figures(con, ctx):
    """Build step: ref_official_figures, with geography and fiscal year filled in from the declarations."""
    rows = read_registry_csv(FIGURES, "ref_official_figures", derived=DERIVED)
    jurisdictions = {r[0] for r in con.execute("SELECT jurisdiction_id FROM ref_jurisdictions").fetchall()}
    problems = check_refs(rows, "jurisdiction_id", jurisdictions, "jurisdiction_id (data/policies/jurisdictions.csv)")
    problems += check_periods(rows)
    raise_problems(FIGURES, problems)
    n = insert_registry_rows(con, "ref_official_figures", rows, source_id=source_of(FIGURES), rel=FIGURES)
    con.execute(FILL_DERIVED_SQL)
    return StepResult({"ref_official_figures": n}, find_series_gaps(con) + find_disagreements(con))


def check_periods(rows) -> list[Problem]:
    return [Problem(r.line, "period_end_date", f"period ends {r['period_end_date']} before it starts {r['period_start_date']}",
                    "swap or correct the dates")
            for r in rows if r["period_start_date"] and r["period_end_date"] and r["period_end_date"] < r["period_start_date"]]


def find_series_gaps(con) -> list[Finding]:
    out = []
    for metric in ANNUAL_SERIES:
        have = {r[0] for r in con.execute("SELECT DISTINCT period_fy FROM ref_official_figures WHERE metric_code = ? "
                                          "AND jurisdiction_id = 'us' AND period_fy IS NOT NULL", [metric]).fetchall()}
        missing = [fy for fy in ANNUAL_YEARS if fy not in have]
        if missing:
            out.append(Finding("info", "annual_series_gap",
                               f"{metric}: no national figure for FY{', FY'.join(str(y) for y in missing)}",
                               "add the figure with its source address to data/figures/official-figures.csv when one is found",
                               detail={"metric": metric, "missing_fy": missing}, count=len(missing)))
    return out


def find_disagreements(con) -> list[Finding]:
    """Figures for the same metric, period and place whose values differ (e.g. two sources for one total)."""
    rows = con.execute("""
        SELECT metric_code, period_start_date, period_end_date, jurisdiction_id,
               list(figure_id ORDER BY figure_id), list(figure_value ORDER BY figure_id)
        FROM ref_official_figures WHERE jurisdiction_id IS NOT NULL
        GROUP BY ALL HAVING count(DISTINCT figure_value) > 1 ORDER BY 1, 2, 4""").fetchall()
    return [Finding("warning", "figures_disagree",
                    f"{metric} for {place}, {start or '?'} to {end or '?'}: "
                    + ", ".join(f"{i} = {format_value(v)}" for i, v in zip(ids, values)),
                    "nothing to fix if both are published as stored: cite the figure you mean by its id",
                    detail={"figure_ids": ids}, count=len(ids))
            for metric, start, end, place, ids, values in rows]


def format_value(value: float | None, qualifier: str | None = None, unit: str | None = None) -> str:
    if value is None:
        return ""
    text = f"{int(value):,}" if value == int(value) else f"{value:,}"
    prefix = {"more_than": "more than ", "about": "about ", "nearly": "nearly "}.get(qualifier or "", "")
    suffix = "%" if unit == "percent" else ""
    return prefix + text + suffix


def _records(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


FIGURE_COLUMNS = ("figure_id, figure_topic, metric_code, figure_value, value_qualifier, figure_unit, period_start_date, "
                  "period_end_date, period_fy, date_basis, geography_text, jurisdiction_id, place_level, state_code, aor_code, "
                  "operation_slug, figure_kind, publisher_name, source_title, source_date, citation_kind, source_url, retrieved_via, "
                  "source_confidence, quoted_wording, figure_notes, source_id, source_detail")


def query_figures(con, *, metric: str | None = None, operation: str | None = None, fy: int | None = None,
                  topic: str | None = None, kind: str | None = None) -> list[dict]:
    where, params = [], []
    for column, value in (("metric_code", metric), ("operation_slug", operation), ("period_fy", fy), ("figure_topic", topic),
                          ("figure_kind", kind)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    return _records(con.execute(f"SELECT {FIGURE_COLUMNS} FROM ref_official_figures {cond} "
                                f"ORDER BY figure_topic, metric_code, period_start_date NULLS FIRST, figure_id", params))


def query_figure(con, figure_id: str) -> dict:
    rows = _records(con.execute(f"SELECT {FIGURE_COLUMNS} FROM ref_official_figures WHERE figure_id = ?", [figure_id]))
    if not rows:
        raise NotFoundError("unknown_figure", f"no published figure {figure_id!r}", fix="see `iceledger figures list`")
    return rows[0]

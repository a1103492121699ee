"""Named enforcement operations (data/operations/*.csv → ref_operations, ref_operation_places).

Counts are never typed twice: an operation names the published figure with its overall count
(total_figure_id) and each place names the figure with its count (count_figure_id); the build copies
the numbers from ref_official_figures and the state and AOR code from ref_jurisdictions. The build
fails when a reference is broken or a figure belongs to another operation or place, and reports
whether each operation's place counts add up to its total.
"""

from __future__ import annotations

from iceledger.errors import NotFoundError
from iceledger.sources.figures import FIGURE_COLUMNS, format_value
from iceledger.sources.place_check import check_operation_places
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

OPERATIONS = "operations/operations.csv"
PLACES = "operations/operation-places.csv"
FIGURES = "figures/official-figures.csv"

FILL_DERIVED_SQL = """
UPDATE ref_operations o SET announced_count = CAST(f.figure_value AS BIGINT), metric_code = f.metric_code,
       value_qualifier = f.value_qualifier
FROM ref_official_figures f WHERE f.figure_id = o.total_figure_id;
UPDATE ref_operation_places p SET place_level = j.place_level, state_code = j.state_code, aor_code = j.aor_code
FROM ref_jurisdictions j WHERE j.jurisdiction_id = p.jurisdiction_id;
UPDATE ref_operation_places p SET announced_count = CAST(f.figure_value AS BIGINT)
FROM ref_official_figures f WHERE f.figure_id = p.count_figure_id;
"""


def load_operations(con, ctx):
    """Build step: ref_operations and ref_operation_places, checked against the figures and jurisdictions."""
    ops = read_registry_csv(OPERATIONS, "ref_operations", derived=("announced_count", "metric_code", "value_qualifier"))
    places = read_registry_csv(PLACES, "ref_operation_places", derived=("place_level", "state_code", "aor_code", "announced_count"))
    figures = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT figure_id, operation_slug, jurisdiction_id FROM ref_official_figures").fetchall()}
    slugs = {r["operation_slug"] for r in ops}
    jurisdictions = {r[0] for r in con.execute("SELECT jurisdiction_id FROM ref_jurisdictions").fetchall()}

    raise_problems(OPERATIONS, check_refs(ops, "total_figure_id", set(figures), "figure_id")
                   + [Problem(r.line, "total_figure_id", f"figure {r['total_figure_id']} belongs to operation "
                              f"{figures[r['total_figure_id']][0]!r}, not {r['operation_slug']!r}",
                              "set the figure's operation_slug in data/figures/official-figures.csv or name another figure")
                      for r in ops if r["total_figure_id"] in figures and figures[r["total_figure_id"]][0] != r["operation_slug"]])
    raise_problems(PLACES, check_refs(places, "operation_slug", slugs, "operation_slug")
                   + check_refs(places, "jurisdiction_id", jurisdictions, "jurisdiction_id")
                   + check_refs(places, "count_figure_id", set(figures), "figure_id")
                   + [Problem(r.line, "count_figure_id", f"figure {r['count_figure_id']} is for operation {fig[0]!r} in "
                              f"{fig[1]!r}, not {r['operation_slug']!r} in {r['jurisdiction_id']!r}",
                              "name the figure for this operation and place")
                      for r in places if (fig := figures.get(r["count_figure_id"])) is not None
                      and fig != (r["operation_slug"], r["jurisdiction_id"])])
    orphans = sorted(fid for fid, (slug, _) in figures.items() if slug is not None and slug not in slugs)
    if orphans:
        raise_problems(FIGURES, [Problem(None, "operation_slug", f"figures name operations that do not exist: {orphans}",
                                         "add the operation to data/operations/operations.csv or fix the slug")])
    tables = {
        "ref_operations": insert_registry_rows(con, "ref_operations", ops, source_id=source_of(OPERATIONS), rel=OPERATIONS),
        "ref_operation_places": insert_registry_rows(con, "ref_operation_places", places, source_id=source_of(PLACES), rel=PLACES),
    }
    con.execute(FILL_DERIVED_SQL)
    return StepResult(tables, check_place_sums(con) + check_operation_places(con))


def check_place_sums(con) -> list[Finding]:
    """For operations announced with several places, whether the place counts add up to the total."""
    rows = con.execute("""
        SELECT o.operation_slug, o.announced_count, count(p.place_seq), sum(p.announced_count)
        FROM ref_operations o JOIN ref_operation_places p USING (operation_slug)
        GROUP BY ALL HAVING count(p.place_seq) > 1 ORDER BY 1""").fetchall()
    out = []
    for slug, total, n, places_sum in rows:
        if places_sum == total:
            out.append(Finding("info", "places_sum_to_total", f"{slug}: the {n} places' counts sum to the announced {total:,}",
                               detail={"operation_slug": slug}, count=n))
        else:
            out.append(Finding("warning", "places_do_not_sum_to_total",
                               f"{slug}: the {n} places' counts sum to {places_sum}, the announced total is {total}",
                               "check the figures named by the places, or note that the source's places are incomplete",
                               detail={"operation_slug": slug}, count=n))
    return out


def _records(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def query_operations(con) -> list[dict]:
    return _records(con.execute("""
        SELECT o.operation_slug, o.operation_name, o.operation_agency, o.operation_status, o.announced_date,
               o.operation_start_date, o.operation_end_date, o.duration_days, o.date_basis, o.announced_count,
               o.metric_code, o.value_qualifier,
               (SELECT count(*) FROM ref_operation_places p WHERE p.operation_slug = o.operation_slug) AS places
        FROM ref_operations o ORDER BY coalesce(o.operation_start_date, o.operation_end_date), o.operation_slug"""))


def query_operation(con, slug: str) -> dict:
    """One operation with its places (and their AOR codes), every figure published about it, and designations."""
    ops = _records(con.execute("SELECT * EXCLUDE (source_id, source_detail), source_id, source_detail FROM ref_operations "
                               "WHERE operation_slug = ?", [slug]))
    if not ops:
        known = ", ".join(r[0] for r in con.execute("SELECT operation_slug FROM ref_operations ORDER BY 1").fetchall())
        raise NotFoundError("unknown_operation", f"no operation {slug!r}", fix=f"use one of: {known}")
    places = _records(con.execute(
        "SELECT place_seq, place_text, alt_place_names, jurisdiction_id, place_level, state_code, aor_code, announced_count, "
        "count_figure_id, operation_place_notes, source_url FROM ref_operation_places WHERE operation_slug = ? ORDER BY place_seq", [slug]))
    counted = [p["announced_count"] for p in places if p["announced_count"] is not None]
    total = ops[0]["announced_count"]
    return {
        "operation": ops[0],
        "places": places,
        "places_sum": sum(counted) if counted else None,
        "places_sum_matches_total": (sum(counted) == total) if counted and total is not None else None,
        "aor_codes": sorted({p["aor_code"] for p in places if p["aor_code"]}),
        "figures": _records(con.execute(f"SELECT {FIGURE_COLUMNS} FROM ref_official_figures WHERE operation_slug = ? "
                                        f"ORDER BY metric_code, figure_id", [slug])),
        "designations": _records(con.execute(
            "SELECT d.designation_id, l.designated_by, l.designation_date, d.listed_name, d.jurisdiction_id "
            "FROM ref_policy_designations d JOIN ref_designation_lists l USING (designation_list_id) "
            "WHERE l.operation_slug = ? ORDER BY d.designation_id", [slug])),
        "count_text": format_value(total, ops[0]["value_qualifier"]),
    }

"""Reading the registries for claims: plain SQL with the values written in, so the query a result
shows is exactly the one that ran and can be run again by hand."""

from __future__ import annotations

from iceledger.metadata.sql import text

FIGURES, OPERATIONS, PLACES = "ref_official_figures", "ref_operations", "ref_operation_places"

FIGURE_SQL = """SELECT f.figure_id, f.figure_value, f.value_qualifier, f.figure_unit, f.period_start_date, f.period_end_date,
       f.geography_text, f.figure_kind, f.publisher_name, f.source_title, f.source_date, f.citation_kind, f.source_url,
       f.retrieved_via, f.source_confidence, f.quoted_wording, f.operation_slug,
       o.operation_name, o.operation_status
FROM ref_official_figures f LEFT JOIN ref_operations o USING (operation_slug)
WHERE f.figure_id IN ({ids})
ORDER BY f.figure_id"""

OPERATION_SQL = """SELECT operation_slug, operation_name, operation_status, announced_date, operation_start_date,
       operation_end_date, duration_days, date_basis, announced_count, total_figure_id, source_url
FROM ref_operations
WHERE operation_slug = {slug}"""

PLACES_SQL = """SELECT place_seq, place_text, alt_place_names, jurisdiction_id, aor_code, announced_count, source_url
FROM ref_operation_places
WHERE operation_slug = {slug}
ORDER BY place_seq"""


def literal(value: str) -> str:
    """A text literal (claims compare text and ISO dates as text)."""
    return text(value)


def fetch(engine, sql: str) -> list[dict]:
    """Rows of ``sql`` as dicts, on the engine's DuckDB connection (or through Ibis on another backend)."""
    con = getattr(engine, "con", None)
    if con is None:
        return engine.backend.sql(sql).to_pyarrow().to_pylist()
    cur = con.cursor()
    try:
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        cur.close()


def missing_tables(engine, *names: str) -> list[str]:
    return [n for n in names if not engine.has(n)]


def figure_query(ids: list[str]) -> str:
    return FIGURE_SQL.format(ids=", ".join(literal(i) for i in ids))


def operation_query(slug: str) -> str:
    return OPERATION_SQL.format(slug=literal(slug))


def places_query(slug: str) -> str:
    return PLACES_SQL.format(slug=literal(slug))


def fetch_operation(engine, slug: str) -> tuple[dict | None, str]:
    sql = operation_query(slug)
    rows = fetch(engine, sql)
    return (rows[0] if rows else None), sql


def status_description(status: str | None) -> str:
    from iceledger.metadata import code_list

    return code_list("operation_status").descriptions.get(status, status or "unknown")

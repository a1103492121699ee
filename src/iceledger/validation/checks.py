"""Checks over a built ledger, as column-wise SQL. Each returns findings; `iceledger validate` runs them all."""

from __future__ import annotations

from iceledger.metadata import code_list, core_tables, field_, quote
from iceledger.validation.report import Finding, Report, examples

CODE_EXAMPLES = 20


def check_run_balance(con) -> list[Finding]:
    rows = con.execute("SELECT run_id, table_name, rows_read, rows_loaded, rows_quarantined FROM ingest_run_tables "
                       "WHERE NOT is_balanced").fetchall()
    return [Finding("error", "unbalanced_run", f"run {r[0]}, {r[1]}: read {r[2]} ≠ loaded {r[3]} + quarantined {r[4]}",
                    "rebuild with `iceledger build`; if it persists, report it as a bug") for r in rows]


def check_keys(con) -> list[Finding]:
    out = []
    for t in core_tables():
        key = ", ".join(quote(k) for k in t.key)
        n = con.execute(f"SELECT count(*) FROM (SELECT {key} FROM {t.name} GROUP BY ALL HAVING count(*) > 1)").fetchall()[0][0]
        if n:
            out.append(Finding("error", "duplicate_key", f"{t.name}: {n} provenance keys occur more than once",
                               "rebuild with `iceledger build`", count=n))
    return out


def _registry_values(con, values_from: str) -> set[str] | None:
    table, column = values_from.split(".")
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0]:
        return None
    return {r[0] for r in con.execute(f"SELECT DISTINCT CAST({quote(column)} AS VARCHAR) FROM {quote(table)}").fetchall()}


def outside_code_lists(con) -> list[dict]:
    """Per record table and field with a declared list (a code list, or the registry it takes its values
    from): the values outside it, with their counts. Publication shows them only as 'other or not recorded'."""
    out = []
    for t in core_tables():
        for name in t.fields:
            f = field_(name)
            if f.derived_from or f.codes == "aor" or not (f.codes or f.values_from):
                continue
            known = code_list(f.codes).knows if f.codes else (_registry_values(con, f.values_from) or set()).__contains__
            values = con.execute(f"SELECT {quote(name)}, count(*) FROM {t.name} WHERE {quote(name)} IS NOT NULL "
                                 f"GROUP BY 1 ORDER BY 2 DESC").fetchall()
            unknown = [(v, n) for v, n in values if not known(v)]
            if unknown:
                out.append({"table": t.name, "field": name, "list": f.codes or f.values_from, "values": unknown,
                            "rows": sum(n for _, n in unknown)})
    return out


def check_codes(con) -> list[Finding]:
    """Values of coded fields that their lists do not know: the fix is a one-line edit of a code table."""
    out = []
    for o in outside_code_lists(con):
        where = (f"add them to src/iceledger/metadata/codes/{o['list']}.csv" if "." not in o["list"]
                 else f"add them to the {o['list'].split('.')[0]} registry")
        out.append(Finding("warning", "unknown_code",
                           f"{o['table']}.{o['field']}: {len(o['values'])} values not in {o['list']!r} ({o['rows']} rows); "
                           "publications count them as other or not recorded",
                           f"if they are real ICE values, {where}",
                           detail={"table": o["table"], "field": o["field"],
                                   **examples([f"{v} ({n})" for v, n in o["values"]], CODE_EXAMPLES)}, count=o["rows"]))
    return out


def check_aor(con) -> list[Finding]:
    out = []
    for t in core_tables():
        if not t.aor_field:
            continue
        col = quote(t.aor_field)
        rows = con.execute(f"SELECT {col}, count(*) FROM {t.name} WHERE {col} IS NOT NULL AND aor_code IS NULL "
                           f"GROUP BY 1 ORDER BY 2 DESC").fetchall()
        if rows:
            total = sum(n for _, n in rows)
            out.append(Finding("warning", "unknown_aor", f"{t.name}.{t.aor_field}: {len(rows)} values match no AOR ({total} rows)",
                               "add the spelling to the aliases column of src/iceledger/metadata/codes/aor.csv",
                               detail={"table": t.name, **examples([f"{v} ({n})" for v, n in rows])}, count=total))
    return out


def check_columns(con) -> list[Finding]:
    rows = con.execute("SELECT table_name, column_name, column_status, sum(n_values), sum(n_unredacted_withheld), "
                       "list(DISTINCT source_file) FROM source_columns WHERE (column_status IN ('unknown', 'duplicate') "
                       "AND n_values > 0) OR n_unredacted_withheld > 0 GROUP BY ALL ORDER BY 1, 2").fetchall()
    out = []
    for table, col, status, n, unredacted, files in rows:
        if unredacted:
            out.append(Finding("warning", "unredacted_identifier",
                               f"{table}: column {col!r} holds {unredacted} values that are not redactions (never stored)",
                               "nothing to do in the ledger; tell the source its redaction is incomplete",
                               detail={"table": table, "column": col, **examples(files)}, count=unredacted))
        else:
            out.append(Finding("warning", f"{status}_column", f"{table}: column {col!r} with {n} values was not loaded",
                               "add the header to src/iceledger/sources/lesa/aliases.csv",
                               detail={"table": table, "column": col, **examples(files)}, count=n))
    return out


def quarantine_summary(con) -> list[dict]:
    return [dict(zip(("table_name", "scope", "reason_code", "rows"), r)) for r in con.execute(
        "SELECT table_name, scope, reason_code, count(*) FROM quarantine GROUP BY ALL ORDER BY 1, 2, 4 DESC").fetchall()]


def check_quarantine(con) -> list[Finding]:
    return [Finding("info", "quarantined", f"{q['table_name']}: {q['rows']} {q['scope']}s quarantined ({q['reason_code']})",
                    "see `iceledger quarantine` for the rows, raw values and reasons", count=q["rows"])
            for q in quarantine_summary(con)]


def check_synthetic(con) -> list[Finding]:
    out = []
    for t in core_tables():
        n = con.execute(f"SELECT count(*) FROM {t.name} WHERE is_synthetic").fetchall()[0][0]
        if n:
            out.append(Finding("info", "synthetic_rows", f"{t.name}: {n} rows are SYNTHETIC (generated, not ICE data)",
                               "measures report whether synthetic rows are included", count=n))
    return out


CHECKS = [check_run_balance, check_keys, check_codes, check_aor, check_columns, check_quarantine, check_synthetic]


def validate(con) -> Report:
    report = Report("iceledger validation report")
    for check in CHECKS:
        report.extend(check(con))
    report.summary = {"quarantine": quarantine_summary(con)}
    return report

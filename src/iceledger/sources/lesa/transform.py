"""Turn raw text chunks into canonical rows: map headers, clean and cast in DuckDB, quarantine what
cannot be used (with the reason and the raw text), and profile every source column.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from iceledger.errors import InputError, Location
from iceledger.metadata import Field, Table, field_, quote
from iceledger.sources.lesa import cleaning as C
from iceledger.sources.lesa.extract import RawChunk
from iceledger.sources.lesa.headers import DERIVED, MANIFEST, map_columns
from iceledger.validation import Finding

ORIGIN_FIELDS = ("origin_file", "origin_sheet", "origin_row")
REJECTING_REASONS = ("unparseable", "out_of_range")
REASONS = ("redacted", "not_available", *REJECTING_REASONS)


@dataclass
class LoadContext:
    """Everything a chunk load needs to know about the release and the run."""

    con: duckdb.DuckDBPyConnection
    release_id: str
    run_id: str
    era: str
    id_namespace: str
    is_synthetic: bool
    columns: dict[str, str] = field(default_factory=dict)  # the manifest's own header → field map
    defaults: dict[str, str] = field(default_factory=dict)  # more columns of each loaded row: name → SQL over source_row


@dataclass
class ColumnPlan:
    position: int
    header: str
    label: str  # unique label for the header within the sheet (for raw_row JSON)
    field: str | None
    status: str  # loaded, withheld, ignored, unknown, duplicate
    via_era: str | None = None

    @property
    def field_name(self) -> str:
        """The field of a loaded or withheld column (those always have one)."""
        assert self.field is not None, f"column {self.header!r} ({self.status}) has no field"
        return self.field

    @property
    def spec(self) -> Field:
        """The declaration of the field of a loaded or withheld column."""
        return field_(self.field_name)


@dataclass
class RowCounts:
    """Rows read, loaded and quarantined, and values quarantined: of a chunk, a sheet, a table or a run."""

    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    values_quarantined: int = 0

    def add(self, r: RowCounts) -> None:
        self.rows_read += r.rows_read
        self.rows_loaded += r.rows_loaded
        self.rows_quarantined += r.rows_quarantined
        self.values_quarantined += r.values_quarantined

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


@dataclass
class ChunkResult(RowCounts):
    """What loading one chunk did: its counts and the profile of each source column."""

    last_row: int = 0  # the largest source_row of the chunk (0 without rows)
    profiles: list[dict] = field(default_factory=list)


def plan_columns(headers: list[str], table: Table, era: str, columns: dict[str, str] | None = None,
                 where: Location | None = None) -> list[ColumnPlan]:
    """Decide, per source column, what happens to it. The first column mapped to a field wins. A column
    the manifest maps to a field the table does not have is refused (the manifest is wrong, not the file)."""
    loadable = set(table.source_fields) - set(table.withheld) | set(ORIGIN_FIELDS)
    taken: set[str] = set()
    labels: Counter[str] = Counter()
    plans = []
    for cm in map_columns(headers, table.name, era, columns):
        if cm.via_era == MANIFEST and cm.field not in loadable | set(table.withheld):
            raise InputError("bad_column_map", f"the manifest maps column {cm.header!r} to {cm.field!r}, which "
                             f"{table.name} does not have", fix="map it to one of the table's fields "
                             f"(`iceledger describe {table.name.removeprefix('core_')}`)", location=where or Location())
        header = cm.header or f"(no header, column {cm.position + 1})"
        labels[header] += 1
        label = header if labels[header] == 1 else f"{header} ({labels[header]})"
        f = cm.field
        if f is None:
            status = "unknown"
        elif f == DERIVED:
            status, f = "ignored", None
        elif f in taken:
            status = "duplicate"
        elif f in table.withheld:
            status = "withheld"
        elif f in loadable:
            status = "loaded"
        else:
            status = "unknown"
        if f is not None and status in ("loaded", "withheld"):
            taken.add(f)
        plans.append(ColumnPlan(cm.position, header, label, f, status, cm.via_era))
    return plans


def _stage_sql(source: str, plans: list[ColumnPlan], event: str | None, formats: dict[int, str | None],
               untrimmed: frozenset[int] = frozenset(), *, raw: bool = False) -> str:
    """The cleaning SQL over ``source``: per column its text t_i, typed value p_i and reason r_i, then is_empty and
    is_rejected. Columns in ``untrimmed`` (known to hold no cell with surrounding whitespace) skip the trim test;
    ``raw`` keeps the source text c_i beside t_i (the tally finds such columns by comparing them)."""
    t_cols = ", ".join(f"{_text_sql(p.position, untrimmed)} AS t{p.position}" for p in plans)
    if raw:
        t_cols += "".join(f", c{p.position}" for p in plans)
    typed = [p for p in plans if p.status in ("loaded", "withheld")]
    # text fields use their trimmed text as value (p_i is then an alias of t_i, not a copy)
    p_cols = "".join(f", {C.parsed(f't{p.position}', p.spec, formats.get(p.position))} AS p{p.position}"
                     for p in typed if p.spec.type != "VARCHAR")
    r_cols = "".join(f", {C.reason_case(f't{p.position}', value_ref(p), p.spec)} AS r{p.position}" for p in typed)
    everything = ", ".join(f"t{p.position}" for p in plans) or "NULL"
    event_plan = next((p for p in typed if p.field == event), None)
    rejected = f"coalesce(r{event_plan.position} IN ('unparseable', 'out_of_range'), FALSE)" if event_plan else "FALSE"
    return (
        f"WITH t AS (SELECT source_row, {t_cols} FROM {source}), "
        f"p AS (SELECT *{p_cols} FROM t), "
        f"r AS (SELECT *{r_cols}, coalesce({everything}) IS NULL AS is_empty FROM p) "
        f"SELECT *, is_empty OR {rejected} AS is_rejected FROM r"
    )


def _text_sql(position: int, untrimmed: frozenset[int]) -> str:
    """A column's cell as text: blank → NULL, surrounding whitespace removed (only tested for where it may occur)."""
    col = f"c{position}"
    return f"NULLIF({col}, '')" if position in untrimmed else C.trimmed(col)


def value_ref(p: ColumnPlan) -> str:
    """Column holding the typed value of a planned column in the stage table."""
    return f"t{p.position}" if p.spec.type == "VARCHAR" else f"p{p.position}"


def _reason_text_sql(p: ColumnPlan) -> str:
    f = p.spec
    header = C.sql_str(p.header)
    return (
        f"{header} || ': ' || '''' || t{p.position} || '''' || CASE r{p.position} "
        f"WHEN 'unparseable' THEN ' is not readable as {C.type_words(f)}' "
        f"WHEN 'out_of_range' THEN ' is outside the plausible range {C.range_text(f)}' END "
        f"|| '. Fix: correct the cell in a copy of the file and ingest it as a new release, or leave it here.'"
    )


def load_chunk(ctx: LoadContext, chunk: RawChunk, table: Table) -> ChunkResult | None:
    """Load one chunk (a whole file or sheet) into ``table`` (inside an atomic build); quarantine and profile it.

    The cleaning SQL is read twice, never stored: once to count (rows, empty and rejected rows, every column's
    values, blanks and reasons: the profiles and the balance), once in a single INSERT of the usable rows, so
    DuckDB writes the ledger in bulk. The count also finds the columns without a cell that trimming changes: the
    INSERT reads those without the trim test (the same values, for less work). Rows and values for quarantine, when
    the counts show any, are set apart by a third reading; of an Arrow chunk (a sheet), only of its rows the count
    named. AOR codes and duplicate flags are filled in once the whole release is loaded (pipeline.dedupe).

    None when DuckDB's CSV reader refuses a record of a ``refusable`` chunk on the counting (before anything is
    written): the chunk is marked ``refused`` and its reader reads the file again, carefully (extract.py).
    """
    con = ctx.con
    plans = plan_columns(chunk.headers, table, ctx.era, ctx.columns, Location(file=chunk.file_name, sheet=chunk.sheet))
    res = ChunkResult()
    source = "raw_chunk"
    if chunk.data is not None:
        con.register("raw_chunk", chunk.data)
    else:
        source = f"({chunk.sql})"
    try:
        try:
            formats = {p.position: C.leading_format(con, source, f"c{p.position}") for p in plans
                       if p.status == "loaded" and p.spec.is_temporal}
            tally = _tally(con, f"({_stage_sql(source, plans, table.event, formats, raw=True)})", plans, table,
                           set_apart=chunk.data is not None, first_row=None if chunk.data is not None else chunk.header_row + 1)
        except duckdb.Error:
            if not chunk.refusable:
                raise
            chunk.refused = True
            return None
        res.rows_read = tally["rows"]
        res.last_row = tally["last_row"]
        clean = f"({_stage_sql(source, plans, table.event, formats, tally['untrimmed'])})"
        res.rows_loaded = _insert(ctx, chunk, table, plans, clean)
        sheet_sql = "NULL" if chunk.sheet is None else C.sql_str(chunk.sheet)
        if tally["rejected"] or tally["bad_values"]:
            if chunk.data is not None:  # the rows the count named, out of the Arrow chunk (in their order)
                import pyarrow.compute as pc  # here: only sheets need it, and it costs a fifth of a second to import
                apart = pa.array(tally["set_apart"], pa.int64())
                con.register("raw_set_apart", chunk.data.filter(pc.is_in(chunk.data.column("source_row"), value_set=apart)))
                clean = f"({_stage_sql('raw_set_apart', plans, table.event, formats, tally['untrimmed'])})"
            con.execute(f"CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM {clean} WHERE is_rejected OR "
                        f"({_bad_values_sql(plans, table)})")
            res.rows_quarantined = _quarantine_rows(ctx, chunk, table, plans, sheet_sql)
            res.values_quarantined = _quarantine_values(ctx, chunk, table, plans, sheet_sql)
            con.execute("DROP TABLE stage")
    finally:
        if chunk.data is not None:
            con.unregister("raw_chunk")
            con.unregister("raw_set_apart")
    res.profiles = _profile(ctx, chunk, table, plans, tally)
    return res


def _bad_value_plans(plans: list[ColumnPlan], table: Table) -> list[ColumnPlan]:
    """Loaded columns whose unreadable or implausible values are quarantined one by one (the event's reject the row)."""
    return [p for p in plans if p.status == "loaded" and p.spec.type != "VARCHAR" and p.field != table.event]


def _bad_values_sql(plans: list[ColumnPlan], table: Table) -> str:
    return " OR ".join(f"coalesce(r{p.position} IN {REJECTING_REASONS}, FALSE)" for p in _bad_value_plans(plans, table)) or "FALSE"


def _tally(con, clean: str, plans: list[ColumnPlan], table: Table, *, set_apart: bool = False,
           first_row: int | None = None) -> dict:
    """Every count of the chunk in one reading: rows, empty and rejected rows, values to quarantine, and per column
    its non-blank cells, its cells of each reason (empty rows have neither, so the counts need no filter) and its
    cells that trimming changes (``clean`` keeps the source text). With ``set_apart``, also the source rows of the
    rows and values to quarantine.

    ``first_row``: the rows are numbered from it without a gap (a whole file read by DuckDB), so the last row follows
    from the count. The count then never asks for ``source_row``, and DuckDB leaves out the row numbering (a window
    over the file's order, read by one thread): it reads the file on every core."""
    typed = [p for p in plans if p.status in ("loaded", "withheld")]
    bad_values = _bad_values_sql(plans, table)
    parts = ["count(*)", "count_if(is_empty)", "count_if(is_rejected)",
             f"count_if(NOT is_rejected AND ({bad_values}))", "max(source_row)" if first_row is None else "NULL",
             f"list(source_row) FILTER (WHERE is_rejected OR ({bad_values}))" if set_apart else "NULL"]
    parts += [f"count(t{p.position})" for p in plans]
    # cells whose text trimming changed (NULL, not counted, where both are blank or absent)
    parts += [f"count_if(t{p.position} <> c{p.position} OR (t{p.position} IS NULL AND c{p.position} <> ''))" for p in plans]
    parts += [f"count_if(r{p.position} = {C.sql_str(reason)})" for p in typed for reason in REASONS]
    # count_if is NULL when every input is NULL (a column without any reason), and about three times cheaper than FILTER
    rows, empty, rejected, bad, last, apart, *rest = con.execute(f"SELECT {', '.join(parts)} FROM {clean}").fetchall()[0]
    rest = [n or 0 for n in rest]
    filled = dict(zip((p.position for p in plans), rest[:len(plans)]))
    trims = rest[len(plans):2 * len(plans)]
    counts = iter(rest[2 * len(plans):])
    reasons = {(p.position, reason): next(counts) for p in typed for reason in REASONS}
    if first_row is not None and rows:
        last = first_row + rows - 1
    return {"rows": rows or 0, "empty": empty or 0, "rejected": rejected or 0, "bad_values": bad or 0,
            "last_row": last or 0, "filled": filled, "reasons": reasons, "set_apart": apart or [],
            "untrimmed": frozenset(p.position for p, n in zip(plans, trims) if not n)}


def _insert(ctx: LoadContext, chunk: RawChunk, table: Table, plans: list[ColumnPlan], clean: str) -> int:
    """The chunk's usable rows into the ledger, in one statement; how many."""
    loaded = [p for p in plans if p.status == "loaded"]
    prov = {
        "release_id": C.sql_str(ctx.release_id), "source_file": C.sql_str(chunk.file_name),
        "source_sheet": "NULL" if chunk.sheet is None else C.sql_str(chunk.sheet), "source_row": "source_row",
        "run_id": C.sql_str(ctx.run_id), "is_synthetic": "TRUE" if ctx.is_synthetic else "FALSE",
        "id_namespace": C.sql_str(ctx.id_namespace), **ctx.defaults,
    }
    cols, exprs = list(prov), list(prov.values())
    for p in loaded:
        cols.append(p.field_name)
        exprs.append(f"CASE WHEN r{p.position} IS NULL THEN {value_ref(p)} END")
        derived = next((d for d in table.fields if field_(d).derived_from == p.field), None)
        if derived:
            cols.append(derived)
            exprs.append(f"CAST(CASE WHEN r{p.position} IS NULL THEN {value_ref(p)} END AS DATE)")
    reasons = [p for p in loaded if p.field not in ORIGIN_FIELDS]
    if reasons:
        entries = ", ".join(f"struct_pack(k := {C.sql_str(p.field_name)}, v := r{p.position})" for p in reasons)
        any_reason = ", ".join(f"r{p.position}" for p in reasons)
        cols.append("null_reasons")
        exprs.append(f"CASE WHEN coalesce({any_reason}) IS NULL THEN NULL ELSE "
                     f"map_from_entries(list_filter([{entries}], lambda x: x.v IS NOT NULL)) END")
    col_sql = ", ".join(quote(c) for c in cols)
    return ctx.con.execute(f"INSERT INTO {table.name} ({col_sql}) SELECT {', '.join(exprs)} FROM {clean} "
                           "WHERE NOT is_rejected").fetchall()[0][0]


def _quarantine_prefix(ctx: LoadContext, chunk: RawChunk, table: Table, sheet_sql: str) -> str:
    return (f"SELECT {C.sql_str(ctx.run_id)}, {C.sql_str(ctx.release_id)}, {C.sql_str(table.name)}, "
            f"{C.sql_str(chunk.file_name)}, {sheet_sql}, source_row")


def _quarantine_rows(ctx, chunk, table, plans, sheet_sql) -> int:
    """Rejected rows (in ``stage``) into quarantine, each with its whole raw row; how many."""
    con = ctx.con
    pairs = ", ".join(
        f"{C.sql_str(p.label)}, " + (f"CASE WHEN t{p.position} IS NULL THEN NULL ELSE '(withheld)' END"
                                      if p.status == "withheld" else f"t{p.position}")
        for p in plans
    )
    event = next((p for p in plans if p.field == table.event and p.status == "loaded"), None)
    if event:
        reason_code = f"CASE WHEN is_empty THEN 'empty_row' ELSE 'bad_event_' || r{event.position} END"
        reason = (f"CASE WHEN is_empty THEN 'The row is empty. Nothing to load; kept here so every row read is accounted for.' "
                  f"ELSE {_reason_text_sql(event).replace('. Fix:', '; without it the record cannot be placed in time. Fix:')} END")
        column, fieldname, raw = C.sql_str(event.header), C.sql_str(event.field), f"t{event.position}"
    else:
        reason_code = "'empty_row'"
        reason = "'The row is empty. Nothing to load; kept here so every row read is accounted for.'"
        column = fieldname = raw = "NULL"
    return con.execute(
        f"INSERT INTO quarantine {_quarantine_prefix(ctx, chunk, table, sheet_sql)}, 'row', "
        f"CASE WHEN is_empty THEN NULL ELSE {column} END, CASE WHEN is_empty THEN NULL ELSE {fieldname} END, "
        f"{reason_code}, {reason}, CASE WHEN is_empty THEN NULL ELSE {raw} END, "
        f"CAST(json_object({pairs}) AS VARCHAR) FROM stage WHERE is_rejected"
    ).fetchall()[0][0]


def _quarantine_values(ctx, chunk, table, plans, sheet_sql) -> int:
    """Unreadable and implausible values of loaded rows (in ``stage``) into quarantine, one row each; how many."""
    total = 0
    prefix = _quarantine_prefix(ctx, chunk, table, sheet_sql)
    for p in _bad_value_plans(plans, table):
        total += ctx.con.execute(
            f"INSERT INTO quarantine {prefix}, 'value', {C.sql_str(p.header)}, {C.sql_str(p.field_name)}, "
            f"r{p.position}, {_reason_text_sql(p)}, t{p.position}, NULL FROM stage "
            f"WHERE NOT is_rejected AND r{p.position} IN {REJECTING_REASONS}"
        ).fetchall()[0][0]
    return total


def _profile(ctx, chunk, table, plans, tally: dict) -> list[dict]:
    """Per source column: values, blanks, redactions, NA, unreadable (over the rows that are not empty)."""
    n_rows = tally["rows"] - tally["empty"]
    reasons = tally["reasons"]
    out = []
    for p in plans:
        filled = tally["filled"][p.position]
        red = reasons.get((p.position, "redacted"), 0)
        na = reasons.get((p.position, "not_available"), 0)
        bad = reasons.get((p.position, "unparseable"), 0) + reasons.get((p.position, "out_of_range"), 0)
        usable = filled - red - na - bad
        out.append({
            "run_id": ctx.run_id, "release_id": ctx.release_id, "table_name": table.name,
            "source_file": chunk.file_name, "source_sheet": chunk.sheet, "column_position": p.position + 1,
            "column_name": p.header, "field_name": p.field, "column_status": p.status,
            "n_values": 0 if p.status == "withheld" else usable, "n_blank": n_rows - filled, "n_redacted": red,
            "n_not_available": na, "n_unparseable": bad,
            "n_unredacted_withheld": usable + bad if p.status == "withheld" else 0, "via_era": p.via_era,
        })
    return out


def column_findings(profiles: list[dict], era: str) -> list[Finding]:
    """What a file's columns need from a person, once per file and column (``profiles`` merged over its
    chunks and sheets): unknown or duplicate columns with values, unredacted identifiers, headers found
    only in another era's layout."""
    merged: dict[tuple, dict] = {}
    for p in profiles:
        key = (p["source_file"], p["column_name"], p["column_status"], p["field_name"])
        m = merged.setdefault(key, {**p, "n_values": 0, "n_unredacted_withheld": 0, "sheets": []})
        m["n_values"] += p["n_values"]
        m["n_unredacted_withheld"] += p["n_unredacted_withheld"]
        if p["source_sheet"] and p["source_sheet"] not in m["sheets"]:
            m["sheets"].append(p["source_sheet"])
    out = []
    for (file, header, status, fieldname), p in merged.items():
        where = {"file": file, "column": header, **({"sheets": p["sheets"]} if p["sheets"] else {})}
        if status in ("unknown", "duplicate") and p["n_values"]:
            fix = ("add the header to src/iceledger/sources/lesa/aliases.csv (table, era, header, occurrence, field), "
                   "or map it in the release manifest (files: columns)"
                   if status == "unknown" else "check aliases.csv: two columns map to the same field")
            out.append(Finding("warning", f"{status}_column",
                               f"column {header!r} ({p['n_values']} values) was not loaded into {p['table_name']}",
                               fix, detail=where, count=p["n_values"]))
        if status == "withheld" and p["n_unredacted_withheld"]:
            out.append(Finding("warning", "unredacted_identifier",
                               f"column {header!r} holds {p['n_unredacted_withheld']} values that are not redaction markers; "
                               "iceledger never stores this identifier",
                               "nothing to do for the ledger; consider telling the source that its redaction is incomplete",
                               detail=where, count=p["n_unredacted_withheld"]))
        if status == "loaded" and p["via_era"] not in (None, era, MANIFEST):
            out.append(Finding("info", "header_from_other_era",
                               f"column {header!r} is not in the {era} layout; mapped to {fieldname} through the {p['via_era']} alias",
                               f"if this is right, add it to aliases.csv for era {era}", detail=where))
    return out

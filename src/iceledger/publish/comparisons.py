"""Release comparisons for the public database: every pair of real releases that cover the same
records, side by side, through the gate (``out_release_comparisons``, ``out_release_comparison_cells``).

For each pair of non-synthetic releases and each table both hold, over the period and AOR both cover
(measures/compare.py; a span taken from the rows' dates is narrowed to whole months, so no day of an
event is published), one subject is compared (removals by departure when the two releases date their
removals differently) by month and by fiscal year, and by fiscal year and each of up to two lattice
categories that both releases populate.

The gate, per fiscal year, is the lattice's: one cube per side (release A, release B, rows matched),
months and categories as families under the year's total, each passed to ``suppress.suppress``:

- each release's counts: small cells withheld and protected as any cell is;
- a difference from 1 to the threshold (a small count of records one production holds and the other
  does not) is withheld by withholding, and protecting, one side's cell: the side the public lattice
  does not already show for these days (else B), so the difference cannot be worked out;
- a difference is shown only where both counts are; a match count only where both counts are shown and
  it, and the rows each release holds beyond it, are 0 or above the threshold (else withheld and
  protected in the matched cube).

And this branch's gates (issue 11): each category value comes from its declared list (codes.py; a value
outside it, or blank, is '(other or not recorded)'); the notes say no number that could be a count
(cells.public_notes); and over time each side's cube follows history.py: a count that changed by 1 to
the threshold since it was last shown is withheld and protected, a cube whose counts have not changed keeps
its earlier decision. ``out_release_tables``' row counts follow the same rule.
"""

from __future__ import annotations

import datetime as dt
import itertools

from iceledger.errors import IceledgerError
from iceledger.measures import LedgerQuery, catalog
from iceledger.measures.compare import CompareSpec, compare_releases, matched_on, release_coverage, shared_window
from iceledger.measures.selection import list_releases, select_releases
from iceledger.publish.cells import public_notes
from iceledger.publish.codes import OTHER, ValueLists
from iceledger.publish.cube import ROOT, Cube, build_cube
from iceledger.publish.history import History, cell_key
from iceledger.publish.lattice import TIME, load_lattice
from iceledger.publish.suppress import Suppression, suppress

CATEGORY_ORDER = ("criminality", "method_group", "gender", "citizenship")
MAX_CATEGORIES = 2
SIDES = ("a", "b", "m")
COLUMNS = {"a": "release_a_count", "b": "release_b_count", "m": "matched_count"}
MEASURE = "release_comparison"  # measure_name of the comparisons' rows in out_suppression_audit


def fiscal_year(d: dt.date) -> int:
    return d.year + (1 if d.month >= 10 else 0)


def comparable(engine) -> list[tuple[str, str, str]]:
    """(release A, release B, subject) for every pair of real releases holding the same table."""
    real = sorted(r["release_id"] for r in engine.small("releases") if not r["is_synthetic"])
    out = []
    for table in dict.fromkeys(s.table for s in catalog.subjects().values()):
        subject = next(s for s in catalog.subjects().values() if s.table == table)
        held = {r.release_id for r in list_releases(engine, table)} if engine.has(table) else set()
        for a, b in itertools.combinations([r for r in real if r in held], 2):
            out.append((a, b, _like_for_like(engine, subject, a, b)))
    return out


def _like_for_like(engine, subject: catalog.Subject, a: str, b: str) -> str:
    """The subject, or its departure-dated twin when the two releases date it by different dates."""
    if not subject.basis_column:
        return subject.name
    t = engine.table(subject.table)
    bases = {}
    for rid in (a, b):
        rows = engine.rows(t.filter(t.release_id == rid).select(subject.basis_column).distinct())
        bases[rid] = {r[subject.basis_column] for r in rows}
    if bases[a] == bases[b]:
        return subject.name
    return next(s.name for s in catalog.subjects().values() if s.table == subject.table and s.date_column == "departed_date")


def public_window(engine, subject: catalog.Subject, a: str, b: str):
    """(first day, last day, AOR): what both cover, whole months where a span comes from the rows' dates."""
    ca, cb = (release_coverage(engine, subject, r) for r in (a, b))
    lo, hi, aor = shared_window(ca, cb, CompareSpec(a=a, b=b, count=subject.name))
    if "records" in (ca.basis, cb.basis):
        if lo.day != 1:
            lo = (lo.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        if (hi + dt.timedelta(days=1)).day != 1:
            hi = hi.replace(day=1) - dt.timedelta(days=1)
    return lo, hi, aor


def lattice_side(engine, subject: catalog.Subject, a: str, b: str, lo: dt.date, hi: dt.date, aor: str | None) -> str | None:
    """'a' or 'b' when the public lattice counts that release's rows for these days and AOR (so its counts
    are shown there), else None."""
    main = next(s for s in catalog.subjects().values() if s.table == subject.table)
    sel = select_releases(engine, main, LedgerQuery())
    for side, rid in (("a", a), ("b", b)):
        cut = [e for e in sel.exclusions if e.release_id == rid and e.date_from <= hi and lo <= e.date_to
               and (e.aor_code is None or aor is None or e.aor_code == aor)]
        if rid in sel.release_ids and not cut:
            return side
    return None


def categories(matched: list[str], subject: str) -> list[str]:
    """Up to MAX_CATEGORIES lattice categories of ``subject`` whose column both releases populate (``matched``:
    the fields a comparison of the two matches on)."""
    keys = set(matched)
    out = []
    for c in CATEGORY_ORDER:
        if c in load_lattice().categories and c in catalog.dimensions_for(subject) and \
                catalog.dimension(c, subject).column in keys:
            out.append(c)
    return out[:MAX_CATEGORIES]


def _thin(rows: list[dict], cat: str, threshold: int) -> bool:
    """True when more than the lattice's max_small_share of the non-zero cells by fiscal year and ``cat``
    would be small: such a breakdown is not published (as the lattice coarsens thin families)."""
    sums: dict[tuple, list[int]] = {}
    for r in rows:
        cell = sums.setdefault((fiscal_year(r["month"]), r[cat]), [0, 0])
        cell[0] += r["count_a"]
        cell[1] += r["count_b"]
    values = [v for pair in sums.values() for v in pair if v]
    small = sum(1 for v in values if v <= threshold)
    return bool(values) and small / len(values) > load_lattice().max_small_share


def cubes(rows: list[dict], cats: list[str]) -> dict[int, dict[str, Cube]]:
    """Per fiscal year, one cube per side from rows by month and ``cats``: months and each category under the year."""
    dims = (TIME, *cats)
    families = [{TIME: 1}] + [{c: 1} for c in cats]
    finest: dict[int, dict[str, list[list]]] = {}
    for r in rows:
        fy = fiscal_year(r["month"])
        per = finest.setdefault(fy, {s: [[] for _ in families] for s in SIDES})
        values = {"a": r["count_a"], "b": r["count_b"], "m": r["matched"]}
        for s in SIDES:
            per[s][0].append(({TIME: (r["month"],)}, values[s]))
            for i, c in enumerate(cats, start=1):
                per[s][i].append(({c: (r[c] if r[c] is not None else OTHER,)}, values[s]))
    return {fy: {s: build_cube(dims, families, per[s]) for s in SIDES} for fy, per in finest.items()}


def cell_keys(a: str, b: str, name: str, fy: int, cube: dict[str, Cube]) -> dict[str, dict]:
    """The name of each side's count of each cell across publications (history.py)."""
    return {s: {cell: cell_key("comparison", a, b, name, s, fy, repr(cell)) for cell in cube[s].values} for s in SIDES}


def gate(cube: dict[str, Cube], threshold: int, shown: str | None, history: History | None = None,
         keys: dict[str, dict] | None = None, name: str = "") -> dict[str, Suppression]:
    """The Suppression of each side (a, b, m) of one fiscal year (rules in the module docstring). With a
    ``history`` and the cells' ``keys``, each side is searched through its effective values (history.py); ``name``
    names the fiscal year's cubes across publications."""
    a, b, m = (cube[s].values for s in SIDES)
    if threshold < 1:
        return {s: suppress(cube[s], 0) for s in SIDES}
    history = history or History.none()
    small_diff = {c for c in a if 1 <= abs(b[c] - a[c]) <= threshold}
    protect = "a" if shown == "b" else "b"
    out = {s: _decide(cube[s], threshold, small_diff if protect == s else set(), history, keys, name, s) for s in ("a", "b")}
    hidden = out["a"].withheld | out["b"].withheld
    unmatched_small = {c for c in m if 1 <= a[c] - m[c] <= threshold or 1 <= b[c] - m[c] <= threshold}
    out["m"] = _decide(cube["m"], threshold, hidden | unmatched_small, history, keys, name, "m")
    return out


def _decide(cube: Cube, threshold: int, also: set, history: History, keys: dict[str, dict] | None, name: str, side: str):
    """One side's Suppression: its earlier decision when none of its counts changed (and it withholds every cell
    ``also`` asks for), else a search through its effective values; remembered for the history."""
    if not keys:
        return suppress(cube, threshold, also)
    k = keys[side]
    name = cell_key("comparison cube", name, side)
    earlier = history.earlier(name, cube, k, threshold)
    if earlier is not None and {c for c in also if cube.values[c]} <= earlier.withheld:
        outcome = earlier
    else:
        outcome = suppress(history.effective_cube(cube, k, threshold), threshold, also)
    return history.remember(name, cube, k, threshold, outcome)


def comparison_rows(engine, threshold: int, history: History | None = None,
                    counts_shown: dict[str, int] | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    """(out_release_comparisons rows, out_release_comparison_cells rows, audit rows). ``counts_shown`` gets the
    counts the cells show, for the history."""
    history = history or History.none()
    counts_shown = {} if counts_shown is None else counts_shown
    lists = ValueLists(engine)
    summaries: list[dict] = []
    cells: list[dict] = []
    audit: dict = {}
    for a, b, name in comparable(engine):
        subject = catalog.subject(name)
        try:
            lo, hi, aor = public_window(engine, subject, a, b)
            matched = matched_on(CompareSpec(a=a, b=b, count=name, by=["fy"], date_from=lo, date_to=hi), engine=engine)
        except IceledgerError:
            continue  # no period or AOR in common
        cats = categories(matched, name)
        result = compare_releases(CompareSpec(a=a, b=b, count=name, by=["month", *cats], date_from=lo, date_to=hi),
                                  engine=engine, detail=False)
        result.rows = [{**r, **{cat: lists.fold(cat, r[cat], name) for cat in cats}} for r in result.rows]
        cats = [cat for cat in cats if not _thin(result.rows, cat, threshold)]
        shown = lattice_side(engine, subject, a, b, lo, hi, aor)
        c = result.provenance["comparison"]
        summaries.append({"release_a_id": a, "release_b_id": b, "measure_name": name, "table_name": subject.table,
                          "aor_code": aor, "comparison_from_date": lo, "comparison_to_date": hi,
                          "match_fields": c["fields"]["matched_on"], "comparison_categories": cats,
                          "comparison_notes": public_notes(result.provenance["notes"]), "is_synthetic": False})
        for fy, cube in cubes(result.rows, cats).items():
            keys = cell_keys(a, b, name, fy, cube) if threshold else None
            outcome = gate(cube, threshold, shown, history, keys, cell_key(a, b, name, fy))
            for cell in cube["a"].values:
                cells.append(_cell_row(a, b, name, fy, cell, cube, outcome, cats))
                if keys:
                    counts_shown.update((keys[s][cell], cube[s].values[cell]) for s in SIDES
                                        if cell not in outcome[s].withheld)
                _audit(audit, f"compare/{a}/{b}/{name}/{_grain_key(cell, cats)}", cell, cube, outcome, threshold)
    rows = [{"tabulation_key": k, "measure_name": MEASURE, "cell_status": s, "cells_count": n}
            for (k, s), n in sorted(audit.items())]
    return summaries, cells, rows


def _grain_key(cell, cats: list[str]) -> str:
    named = [c for c, node in zip(cats, cell[1:]) if node != ROOT]
    return ("month" if cell[0] else "fy") + ("/" + named[0] if named else "")


def _cell_row(a, b, name, fy, cell, cube, outcome, cats) -> dict:
    values = {s: None if cell in outcome[s].withheld else cube[s].values[cell] for s in SIDES}
    named = [(c, node[0]) for c, node in zip(cats, cell[1:]) if node != ROOT]
    diff = None if values["a"] is None or values["b"] is None else values["b"] - values["a"]
    return {"release_a_id": a, "release_b_id": b, "measure_name": name, "time_grain": "month" if cell[0] else "fy",
            "period_date": cell[0][0] if cell[0] else dt.date(fy - 1, 10, 1), "cell_fy": fy,
            "category_1": named[0][0] if named else None, "category_1_value": named[0][1] if named else None,
            **{COLUMNS[s]: values[s] for s in SIDES}, "count_difference": diff, "is_synthetic": False}


def _audit(audit: dict, key: str, cell, cube, outcome, threshold: int) -> None:
    for s in SIDES:
        v = cube[s].values[cell]
        status = ("published" if cell not in outcome[s].withheld else
                  "withheld_small" if 1 <= v <= threshold else "withheld_complementary")
        audit[(key, status)] = audit.get((key, status), 0) + 1


def release_table_rows(ledger, threshold: int, history: History | None = None,
                       counts_shown: dict[str, int] | None = None) -> list[dict]:
    """out_release_tables: rows and first/last month of each release in each record table (withheld when small, or
    when the count changed by 1 to the threshold since it was last shown: history.py)."""
    history = history or History.none()
    counts_shown = {} if counts_shown is None else counts_shown
    from iceledger.metadata import core_tables

    have = {r[0] for r in ledger.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    out = []
    for t in core_tables():
        if t.name not in have or not t.count_date:
            continue
        for rid, n, first, last, synthetic in ledger.execute(
                f'SELECT release_id, count(*), date_trunc(\'month\', min("{t.count_date}")), '
                f'date_trunc(\'month\', max("{t.count_date}")), bool_or(is_synthetic) FROM "{t.name}" GROUP BY 1 ORDER BY 1').fetchall():
            key = cell_key("release rows", rid, t.name)
            small = 1 <= n <= threshold or history.changed_by_little(key, n, threshold)
            if not small:
                counts_shown[key] = n
            out.append({"release_id": rid, "table_name": t.name, "release_rows_count": None if small else n,
                        "first_month_date": None if small else first, "last_month_date": None if small else last,
                        "is_synthetic": bool(synthetic)})
    return out

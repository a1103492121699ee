"""Operation windows against a baseline, for ``out_operation_windows``: arrests by AOR on an
operation's days and on the same weekdays of the ``BASELINE_WEEKS`` weeks before.

Counted through the measures layer (arrests by day and AOR over the operation's AORs) and withheld
by the same gate as the lattice: one cube per operation, weeks × AORs with all their totals, passed
to ``suppress.suppress``. Only operations of at most seven known days with at least one AOR get rows.
Each operation's query and releases go to ``out_window_sources``, so its page and API answer say what
the counts are from (``docs/measures.md``, "Operation windows").
"""

from __future__ import annotations

import datetime as dt
import json

from iceledger.errors import IceledgerError
from iceledger.measures import measure
from iceledger.measures.spec import MeasureSpec
from iceledger.publish.cells import clean_provenance
from iceledger.publish.cube import build_cube
from iceledger.publish.history import History, cell_key
from iceledger.publish.lattice import TIME
from iceledger.publish.suppress import suppress

BASELINE_WEEKS = 4


def _operations(con) -> list[tuple]:
    rows = con.execute("SELECT operation_slug, operation_start_date, operation_end_date FROM ref_operations "
                       "WHERE operation_start_date IS NOT NULL AND operation_end_date IS NOT NULL "
                       "AND operation_end_date - operation_start_date BETWEEN 0 AND 6 ORDER BY 1").fetchall()
    out = []
    for slug, start, end in rows:
        aors = [r[0] for r in con.execute("SELECT DISTINCT aor_code FROM ref_operation_places WHERE operation_slug = ? "
                                          "AND aor_code IS NOT NULL ORDER BY 1", [slug]).fetchall()]
        if aors:
            out.append((slug, start, end, aors))
    return out


def week_of(day: dt.date, start: dt.date, end: dt.date) -> int | None:
    """0 for a day in the window, -k for the same weekday k weeks earlier, None for other days."""
    back = (start - day).days
    k = 0 if back <= 0 else -(-back // 7)
    shifted = day + dt.timedelta(days=7 * k)
    return -k if start <= shifted <= end else None


def window_key(row: dict) -> str:
    """The name of a window's count across publications (history.py)."""
    return cell_key("window", row["operation_slug"], row["week_offset"], row["aor_code"])


def window_rows(engine, ledger, threshold: int, history: History | None = None) -> tuple[list[dict], list[dict]]:
    """(rows for out_operation_windows, rows for out_window_sources)."""
    history = history or History.none()
    out, sources = [], []
    for slug, start, end, aors in _operations(ledger):
        try:
            res = measure(MeasureSpec(count="arrests", by=["day", "aor_code", "release_id"], where={"aor_code": aors},
                                      date_from=start - dt.timedelta(days=7 * BASELINE_WEEKS), date_to=end),
                          engine=engine)
        except IceledgerError:
            continue  # no arrests table loaded: the page says the window is not available
        counts: dict[tuple[int, str], int] = {}
        counted: set[str] = set()  # releases with rows on the days counted (a release may be selected and add none)
        for r in res.rows:
            w = week_of(r["day"], start, end) if r["day"] else None
            if w is not None and r["aor_code"] in aors:
                counts[(w, r["aor_code"])] = counts.get((w, r["aor_code"]), 0) + r["n"]
                counted.add(r["release_id"])
        sources.append({"operation_slug": slug, "release_ids": sorted(counted), "is_synthetic": res.is_synthetic,
                        "provenance_json": json.dumps(clean_provenance(res.provenance), default=str)})
        weeks = list(range(-BASELINE_WEEKS, 1))
        finest = [[({TIME: (w,), "aor": (a,)}, counts.get((w, a), 0)) for w in weeks for a in aors]]
        cube = build_cube((TIME, "aor"), [{TIME: 1, "aor": 1}], finest)
        keys = {cell: window_key({"operation_slug": slug, "week_offset": cell[0][0] if cell[0] else None,
                                  "aor_code": cell[1][0] if cell[1] else None}) for cell in cube.values}
        withheld = set()
        if threshold:
            name = cell_key("window cube", slug)
            outcome = history.earlier(name, cube, keys, threshold) or suppress(history.effective_cube(cube, keys, threshold), threshold)
            withheld = history.remember(name, cube, keys, threshold, outcome).withheld
        for cell, value in cube.values.items():
            w = cell[0][0] if cell[0] else None
            first = start + dt.timedelta(days=7 * w) if w is not None else None
            hidden = cell in withheld
            out.append({"operation_slug": slug, "week_offset": w, "window_start_date": first,
                        "window_end_date": first + (end - start) if first else None,
                        "aor_code": cell[1][0] if cell[1] else None, "event_count": None if hidden else value,
                        "is_suppressed": hidden, "is_synthetic": res.is_synthetic})
    return out, sources

"""Publication over time: what earlier publications showed, and the rule that keeps a new one from
being differenced against them.

A release added to the ledger changes some counts. If a count shown as 40 in one publication is
shown as 43 in the next, anyone holding both learns that 3 events were added there: a count from 1
to the threshold, given away by subtraction. So each home keeps, for every count a publication
showed (cells, operation windows, claim values), the last value shown (``publish-history.duckdb``,
next to the ledger; everything in it was public). Publishing then applies one rule:

- **A count that changed by 1 to the threshold since it was last shown is withheld**, and protected
  like a small count: it is a primary cell of the same hypercube search (suppress.py), run on a cube
  whose values say how far each cell may be moved without contradicting earlier publications
  (``effective_cube``). A cell that was shown and has not changed counts as a shown zero there: it is
  never used to hide another (someone who knows what a release could not have touched knows it
  stayed the same). A cell that changed can be lowered only while it stays above its last shown
  value plus one, so the change stays a change.
- A count withheld once stays withheld until it has moved by more than the threshold from the last
  value shown, however many publications come between.

A count that changed by more than the threshold, or by nothing, is shown as it is. The history is
updated only when a publication succeeds; the exact analyst database neither reads nor writes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from iceledger.pipeline.ledger import connect
from iceledger.publish.cube import Cell, Cube

HISTORY_NAME = "publish-history.duckdb"
SEP = "\x1f"


def cell_key(*parts) -> str:
    """One string naming a published count, from the public columns that place it."""
    return SEP.join("" if p is None else str(p) for p in parts)


@dataclass
class History:
    """The last value each count was shown with, in this home."""

    path: Path | None
    shown: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, home: Path) -> "History":
        path = home / HISTORY_NAME
        if not path.exists():
            return cls(path)
        con = connect(path, read_only=True)
        try:
            return cls(path, dict(con.execute("SELECT cell_key, shown_count FROM shown_counts").fetchall()))
        finally:
            con.close()

    @classmethod
    def none(cls) -> "History":
        """No history (the exact analyst database, or a first publication)."""
        return cls(None)

    def changed_by_little(self, key: str, value: int | None, threshold: int) -> bool:
        """True when ``value`` would give away a change of 1 to ``threshold`` since ``key`` was last shown."""
        ref = self.shown.get(key)
        return ref is not None and value is not None and 1 <= abs(value - ref) <= threshold

    def effective_value(self, key: str, value: int, threshold: int) -> int:
        """How far the gate may treat a cell as movable: its count when it was never shown (or is small);
        0 when it was shown and has not changed (shown, known: never a protector); otherwise the smaller of
        its count and its change, so a small change is a primary cell and a protecting move keeps it a change."""
        ref = self.shown.get(key)
        if ref is None or 1 <= value <= threshold:
            return value
        return min(value, abs(value - ref))

    def effective_cube(self, cube: Cube, keys: dict[Cell, str], threshold: int) -> Cube:
        """``cube`` with every value replaced by its effective value (the cube itself when nothing was shown)."""
        if not self.shown:
            return cube
        values = {c: self.effective_value(keys[c], v, threshold) for c, v in cube.values.items()}
        return Cube(cube.dims, cube.families, values)

    def record(self, counts: dict[str, int]) -> None:
        """Remember the counts a publication showed (once it is written): a new file swapped in with one rename."""
        if self.path is None or not counts:
            return
        merged = {**self.shown, **counts}
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        con = connect(tmp)
        try:
            con.execute("CREATE TABLE shown_counts (cell_key VARCHAR PRIMARY KEY, shown_count BIGINT NOT NULL)")
            con.register("_incoming", pa.table({"cell_key": list(merged), "shown_count": list(merged.values())}))
            con.execute("INSERT INTO shown_counts SELECT * FROM _incoming")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, self.path)
        self.shown = merged

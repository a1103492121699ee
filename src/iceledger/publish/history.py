"""Publication over time: what earlier publications showed, and the rule that keeps a new one from
being differenced against them.

A release added to the ledger changes some counts. If a count shown as 40 in one publication is
shown as 43 in the next, anyone holding both learns that 3 events were added there: a count from 1
to the threshold, given away by subtraction. So each home keeps, for every count a publication
showed (cells, operation windows, claim values), the last value shown (``publish-history.duckdb``,
next to the ledger and as private as it: with the shown values, which were public, it keeps per cube
a digest of the exact counts and the cells withheld, so that a cube that has not changed is published
exactly as before). Publishing then applies one rule:

- **A count that changed by 1 to the threshold since it was last shown is withheld**, and protected
  like a small count: it is a primary cell of the same hypercube search (suppress.py), run on a cube
  whose values say how far each cell may be moved without contradicting earlier publications
  (``effective_cube``). A cell that was shown and has not changed counts as a shown zero there: it is
  never used to hide another (someone who knows what a release could not have touched knows it
  stayed the same). A cell that changed is lowered by a protecting move only while its change stays
  at least 1, so that it stays a change.
- A count withheld once stays withheld until it has moved by more than the threshold from the last
  value shown, however many publications come between.

A count that changed by more than the threshold, or by nothing, is not withheld for its change. The history is
updated only when a publication succeeds; the exact analyst database neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from iceledger.pipeline.ledger import connect
from iceledger.publish.cube import Cell, Cube
from iceledger.publish.suppress import Suppression

HISTORY_NAME = "publish-history.duckdb"
SEP = "\x1f"


def cell_key(*parts) -> str:
    """One string naming a published count, from the public columns that place it."""
    return SEP.join("" if p is None else str(p) for p in parts)


@dataclass
class History:
    """The last value each count was shown with, in this home; and, per cube, a digest of its exact counts
    with the cells the gate withheld from it (so an unchanged cube is published exactly as before)."""

    path: Path | None
    shown: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    pending: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, home: Path) -> History:
        path = home / HISTORY_NAME
        if not path.exists():
            return cls(path)
        con = connect(path, read_only=True)
        try:
            shown = dict(con.execute("SELECT cell_key, shown_count FROM shown_counts").fetchall())
            decisions = {k: (d, json.loads(w)) for k, d, w in
                         con.execute("SELECT cube_key, digest, withheld_json FROM cube_decisions").fetchall()}
            return cls(path, shown, decisions)
        finally:
            con.close()

    @staticmethod
    def digest(cube: Cube, keys: dict[Cell, str], threshold: int) -> str:
        """A digest of a cube's exact counts (and the threshold): equal only when nothing in it changed."""
        h = hashlib.sha256(str(threshold).encode())
        for k, v in sorted((keys[c], v) for c, v in cube.values.items()):
            h.update(f"{k}{SEP}{v}\n".encode())
        return h.hexdigest()

    def earlier(self, cube_key: str, cube: Cube, keys: dict[Cell, str], threshold: int) -> Suppression | None:
        """The cells withheld from this cube last time, when none of its counts has changed since."""
        earlier = self.decisions.get(cube_key)
        if not earlier or earlier[0] != self.digest(cube, keys, threshold):
            return None
        return Suppression(primary={c for c, k in keys.items() if earlier[1].get(k) == "primary"},
                           complementary={c for c, k in keys.items() if earlier[1].get(k) == "complementary"})

    def remember(self, cube_key: str, cube: Cube, keys: dict[Cell, str], threshold: int, outcome: Suppression) -> Suppression:
        """Keep a cube's decision for ``record``. A search that fell back on an effective cube withholds every
        non-zero count of the cube itself (the fallback that is safe within one publication)."""
        if outcome.fallback:
            outcome.complementary = cube.nonzero() - outcome.primary
        self.pending[cube_key] = (self.digest(cube, keys, threshold),
                                  {keys[c]: "primary" if c in outcome.primary else "complementary" for c in outcome.withheld})
        return outcome

    @classmethod
    def none(cls) -> History:
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
        """Remember the counts a publication showed and the decisions it made (once it is written): a new file
        swapped in with one rename."""
        if self.path is None:
            return
        shown = {**self.shown, **counts}
        decisions = {**self.decisions, **self.pending}
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        con = connect(tmp)
        try:
            con.execute("CREATE TABLE shown_counts (cell_key VARCHAR PRIMARY KEY, shown_count BIGINT NOT NULL)")
            con.execute("CREATE TABLE cube_decisions (cube_key VARCHAR PRIMARY KEY, digest VARCHAR NOT NULL, "
                        "withheld_json VARCHAR NOT NULL)")
            con.register("_shown", pa.table({"cell_key": list(shown), "shown_count": list(shown.values())}))
            con.execute("INSERT INTO shown_counts SELECT * FROM _shown")
            con.register("_decisions", pa.table({"cube_key": list(decisions), "digest": [d for d, _ in decisions.values()],
                                                 "withheld_json": [json.dumps(w, sort_keys=True) for _, w in decisions.values()]}))
            con.execute("INSERT INTO cube_decisions SELECT * FROM _decisions")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, self.path)
        self.shown, self.decisions, self.pending = shown, decisions, {}

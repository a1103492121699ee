"""Which releases a measure reads, so that overlapping releases are never counted twice.

The rule (docs/measures.md, "Which releases are counted"):

1. Per table, the candidates are the releases with rows in that table, narrowed by the synthetic
   option (``auto``: real releases when the table has any, else synthetic ones) and by
   ``namespace`` when given. Pinned releases (``releases=[...]``) replace step 2.
2. ``latest``: per identifier namespace (release era; synthetic releases form namespaces of their
   own), only the most recent release is kept: latest ``received_date``, then latest
   ``registered_at``, then the greatest release id. Earlier releases of an era are re-issues of
   the same records and are set aside.
3. The releases that remain (one per namespace, or the pinned ones) may still cover the same days
   (eras overlap: L1 and L2 both hold 2024). Each release's coverage is the span of its rows'
   dates on the table's coverage date; where spans overlap the more recent release wins, and the
   older release's rows dated inside the newer span are left out (and counted as left out). A
   release of one AOR (its manifest's ``aor``, e.g. the Seattle UW v. DHS production) covers only
   that AOR: only the older release's rows in that AOR are left out.
   Real and synthetic releases are resolved separately (``synthetic=include`` shows both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis

from iceledger.errors import NotFoundError
from iceledger.measures.catalog import Subject
from iceledger.measures.spec import LedgerQuery


@dataclass(frozen=True)
class ReleaseInfo:
    release_id: str
    namespace: str
    is_synthetic: bool
    era: str | None = None
    received_date: dt.date | None = None
    registered_at: dt.datetime | None = None
    rows: int = 0
    aor_code: str | None = None  # a release of one AOR covers only that AOR

    @property
    def namespace_key(self) -> str:
        return f"{self.namespace} (synthetic)" if self.is_synthetic else self.namespace

    def recency(self) -> tuple:
        return (self.received_date or dt.date.min, self.registered_at or dt.datetime.min, self.release_id)


@dataclass(frozen=True)
class Exclusion:
    release_id: str
    date_from: dt.date
    date_to: dt.date
    newer_release_id: str
    aor_code: str | None = None  # only rows in this AOR (the newer release is of one AOR)


@dataclass
class Selection:
    table: str
    coverage: tuple[str, ...]
    chosen: list[ReleaseInfo]
    inventory: list[ReleaseInfo]
    set_aside: list[dict] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)

    @property
    def namespaces(self) -> list[str]:
        return sorted({r.namespace_key for r in self.chosen})

    @property
    def release_ids(self) -> list[str]:
        return [r.release_id for r in self.chosen]

    @property
    def is_synthetic(self) -> bool:
        return any(r.is_synthetic for r in self.chosen)

    def coverage_expr(self, t: ibis.Table):
        cols = [t[c] for c in self.coverage]
        return cols[0] if len(cols) == 1 else ibis.coalesce(*cols)

    def overlap_expr(self, t: ibis.Table):
        """True for rows left out because a newer release covers their date; None when nothing is."""
        if not self.exclusions:
            return None
        cov = self.coverage_expr(t)
        cond = None
        for e in self.exclusions:
            c = (t.release_id == e.release_id) & cov.between(e.date_from, e.date_to)
            if e.aor_code:
                c &= t.aor_code == e.aor_code
            cond = c if cond is None else cond | c
        assert cond is not None  # there is at least one exclusion
        return cond.fill_null(False)

    def apply(self, t: ibis.Table, *, drop_overlap: bool = True) -> ibis.Table:
        if {r.release_id for r in self.chosen} != {r.release_id for r in self.inventory}:
            t = t.filter(t.release_id.isin(self.release_ids))
        over = self.overlap_expr(t) if drop_overlap else None
        return t.filter(~over) if over is not None else t

    def to_dict(self) -> dict:
        return {"table": self.table, "releases": self.release_ids, "namespaces": self.namespaces,
                "set_aside": self.set_aside,
                "overlaps_left_out": [{"release_id": e.release_id, "from": e.date_from, "to": e.date_to,
                                       "covered_by": e.newer_release_id, **({"aor_code": e.aor_code} if e.aor_code else {})}
                                      for e in self.exclusions]}


def list_releases(engine, table: str) -> list[ReleaseInfo]:
    """Releases with rows in ``table``: from the ingest bookkeeping, else by reading the table."""
    counts: dict[str, int] = {}
    for r in engine.small("ingest_run_tables"):
        if r["table_name"] == table and (r["rows_loaded"] or 0) > 0:
            counts[r["release_id"]] = counts.get(r["release_id"], 0) + r["rows_loaded"]
    meta: dict[str, dict] = {r["release_id"]: r for r in engine.small("releases")}
    if not counts or any(rid not in meta for rid in counts):
        t = engine.table(table)
        q = t.group_by(["release_id", "id_namespace", "is_synthetic"]).aggregate(n=t.count())
        counts, scanned = {}, {}
        for r in engine.rows(q):
            counts[r["release_id"]] = counts.get(r["release_id"], 0) + r["n"]
            scanned[r["release_id"]] = r
        for rid, r in scanned.items():
            meta.setdefault(rid, {"era": None, "id_namespace": r["id_namespace"], "is_synthetic": r["is_synthetic"]})
    out = []
    for rid, n in sorted(counts.items()):
        m = meta[rid]
        out.append(ReleaseInfo(rid, m.get("id_namespace") or m.get("era") or "unknown", bool(m.get("is_synthetic")),
                               m.get("era"), m.get("received_date"), m.get("registered_at"), n, m.get("release_aor_code")))
    return out


def _by_synthetic(candidates: list[ReleaseInfo], mode: str, pinned: bool, set_aside: list[dict]) -> list[ReleaseInfo]:
    if mode == "include" or (mode == "auto" and pinned):
        return candidates
    if mode == "auto":
        keep_synthetic = not any(not r.is_synthetic for r in candidates)
    else:
        keep_synthetic = mode == "only"
    for r in candidates:
        if r.is_synthetic != keep_synthetic:
            set_aside.append({"release_id": r.release_id,
                              "reason": "synthetic release left out" if r.is_synthetic else "real release left out (synthetic only)"})
    return [r for r in candidates if r.is_synthetic == keep_synthetic]


def select_releases(engine, subject: Subject, query: LedgerQuery) -> Selection:
    """The releases of ``subject``'s table that ``query`` counts, and the overlaps it leaves out."""
    table = subject.table
    inv = list_releases(engine, table)
    set_aside: list[dict] = []
    pinned = query.releases != "latest"
    cands = list(inv)
    if pinned:
        known = {r.release_id for r in inv}
        all_known = known | {r["release_id"] for r in engine.small("releases")}
        unknown = [r for r in query.releases if r not in all_known]
        if unknown:
            raise NotFoundError("unknown_release", f"no release {unknown[0]!r} in this ledger",
                                fix=f"use release ids listed by `iceledger status`: {', '.join(sorted(all_known)) or 'none yet'}")
        cands = [r for r in inv if r.release_id in query.releases]
    cands = _by_synthetic(cands, query.synthetic, pinned, set_aside)
    if query.namespace:
        spaces = sorted({r.namespace for r in cands})
        if query.namespace not in spaces:
            raise NotFoundError("unknown_namespace", f"{table} has no rows in namespace {query.namespace!r} among the releases counted",
                                fix=f"use one of: {', '.join(spaces) or 'none (no releases)'}")
        cands = [r for r in cands if r.namespace == query.namespace]
    chosen = cands
    if not pinned:
        latest: dict[str, ReleaseInfo] = {}
        for r in sorted(cands, key=ReleaseInfo.recency, reverse=True):
            if r.namespace_key in latest:
                set_aside.append({"release_id": r.release_id, "reason": f"superseded by {latest[r.namespace_key].release_id} "
                                                                       f"(same table and namespace {r.namespace_key})"})
            else:
                latest[r.namespace_key] = r
        chosen = sorted(latest.values(), key=lambda r: r.release_id)
    sel = Selection(table, subject.coverage_date, chosen, inv, set_aside)
    if len(chosen) > 1:
        sel.exclusions = _overlaps(engine, sel)
    return sel


def _overlaps(engine, sel: Selection) -> list[Exclusion]:
    t = engine.table(sel.table)
    cov = sel.coverage_expr(t)
    q = t.filter(t.release_id.isin(sel.release_ids)).group_by("release_id").aggregate(lo=cov.min(), hi=cov.max())
    spans = {r["release_id"]: (r["lo"], r["hi"]) for r in engine.rows(q) if r["lo"] is not None}
    ordered = sorted((r for r in sel.chosen if r.release_id in spans), key=ReleaseInfo.recency, reverse=True)
    out = []
    for i, older in enumerate(ordered):
        lo, hi = spans[older.release_id]
        for newer in ordered[:i]:
            if newer.is_synthetic != older.is_synthetic:  # synthetic rows never stand in for real ones
                continue
            nlo, nhi = spans[newer.release_id]
            if older.aor_code and newer.aor_code and older.aor_code != newer.aor_code:
                continue  # two releases of different AORs cover different rows
            if nlo <= hi and lo <= nhi:
                out.append(Exclusion(older.release_id, max(lo, nlo), min(hi, nhi), newer.release_id, newer.aor_code))
    return out

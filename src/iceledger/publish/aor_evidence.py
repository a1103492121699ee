"""``out_aor_evidence``: the AOR check (pipeline/aor_check.py) as aggregates, through the gate.

For each release and record table, the counties the check reports form one cube: county × the AOR ICE
recorded, with each county's total over its AORs, withheld by ``suppress.suppress`` like every count of
records. Only counts leave: no landmark text (it is ICE's free text) and no dates (the first or last day of
a county's records would say something of single records; the release's coverage says the span). The
number of distinct landmarks is shown only beside a count the gate shows. Every suppression pattern keeps
every total of the cube, so the counties' totals, which the lattice's county tables also hold year by year,
do not undo it. The registry's AORs are registry facts and always shown.

Over time, each cube follows the rule of history.py like the lattice's: a count that changed by 1 to the
threshold since it was last shown is withheld (and protected), and a cube whose counts have not changed
keeps its earlier decision. Every code the rows carry (county, state, AOR, status) passes the declared
lists of codes.py: a value outside its list is published as '(other or not recorded)'.
"""

from __future__ import annotations

from dataclasses import replace

from iceledger.pipeline.aor_check import STATUS_ORDER, AorEvidence, check_aors
from iceledger.publish.cube import build_cube
from iceledger.publish.history import History, cell_key
from iceledger.publish.suppress import suppress

COUNTY, AOR = "county", "aor"


def aor_evidence_key(row: dict) -> str:
    """The name of a county × AOR count across publications (history.py)."""
    return cell_key("aor evidence", row["release_id"], row["table_name"], row["county_fips"], row["aor_code"])


def aor_evidence_rows(ledger, threshold: int, history: History | None = None, lists=None) -> list[dict]:
    """The rows of ``out_aor_evidence``. ``lists`` (codes.ValueLists) folds every code to its declared list."""
    history = history or History.none()
    if not ledger.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'record_landmarks'").fetchall()[0][0]:
        return []
    rows = check_aors(ledger, include_synthetic=True)
    if lists is not None:
        rows = [_folded(e, lists) for e in rows]
    groups: dict[tuple[str, str], list[AorEvidence]] = {}
    for e in rows:
        groups.setdefault((e.release_id, e.table_name), []).append(e)
    out = []
    for (release, tname), es in groups.items():
        cells: dict[tuple[str, str], list[AorEvidence]] = {}
        for e in es:  # a county × AOR count may span two registry answers: one cell, its worst status
            cells.setdefault((e.county_fips, e.aor_code), []).append(e)
        finest = [[({COUNTY: (c,), AOR: (a,)}, sum(e.records_count for e in v)) for (c, a), v in cells.items()]]
        cube = build_cube((COUNTY, AOR), [{COUNTY: 1, AOR: 1}], finest)
        keys = {cell: aor_evidence_key({"release_id": release, "table_name": tname,
                                        "county_fips": cell[0][0] if cell[0] else None,
                                        "aor_code": cell[1][0] if cell[1] else None}) for cell in cube.values}
        withheld = set()
        if threshold:
            name = cell_key("aor evidence cube", release, tname)
            outcome = history.earlier(name, cube, keys, threshold) or \
                suppress(history.effective_cube(cube, keys, threshold), threshold)
            withheld = history.remember(name, cube, keys, threshold, outcome).withheld
        by_county: dict[str, list[AorEvidence]] = {}
        for e in es:
            by_county.setdefault(e.county_fips, []).append(e)
        for (county, aor), value in cube.values.items():
            if not county:
                continue  # the AOR totals over the reported counties are not published
            part = cells.get((county[0], aor[0])) if aor else by_county[county[0]]
            if not part:
                continue  # a zero cell of the grid: nothing recorded in that AOR
            hidden = (county, aor) in withheld
            out.append({"release_id": release, "table_name": tname, "county_fips": county[0],
                        "state_code": part[0].state_code, "aor_code": aor[0] if aor else None,
                        "records_count": None if hidden else value, "is_suppressed": hidden,
                        "landmarks_count": None if hidden or not aor else max(e.landmarks_count for e in part),
                        "registry_aor_codes": sorted({a for e in part for a in e.registry_aor_codes}),
                        "listed_aor_codes": list(part[0].listed_aor_codes),
                        "aor_check_status": min((e.status for e in part), key=_status_rank),
                        "is_synthetic": any(e.is_synthetic for e in part)})
    return out


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else -1  # OTHER (outside the list) first


def _folded(e: AorEvidence, lists) -> AorEvidence:
    """``e`` with each code as the declared lists allow it (codes.ValueLists.fold_field)."""
    aors = lambda v: tuple(lists.fold_field("registry_aor_codes", list(v), like="aor_code"))  # noqa: E731
    return replace(e, county_fips=lists.fold_field("county_fips", e.county_fips),
                   state_code=lists.fold_field("state_code", e.state_code), aor_code=lists.fold_field("aor_code", e.aor_code),
                   registry_aor_codes=aors(e.registry_aor_codes), listed_aor_codes=aors(e.listed_aor_codes),
                   status=lists.fold_field("aor_check_status", e.status))

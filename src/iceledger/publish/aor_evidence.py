"""``out_aor_evidence``: the AOR check (pipeline/aor_check.py) as aggregates, through the gate.

For each release and record table, the counties the check reports form one cube: county × the AOR ICE
recorded, with each county's total over its AORs, withheld by ``suppress.suppress`` like every count of
records. Only counts leave: no landmark text (it is ICE's free text) and no dates (the first or last day of
a county's records would say something of single records; the release's coverage says the span). The
number of distinct landmarks is shown only beside a count the gate shows. Every suppression pattern keeps
every total of the cube, so the counties' totals, which the lattice's county tables also hold year by year,
do not undo it. The registry's AORs are registry facts and always shown.
"""

from __future__ import annotations

from iceledger.pipeline.aor_check import STATUS_ORDER, AorEvidence, check_aors
from iceledger.publish.cube import build_cube
from iceledger.publish.suppress import suppress

COUNTY, AOR = "county", "aor"


def aor_evidence_rows(ledger, threshold: int) -> list[dict]:
    if not ledger.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'record_landmarks'").fetchall()[0][0]:
        return []
    rows = check_aors(ledger, include_synthetic=True)
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
        withheld = suppress(cube, threshold).withheld if threshold else set()
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
                        "aor_check_status": min((e.status for e in part), key=STATUS_ORDER.index),
                        "is_synthetic": any(e.is_synthetic for e in part)})
    return out

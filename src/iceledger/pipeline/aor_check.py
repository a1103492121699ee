"""Where ICE's own records place a county in another AOR than the county → AOR registry gives it.

Every record whose landmark names one county (record_landmarks, read at ingest) is counted by county,
the AOR ICE recorded, table and release, within the spans of days over which the registry's answer for
that county is the same (``Geography.aor_timeline``). Each count is compared with the registry's AORs
for its days and with today's list:

- ``agrees``: the records' AOR is the registry's on their dates and today's;
- ``dated``: it is the registry's on their dates, a dated period that differs from today's list;
- ``unsettled``: it is one of several candidates the registry keeps for those dates;
- ``differs``: it is none of them.

A county is reported when any of its counts is not ``agrees``; all of its counts are then listed, so the
share of each AOR is visible. One record in another AOR is common (a transfer, an arrest at a state prison
for another office) and proves nothing; a majority over years, across landmarks, is what the registry's
history is fixed from (docs/geography.md). Records with no date or no geographic AOR (HQ) are not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import pyarrow as pa

from iceledger.metadata import quote, tables
from iceledger.sources.geography.bundled_geo import Geography, geography
from iceledger.sources.lesa.cleaning import sql_str
from iceledger.validation import Finding
from iceledger.validation.report import examples

STATUS_ORDER = ("differs", "unsettled", "dated", "agrees")


@dataclass(frozen=True)
class AorEvidence:
    county_fips: str
    county_name: str
    state_code: str
    aor_code: str  # the AOR ICE recorded
    table_name: str
    release_id: str
    is_synthetic: bool
    records_count: int
    landmarks_count: int
    first_date: dt.date
    last_date: dt.date
    registry_aor_codes: tuple[str, ...]  # the registry's AORs for the county on these records' dates
    is_registry_established: bool
    listed_aor_codes: tuple[str, ...]  # today's
    county_records_count: int  # the county's records in this table and release, every AOR
    status: str

    @property
    def share(self) -> float:
        return self.records_count / self.county_records_count if self.county_records_count else 0.0

    def to_dict(self) -> dict:
        return asdict(self) | {"share": round(self.share, 4)}


def landmark_tables(con) -> list:
    """Record tables with a landmark field and rows read into record_landmarks."""
    have = {r[0] for r in con.execute("SELECT DISTINCT table_name FROM record_landmarks").fetchall()}
    return [t for t in tables().values() if t.landmark_field and t.name in have]


def check_aors(con, geo: Geography | None = None, *, include_synthetic: bool = False,
               release_id: str | None = None, table_name: str | None = None) -> list[AorEvidence]:
    """Every count of every county whose records place it somewhere other than the registry or today's list."""
    geo = geo or geography()
    counties = [r[0] for r in con.execute(
        "SELECT DISTINCT county_fips FROM record_landmarks WHERE county_fips IS NOT NULL ORDER BY 1").fetchall()]
    spans = [(f, start, end, list(codes), ok) for f in counties for start, end, codes, ok in geo.aor_timeline(f)]
    names = ["county_fips", "span_from", "span_to", "registry_aor_codes", "is_established"]
    types = [pa.string(), pa.date32(), pa.date32(), pa.list_(pa.string()), pa.bool_()]
    con.register("_aor_spans", pa.table({n: pa.array([s[i] for s in spans], t) for i, (n, t) in enumerate(zip(names, types))}))
    con.execute("CREATE OR REPLACE TEMP TABLE aor_spans AS SELECT * FROM _aor_spans")
    con.unregister("_aor_spans")
    geographic = ", ".join(sql_str(a.code) for a in geo.aors.values() if a.is_geographic)
    where = "" if include_synthetic else " AND NOT x.is_synthetic"
    if release_id:
        where += f" AND x.release_id = {sql_str(release_id)}"
    raw = []
    for t in landmark_tables(con):
        if table_name and t.name != table_name:
            continue
        lm, day = quote(t.landmark_field), quote(t.count_date)
        raw += con.execute(f"""
            SELECT l.county_fips, x.aor_code, x.release_id, bool_or(x.is_synthetic), s.registry_aor_codes,
                   s.is_established, count(*), count(DISTINCT x.{lm}), min(x.{day}), max(x.{day}), {sql_str(t.name)}
            FROM {t.name} x
            JOIN record_landmarks l ON l.release_id = x.release_id AND l.table_name = {sql_str(t.name)}
                                   AND l.landmark_text = x.{lm}
            JOIN aor_spans s ON s.county_fips = l.county_fips AND (s.span_from IS NULL OR x.{day} >= s.span_from)
                            AND (s.span_to IS NULL OR x.{day} < s.span_to)
            WHERE l.county_fips IS NOT NULL AND x.aor_code IN ({geographic}){where}
            GROUP BY l.county_fips, x.aor_code, x.release_id, s.registry_aor_codes, s.is_established""").fetchall()
    totals: dict[tuple, int] = {}
    for r in raw:
        totals[(r[0], r[10], r[2])] = totals.get((r[0], r[10], r[2]), 0) + r[6]
    out = []
    for fips, aor, rel, synthetic, registry, settled, n, marks, first, last, tname in raw:
        county = geo.counties[fips]
        listed = geo.aors_for_county(fips)[0]
        out.append(AorEvidence(fips, county.full_name, geo.states[county.state_fips].code, aor, tname, rel, bool(synthetic),
                               n, marks, first, last, tuple(registry), bool(settled), listed, totals[(fips, tname, rel)],
                               _status(aor, tuple(registry), listed)))
    flagged = {e.county_fips for e in out if e.status != "agrees"}
    return sorted((e for e in out if e.county_fips in flagged),
                  key=lambda e: (e.county_fips, e.table_name, e.release_id, -e.records_count, e.aor_code, e.first_date))


def _status(aor: str, registry: tuple[str, ...], listed: tuple[str, ...]) -> str:
    if aor not in registry:
        return "differs"
    if len(registry) > 1:
        return "unsettled"
    return "agrees" if aor in listed else "dated"


def county_summary(rows: list[AorEvidence]) -> list[dict]:
    """One line per county: its worst status, the records per table and AOR (releases added up: two releases may
    hold the same records), and whether an AOR outside today's list, or outside the registry on the records'
    dates, holds most of the county's records in a table."""
    by: dict[str, list[AorEvidence]] = {}
    for e in rows:
        by.setdefault(e.county_fips, []).append(e)
    out = []
    for fips, es in by.items():
        per_table: dict[str, dict[str, int]] = {}
        outside: set[str] = set()
        for e in es:
            counts = per_table.setdefault(e.table_name, {})
            counts[e.aor_code] = counts.get(e.aor_code, 0) + e.records_count
            if e.aor_code not in e.registry_aor_codes:
                outside.add(e.aor_code)
        listed = es[0].listed_aor_codes

        def mostly(elsewhere, per_table=per_table) -> bool:
            return any(sum(n for a, n in c.items() if elsewhere(a)) * 2 > sum(c.values()) for c in per_table.values())

        out.append({"county_fips": fips, "county_name": es[0].county_name, "state_code": es[0].state_code,
                    "status": min((e.status for e in es), key=STATUS_ORDER.index), "listed_aor_codes": list(listed),
                    "registry_aor_codes": sorted({a for e in es for a in e.registry_aor_codes}),
                    "records_by_table": {t: dict(sorted(c.items(), key=lambda kv: -kv[1])) for t, c in sorted(per_table.items())},
                    "records_elsewhere": sum(e.records_count for e in es if e.aor_code not in listed),
                    "is_mostly_elsewhere": mostly(lambda a, listed=listed: a not in listed),
                    "is_mostly_outside_registry": mostly(lambda a, outside=outside: a in outside),
                    "first_date": min(e.first_date for e in es), "last_date": max(e.last_date for e in es)})
    return sorted(out, key=lambda c: (STATUS_ORDER.index(c["status"]), not c["is_mostly_outside_registry"],
                                      not c["is_mostly_elsewhere"], -c["records_elsewhere"], c["county_fips"]))


def check_release(con, release_id: str, table_name: str) -> list[Finding]:
    """The ingest's word on the check: counties where most of this release's records of the table lie outside the
    registry's AORs for their dates (a warning from 10 such records on: the registry may need a dated row)."""
    summary = county_summary(check_aors(con, include_synthetic=True, release_id=release_id, table_name=table_name))
    outside = [c for c in summary if c["is_mostly_outside_registry"]]
    if not outside:
        return []
    said = [f"{c['county_name']}, {c['state_code']} ({', '.join(f'{a} {n:,}' for a, n in c['records_by_table'][table_name].items())};"
            f" registry {'/'.join(c['registry_aor_codes'])})" for c in outside]
    strong = sum(1 for c in outside if c["records_elsewhere"] >= 10)
    return [Finding("warning" if strong else "info", "records_outside_registry_aor",
                    f"{table_name}: in {len(outside)} counties most records of release {release_id} whose landmark names the "
                    f"county lie outside the AORs the county → AOR registry gives for their dates ({strong} with 10 or more)",
                    fix="see `iceledger places check-aors`; the registry takes a dated row from 10 or more arrests, most of "
                        "the county's, when a second source agrees (docs/geography.md)",
                    detail={"table": table_name, "release_id": release_id, **examples(said)}, count=len(outside))]

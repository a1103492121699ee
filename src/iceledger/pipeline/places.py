"""Place codes of a release's records, resolved from the text ICE wrote: the state (a USPS code or a
state name) becomes ``state_code``, and the county, within that state, ``county_fips``, by the same
rules as the registries' county names (sources/places.py). Names that match no county, or several,
stay NULL and are reported; nothing is guessed.

Resolution needs the geography registries in the ledger (``iceledger build`` puts them there before
loading the releases); without them the codes stay NULL and a finding says so.
"""

from __future__ import annotations

from iceledger.metadata import Table, quote
from iceledger.sources.lesa.cleaning import sql_str
from iceledger.sources.places import STATES, absent, has_table, resolve_county_fips
from iceledger.validation import Finding
from iceledger.validation.report import examples


def resolve_record_places(con, table: Table, release_id: str) -> list[Finding]:
    """Fill ``state_code`` and ``county_fips`` of ``table``'s rows from ``release_id``."""
    if not table.state_field:
        return []
    if not has_table(con, STATES):
        return absent(table.name, "state codes and county FIPS codes", STATES[0])
    t, state = table.name, quote(table.state_field)
    where = f"release_id = {sql_str(release_id)}"
    text = f"upper(trim({state}))"
    con.execute(f"UPDATE {t} SET state_code = s.state_code FROM ref_states s "
                f"WHERE {where} AND {text} IN (s.state_code, upper(s.state_name))")
    findings = []
    unknown = con.execute(f"SELECT {state}, count(*) FROM {t} WHERE {where} AND {state} IS NOT NULL AND state_code IS NULL "
                          f"GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    if unknown:
        findings.append(Finding("warning", "state_unresolved",
                                f"{t}.{table.state_field}: {sum(n for _, n in unknown)} rows of release {release_id} name no state "
                                "(neither a USPS code nor a state name); their state_code and county_fips are NULL",
                                fix="nothing to do if the text is not a state; otherwise report the spelling so it can be listed",
                                detail={"table": t, "release_id": release_id, **examples([f"{v} ({n})" for v, n in unknown])},
                                count=sum(n for _, n in unknown)))
    if table.county_field:
        # rows without a state were reported above; their county cannot be placed
        findings += resolve_county_fips(con, t, key="source_row", state="state_code", county=table.county_field,
                                        fips="county_fips", as_of=None,
                                        where=f"x.release_id = {sql_str(release_id)} AND x.state_code IS NOT NULL")
    return findings

"""ICE ERO areas of responsibility: the CC0 list of offices by state and county, and ice.gov's office list.

`reference/ice-areas-of-responsibility.csv` (Deportation Data Project) names each field office with the
states it covers whole, or, for states split between offices, each county. Its quoting is odd: every
field is quoted and separated by a comma *and a space*, so it is read with `skipinitialspace`.
`reference/ice-offices.xlsx` lists ice.gov's offices; the ERO field offices carry address and coordinates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from iceledger.errors import InputError, Location
from iceledger.metadata import code_list

AOR_LIST = "reference/ice-areas-of-responsibility.csv"
OFFICE_LIST = "reference/ice-offices.xlsx"
AOR_LIST_COLUMNS = ["office_name", "state_name", "county_name", "notes"]
OFFICE_COLUMNS = ["office_name", "agency", "sub_office", "address", "city", "state", "zip", "address_full", "area",
                  "office_latitude", "office_longitude"]
# ice.gov lists the Miami field office's ERO address under the name of its Miramar office.
OFFICE_NAME_FOR = {"MIA": "Miramar Sub Office"}


@dataclass(frozen=True)
class AorListRow:
    aor_code: str
    state_name: str
    county_name: str  # "" when the whole state belongs to the office
    row: int  # line number in the CSV (header = 1)


@dataclass(frozen=True)
class FieldOffice:
    aor_code: str
    name: str
    address: str
    city: str
    state_code: str
    zip: str
    latitude: float
    longitude: float
    area_served: str
    row: int  # spreadsheet row (header = 1)


def aor_code_for_name(name: str) -> str | None:
    """The ledger's AOR code for an office name (Atlanta → ATL, St Paul → SPM), using the aor code list."""
    key = name.strip().casefold().removesuffix(" field office").removesuffix(" area of responsibility")
    codes = code_list("aor")
    for code in codes.values:
        names = [codes.descriptions.get(code) or "", code]
        if key in {n.casefold() for n in names if n}:
            return code
    aliases = _aor_aliases()
    return aliases.get(key)


def _aor_aliases() -> dict[str, str]:
    from iceledger.metadata.model import METADATA_DIR

    out = {}
    with (METADATA_DIR / "codes" / "aor.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            for alias in filter(None, (r.get("aliases") or "").split(";")):
                out[alias.strip().casefold()] = r["code"]
    return out


def read_aor_list(path: Path) -> list[AorListRow]:
    """Rows of the CC0 office list; an unknown office name or a missing state is an error naming the line."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        header = next(reader, None)
        if header != AOR_LIST_COLUMNS:
            raise InputError("aor_list_header", f"expected columns {AOR_LIST_COLUMNS}, found {header}",
                             fix="restore the bundled file from git", location=Location(file=AOR_LIST, row=1))
        rows = []
        for line, rec in enumerate(reader, start=2):
            if not any(rec):
                continue
            office, state, county = (rec + ["", "", ""])[:3]
            code = aor_code_for_name(office)
            if code is None:
                raise InputError("unknown_aor_name", f"office {office!r} is not in the aor code list",
                                 fix="add it (or an alias) to src/iceledger/metadata/codes/aor.csv",
                                 location=Location(file=AOR_LIST, row=line, column="office_name"))
            if not state.strip():
                raise InputError("aor_list_state", "the state is empty", fix="every row names a state",
                                 location=Location(file=AOR_LIST, row=line, column="state_name"))
            rows.append(AorListRow(code, state.strip(), county.strip(), line))
    return rows


def read_field_offices(path: Path) -> list[FieldOffice]:
    """ERO field offices (not sub-offices) from ice.gov's office list, one per AOR code."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(it)]
        missing = [c for c in OFFICE_COLUMNS if c not in header]
        if missing:
            raise InputError("office_list_header", f"columns missing: {missing}", fix="restore the bundled file from git",
                             location=Location(file=OFFICE_LIST, sheet=ws.title, row=1))
        wanted = {OFFICE_NAME_FOR.get(c, f"{n} Field Office"): c for c, n in _aor_names().items()}
        out: dict[str, FieldOffice] = {}
        for row_no, values in enumerate(it, start=2):
            d = dict(zip(header, values))
            if d["agency"] != "ERO" or d["sub_office"] is True or d["office_name"] not in wanted:
                continue
            code = wanted[d["office_name"]]
            try:
                lat, lon = float(d["office_latitude"]), float(d["office_longitude"])
            except (TypeError, ValueError):
                raise InputError("office_coordinates", f"{d['office_name']}: coordinates are not numbers",
                                 fix="fix the coordinates in the bundled copy and record the fix in its manifest",
                                 location=Location(file=OFFICE_LIST, sheet=ws.title, row=row_no, column="office_latitude")) from None
            out[code] = FieldOffice(code, str(d["office_name"]), str(d["address"]).strip(), str(d["city"]).strip(),
                                    str(d["state"]).strip(), str(d["zip"]).strip(), lat, lon, str(d["area"] or "").strip(), row_no)
        return [out[c] for c in sorted(out)]
    finally:
        wb.close()


def _aor_names() -> dict[str, str]:
    """Geographic AOR code → name (HQ excluded), from the aor code list."""
    codes = code_list("aor")
    return {c: codes.descriptions[c] for c in codes.values if c != "HQ"}


@dataclass(frozen=True)
class CountyStatement:
    aor_code: str
    county_count: int  # how many counties ICE says the office's main site covers
    area: str  # ICE's words
    row: int


def read_county_statements(path: Path) -> list[CountyStatement]:
    """ICE's own statements of how many Texas counties a field office covers, from the row for the field
    office's home site in the office list ("54 counties of SE Texas", "Counties of Cameron, Willacy, ...")."""
    import re

    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(it)]
        out = []
        for row_no, values in enumerate(it, start=2):
            d = dict(zip(header, values))
            code = aor_code_for_name(str(d.get("field_office_name") or ""))
            area = str(d.get("area") or "").strip()
            office_city = str(d.get("field_office_name") or "").removesuffix(" Field Office")
            if d.get("agency") != "ERO" or code is None or d.get("state") != "TX" or d.get("city") != office_city:
                continue  # only the field office's own site, not its sub-offices' partial areas
            m = re.match(r"(\d+) counties", area)
            if m:
                out.append(CountyStatement(code, int(m.group(1)), area, row_no))
            elif area.startswith("Counties of "):
                names = [n for n in re.split(r",\s*(?:and\s+)?", area.removeprefix("Counties of ").rstrip(".")) if n]
                out.append(CountyStatement(code, len(names), area, row_no))
        return out
    finally:
        wb.close()

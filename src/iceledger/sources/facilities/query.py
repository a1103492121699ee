"""Read the facility registries of a built ledger: one facility with every attribute's source, or a filtered list."""

from __future__ import annotations

from typing import Any

from iceledger.errors import NotFoundError

LIST_COLUMNS = ("detention_facility_code", "detention_facility", "facility_city", "facility_state_code", "aor_code",
                "facility_type", "facility_type_detailed", "facility_last_use_fy")


def _dicts(cur) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def suggest_codes(con, code: str, limit: int = 5) -> list[str]:
    """Codes that look like ``code`` (same start, or a name containing it), for a helpful error."""
    rows = con.execute("""SELECT detention_facility_code FROM ref_facilities
        WHERE detention_facility_code LIKE ? || '%' OR detention_facility ILIKE '%' || ? || '%'
        ORDER BY jaro_winkler_similarity(detention_facility_code, ?) DESC, 1 LIMIT ?""",
                       [code[:3], code, code, limit]).fetchall()
    return [r[0] for r in rows]


def show_facility(con, code: str) -> dict[str, Any]:
    """The resolved facility, every attribute value with its source, ADP by fiscal year and the sources cited."""
    wanted = code.strip().upper()
    rows = _dicts(con.execute("SELECT * FROM ref_facilities WHERE detention_facility_code = ?", [wanted]))
    if not rows:
        near = suggest_codes(con, wanted)
        raise NotFoundError("unknown_facility", f"no facility with code {wanted!r} in the registry",
                            fix=(f"did you mean {', '.join(near)}? " if near else "")
                            + "list codes with `iceledger facilities list --state XX`")
    attrs = _dicts(con.execute("""SELECT facility_attribute AS attribute, facility_attribute_value AS value, is_chosen_value AS chosen,
        facility_attribute_rank AS rank, source_id, source_detail FROM ref_facility_attributes
        WHERE detention_facility_code = ? ORDER BY facility_attribute, facility_attribute_rank, source_id, source_detail""", [wanted]))
    adp = _dicts(con.execute("""SELECT facility_adp_fy AS fiscal_year, facility_adp AS adp, facility_adp_through_date AS through_date,
        source_id, source_detail FROM ref_facility_adp WHERE detention_facility_code = ?
        ORDER BY facility_adp_fy, source_id""", [wanted]))
    cited = sorted({a["source_id"] for a in attrs} | {a["source_id"] for a in adp})
    sources = _dicts(con.execute("SELECT source_id, source_title, source_origin, source_licence FROM ref_sources "
                                 "WHERE list_contains(?, source_id) ORDER BY source_id", [cited]))
    return {"facility": rows[0], "attributes": attrs, "adp": adp, "sources": sources}


def list_facilities(con, *, state: str | None = None, aor: str | None = None, type_: str | None = None) -> list[dict[str, Any]]:
    """Facilities filtered by state code, AOR code and (detailed or plain) type, ordered by code."""
    where, params = [], []
    if state:
        where.append("facility_state_code = ?")
        params.append(state.strip().upper())
    if aor:
        where.append("aor_code = ?")
        params.append(aor.strip().upper())
    if type_:
        where.append("(facility_type = ? OR facility_type_detailed = ?)")
        params += [type_.strip().upper()] * 2
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    return _dicts(con.execute(f"SELECT {', '.join(LIST_COLUMNS)} FROM ref_facilities {cond} ORDER BY detention_facility_code", params))

"""Cell values of a synthetic table, column by column, in one era's layout.

Each canonical field has a generator over the world's events; fields without one get a plausible
value for their type. Then the messiness ICE's real files have is injected at known rates, and
everything injected is counted (the "truth" a test compares the ledger with).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from iceledger.metadata import code_lists, field_
from iceledger.sources.lesa.headers import DERIVED, era_layout
from iceledger.synth.counties import county_text, person_counties
from iceledger.synth.world import DAY, World, pick, profile, stream

REDACTION_MARKERS = ["b(6), b(7)c", "b(6), b(7)C"]
BAD_EVENT_TEXT = ["06/14/0002 03:10 PM", "UNKNOWN"]
BAD_DATE_TEXT = "00/00/0000"
EVENT_FIELD = {"core_arrests": "apprehension_datetime", "core_encounters": "event_datetime",
               "core_detainers": "detainer_prepare_datetime", "core_detention_stints": "book_in_datetime",
               "core_removals": "departed_datetime"}
# Columns ICE left entirely empty in its July 2025 (L1) release.
FULLY_BLANK = {("core_arrests", "L1"): {"apprehension_county"}, ("core_removals", "L1"): {"apprehension_county"}}
LATE_REDACTED = ("citizenship_country", "gender", "final_order_date")


@dataclass
class Column:
    header: str
    field: str
    kind: str  # text, datetime, date, number
    values: np.ndarray
    overrides: dict[int, str] = field(default_factory=dict)


@dataclass
class Truth:
    rows: int = 0
    redacted: Counter = field(default_factory=Counter)  # by field (stored fields only)
    withheld_redacted: Counter = field(default_factory=Counter)
    not_available: Counter = field(default_factory=Counter)
    bad_event_rows: int = 0
    bad_values: Counter = field(default_factory=Counter)
    planted_duplicates: int = 0
    blank_person_id: int = 0

    def to_dict(self) -> dict:
        return {"rows": self.rows, "redacted": dict(self.redacted), "withheld_redacted": dict(self.withheld_redacted),
                "not_available": dict(self.not_available), "bad_event_rows": self.bad_event_rows,
                "bad_values": dict(self.bad_values), "planted_duplicates": self.planted_duplicates,
                "blank_person_id": self.blank_person_id}


def select_rows(world: World, table: str, rows: int) -> dict[str, np.ndarray]:
    """The first ``rows`` events by person (stable across sizes), then in date order."""
    ev = world.table(table)
    by_person = np.argsort(ev["person"], kind="stable")[:rows]
    dt_col = EVENT_FIELD[table]
    order = by_person[np.argsort(ev[dt_col][by_person], kind="stable")]
    return {k: v[order] for k, v in ev.items()}


def aor_text(codes: np.ndarray) -> np.ndarray:
    names = profile()["aor_names"]
    return np.array([f"{names[c]} Area of Responsibility" for c in codes], dtype=object)


def _facility(aor: np.ndarray, no: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    cities = profile()["cities"]
    label = {"jail": "COUNTY JAIL", "proc": "PROCESSING CENTER", "det": "DETENTION FACILITY"}[kind]
    letter = {"jail": "J", "proc": "P", "det": "D"}[kind]
    names = np.array([f"SYNTHETIC {cities[a].upper()} {label} {k}" for a, k in zip(aor, no)], dtype=object)
    codes = np.array([f"SY{a}{letter}{k}" for a, k in zip(aor, no)], dtype=object)
    return names, codes


def _landmarks(seed: int, aor: np.ndarray, state: np.ndarray) -> np.ndarray:
    prof = profile()
    pool = prof["landmarks"]
    which = stream(seed, "landmark").integers(0, len(pool), len(aor))
    cities = prof["cities"]
    return np.array([pool[w].format(city=cities[a].upper(), county=cities[a].upper(), state=s)
                     for w, a, s in zip(which, aor, state)], dtype=object)


def people_counties(world: World) -> np.ndarray:
    """Each person's county, as ICE's county column would write it (see synth/counties.py)."""
    P = world.people
    return county_text(world.seed, person_counties(world.seed, P["aor"], P["state"]), P["aor"])


def generate_values(world: World, table: str, ev: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Values by canonical field for the selected events (datetime64 for times, objects for text)."""
    seed, n, P = world.seed, len(ev["person"]), world.people
    per = {k: v[ev["person"]] for k, v in P.items()}
    aor = per["aor"]
    v: dict[str, np.ndarray] = {}
    v["person_id"] = per["person_id"].copy()
    for f in ("gender", "citizenship_country", "birth_year", "case_status", "case_category", "final_program", "entry_status"):
        v[f] = per[{"birth_year": "birth_year"}.get(f, f)]
    v["birth_country"] = per["citizenship_country"]
    v["final_program_group"] = np.full(n, "ERO", dtype=object)
    v["case_threat_level"] = np.where(per["threat_level"] == "", None, per["threat_level"]).astype(object)
    aor_t = aor_text(aor)
    for f in ("apprehension_aor", "responsible_aor", "facility_aor", "book_in_aor", "docket_aor"):
        v[f] = aor_t
    v["apprehension_state"] = v["facility_state"] = per["state"]
    v["apprehension_county"] = people_counties(world)[ev["person"]]
    v["apprehension_city"] = v["facility_city"] = np.array([profile()["cities"][a] for a in aor], dtype=object)
    v["apprehension_landmark"] = v["event_landmark"] = _landmarks(seed, aor, per["state"])
    crim = per["criminality"]
    for f in ("apprehension_criminality", "encounter_criminality", "detainer_criminality", "book_in_criminality", "case_criminality"):
        v[f] = crim
    removed = set(world.removals["person"].tolist())
    dep = {p: d for p, d in zip(world.removals["person"], world.removals["departed_datetime"])}
    is_removed = np.array([p in removed for p in ev["person"]])
    v["departure_country"] = np.where(is_removed, per["citizenship_country"], None).astype(object)
    v["final_order_yes_no"] = v["case_final_order_yes_no"] = np.where(is_removed, "YES", "NO").astype(object)
    if table != "core_removals":
        v["departed_datetime"] = np.array([dep.get(p, np.datetime64("NaT")) for p in ev["person"]], dtype="datetime64[s]")
    for k, col in ev.items():
        if k.endswith("_datetime"):
            v[k] = col
    if table == "core_arrests":
        v["apprehension_method"] = ev["method"]
    elif table == "core_detainers":
        names, codes = _facility(aor, ev["facility_no"], "jail")
        v["detention_facility"], v["detention_facility_code"] = names, codes
        v["detainer_type"] = ev["detainer_type"]
        v["detainer_lift_reason"] = np.where(ev["lift"] == "", None, ev["lift"]).astype(object)
        v["detainer_threat_level"] = v["case_threat_level"]
    elif table == "core_detention_stints":
        kind = np.where(ev["stint_no"] == 1, "proc", "det")
        names = np.empty(n, dtype=object)
        codes = np.empty(n, dtype=object)
        for k in ("proc", "det"):
            m = kind == k
            names[m], codes[m] = _facility(aor[m], ev["facility_no"][m], k)
        v["detention_facility"], v["detention_facility_code"] = names, codes
        v["detention_release_reason"] = np.where(ev["release_reason"] == "", None, ev["release_reason"]).astype(object)
        v["stay_release_reason"] = np.where(ev["stay_release_reason"] == "", None, ev["stay_release_reason"]).astype(object)
        nat = np.datetime64("NaT")
        v["book_out_datetime"] = np.where(ev["open"], nat, ev["book_out_datetime"])
        v["stay_book_out_datetime"] = np.where(ev["stay_open"], nat, ev["stay_book_out_datetime"])
        v["stay_book_out_date_reported"] = v["stay_book_out_datetime"]
    elif table == "core_removals":
        v["port_of_departure"] = pick(seed, "port", profile()["ports"], len(world.people["person"]))[ev["person"]]
    return v


def _fallback(name: str, n: int, seed: int, event: np.ndarray) -> tuple[str, np.ndarray]:
    f = field_(name)
    rng = stream(seed, "fallback:" + name)
    if f.type in ("DATE", "TIMESTAMP"):
        vals = event - (rng.random(n) * 400).astype("int64") * DAY
        vals = np.where(rng.random(n) < 0.5, np.datetime64("NaT"), vals)
        return ("date" if f.type == "DATE" else "datetime"), vals.astype("datetime64[s]")
    if f.type in ("DOUBLE", "INTEGER", "BIGINT"):
        vals = np.where(rng.random(n) < 0.7, np.nan, rng.integers(0, 24, n).astype(float))
        return "number", vals
    if f.codes and f.codes in code_lists() and code_lists()[f.codes].match == "exact":
        pool = list(code_lists()[f.codes].values)
        vals = np.array(pool, dtype=object)[rng.integers(0, len(pool), n)]
        return "text", np.where(rng.random(n) < 0.3, None, vals).astype(object)
    pool = np.array([f"SYNTHETIC {name.upper().replace('_', ' ')} {k}" for k in range(1, 6)], dtype=object)
    return "text", np.where(rng.random(n) < 0.4, None, pool[rng.integers(0, 5, n)]).astype(object)


def build_columns(world: World, table: str, rows: int) -> tuple[list[Column], Truth, dict[str, np.ndarray]]:
    """The era's columns for the first ``rows`` events of ``table``, messiness injected and counted."""
    ev = select_rows(world, table, rows)
    n = len(ev["person"])
    vals = generate_values(world, table, ev)
    truth = Truth(rows=n, planted_duplicates=int(ev.get("is_planted_duplicate", np.zeros(n, bool)).sum()))
    event = ev[EVENT_FIELD[table]]
    rates = profile()["rates"]
    cols: list[Column] = []
    for alias in era_layout(table, world.era):
        name = alias.field
        if name == DERIVED:
            continue
        f = field_(name)
        seed = world.seed
        if f.redaction == "withhold":
            marks = np.array(REDACTION_MARKERS, dtype=object)[stream(seed, "mark:" + name).integers(0, 2, n)]
            cols.append(Column(alias.header, name, "text", marks))
            truth.withheld_redacted[name] += n
            continue
        if name in vals:
            data = vals[name]
            kind = ("datetime" if f.type == "TIMESTAMP" else "date") if f.is_temporal else (
                "number" if f.type in ("INTEGER", "DOUBLE", "BIGINT") else "text")
            if f.type == "DATE" and data.dtype.kind == "M":
                data = data.astype("datetime64[D]").astype("datetime64[s]")
        else:
            kind, data = _fallback(name, n, seed, event)
        if name in FULLY_BLANK.get((table, world.era), ()):
            data = np.full(n, None, dtype=object)
            kind = "text"
        col = Column(alias.header, name, kind, data.copy() if hasattr(data, "copy") else data)
        _inject(col, table, world, n, rates, truth)
        cols.append(col)
    return cols, truth, ev


def _is_blank(col: Column, i: int) -> bool:
    x = col.values[i]
    if col.kind in ("datetime", "date"):
        return bool(np.isnat(x))
    if col.kind == "number":
        return bool(np.isnan(x))
    return x is None or x == ""


def _inject(col: Column, table: str, world: World, n: int, rates: dict, truth: Truth) -> None:
    seed, name = world.seed, col.field
    rng = stream(seed, "inject:" + name)
    if name == EVENT_FIELD[table]:
        bad = np.flatnonzero(rng.random(n) < rates["unparseable_event"])
        for i in bad:
            col.overrides[int(i)] = BAD_EVENT_TEXT[int(i) % 2]
        truth.bad_event_rows += len(bad)
        return
    if name == "person_id":
        blank = np.flatnonzero(rng.random(n) < rates["missing_person_id"])
        col.values[blank] = None
        truth.blank_person_id += len(blank)
        return
    if col.kind == "date" and name not in LATE_REDACTED:
        for i in np.flatnonzero(rng.random(n) < rates["unparseable_other"]):
            if not _is_blank(col, i):
                col.overrides[int(i)] = BAD_DATE_TEXT
                truth.bad_values[name] += 1
    rate = rates["birth_year_redacted"] if name == "birth_year" else rates["late_redaction"] if name in LATE_REDACTED else 0
    if rate:
        hit = rng.random(n) < rate
        if name in LATE_REDACTED:
            hit[: min(n, 1000)] = False  # only after the rows a type-guessing reader would sample
        for i in np.flatnonzero(hit):
            if int(i) in col.overrides:
                continue
            col.overrides[int(i)] = REDACTION_MARKERS[int(i) % 2]
            truth.redacted[name] += 1
    if col.kind == "text":
        na = np.array([x == "NA" for x in col.values]) if name.endswith("threat_level") else None
        if na is not None:
            truth.not_available[name] += int(na.sum())

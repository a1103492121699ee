"""A synthetic world for one era and seed: people and their linked events (encounter, detainer,
arrest, detention stints, removal), vectorised with numpy.

Every attribute comes from its own random stream keyed by (seed, attribute), so the first k
people are the same whatever the size asked for: tables generated with the same seed link up
(a detainer's person is arrested, booked in, removed) as in ICE's own releases.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
DAY = np.timedelta64(1, "D")
SECOND = np.timedelta64(1, "s")


@cache
def profile() -> dict:
    return yaml.safe_load((HERE / "profiles.yaml").read_text())


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per (seed, attribute)."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def pick(seed: int, name: str, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([float(weights[k]) for k in keys])
    idx = stream(seed, name).choice(len(keys), size=n, p=p / p.sum())
    return np.array(keys, dtype=object)[idx]


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], dt.date(start.year, start.month, 1)
    while d <= end:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def sample_datetimes(seed: int, name: str, n: int, start: dt.date, end: dt.date) -> np.ndarray:
    """Datetimes spread over [start, end] with monthly volume following the profile's year weights."""
    months = months_between(start, end)
    w = np.array([profile()["year_weight"].get(m.year, 1.0) for m in months], dtype=float)
    m_idx = stream(seed, name + ":month").choice(len(months), size=n, p=w / w.sum())
    month_start = np.array([np.datetime64(m, "s") for m in months])[m_idx]
    offs = stream(seed, name + ":offset").random(n)
    secs = (offs * 30 * 86400).astype("int64")
    hour = stream(seed, name + ":hour").normal(12.5, 3.5, n).clip(0, 23.9)
    dts = month_start + secs // 86400 * 86400 * SECOND + (hour * 3600).astype("int64") * SECOND
    lo, hi = np.datetime64(start, "s"), np.datetime64(end, "s") + 86399 * SECOND
    return np.clip(dts, lo, hi)


@dataclass
class World:
    era: str
    seed: int
    start: dt.date
    end: dt.date
    people: dict[str, np.ndarray]
    encounters: dict[str, np.ndarray]
    detainers: dict[str, np.ndarray]
    arrests: dict[str, np.ndarray]
    stints: dict[str, np.ndarray]
    removals: dict[str, np.ndarray]

    def table(self, name: str) -> dict[str, np.ndarray]:
        return getattr(self, name.removeprefix("core_").replace("detention_stints", "stints"))


def _within(d: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[keep] for k, v in d.items()}


def build_world(era: str, seed: int, n_people: int) -> World:
    prof = profile()
    e = prof["eras"][era]
    start, end = e["start"], e["end"]
    rates = prof["rates"]
    n = n_people
    idx = np.arange(n)
    hexid = stream(seed, "id").integers(0, 2**62, n)
    people = {
        "person": idx,
        "person_id": np.array([f"SYN{era[:2]}{h:015X}" for h in hexid], dtype=object),
        "gender": pick(seed, "gender", prof["gender"], n),
        "citizenship_country": pick(seed, "country", prof["countries"], n),
        "birth_year": (end.year - stream(seed, "age").normal(33, 10, n).clip(17, 80)).astype(int),
        "criminality": pick(seed, "criminality", prof["criminality"], n),
        "aor": pick(seed, "aor", prof["aor_weights"], n),
        "case_status": pick(seed, "case_status", prof["case_status"], n),
        "case_category": pick(seed, "case_category", prof["case_category"], n),
        "final_program": pick(seed, "final_program", prof["final_program"], n),
        "threat_level": pick(seed, "threat", prof["threat_level"], n),
        "entry_status": pick(seed, "entry_status", prof["entry_status"], n),
    }
    states = prof["aor_states"]
    st_pick = stream(seed, "state").random(n)
    people["state"] = np.array([states[a][int(r * len(states[a]))] for a, r in zip(people["aor"], st_pick)], dtype=object)
    base = sample_datetimes(seed, "base", n, start, end)
    lo, hi = np.datetime64(start, "s"), np.datetime64(end, "s") + 86399 * SECOND

    # encounters: one per person a few days before the base date, a fifth get a second one
    enc_dt = base - (stream(seed, "enc").random(n) * 5 * 86400).astype("int64") * SECOND
    extra = stream(seed, "enc2").random(n) < 0.2
    encounters = {"person": np.concatenate([idx, idx[extra]]),
                  "event_datetime": np.concatenate([enc_dt, enc_dt[extra] - 40 * DAY])}

    # detainers before the arrest, with a lift reason
    has_det = stream(seed, "det").random(n) < rates["detainer"]
    det_dt = base - (1 + stream(seed, "detlag").random(n) * 45 * 86400).astype("int64") * SECOND
    lift = pick(seed, "lift", prof["lift_reasons"], n)
    fac_no = stream(seed, "fac").integers(1, 6, n)
    detainers = {"person": idx[has_det], "detainer_prepare_datetime": det_dt[has_det], "lift": lift[has_det],
                 "facility_no": fac_no[has_det], "detainer_type": pick(seed, "dtype", prof["detainer_types"], n)[has_det]}

    # arrests: booked-in detainers are arrested within 3 days in custody; declined ones mostly never
    booked = has_det & (lift == "Booked into Detention")
    declined = has_det & (lift == "Detainer Declined by LEA")
    arrest_dt = np.where(booked, det_dt + (stream(seed, "arrlag").random(n) * 3 * 86400).astype("int64") * SECOND, base)
    method = pick(seed, "method", prof["methods"], n)
    method = np.where(booked, "CAP Local Incarceration", method)
    arrested = ~declined | (stream(seed, "declined_arrest").random(n) < 0.3)
    recoded = arrest_dt >= np.datetime64(prof["cap_recoded_from"], "s")
    method = np.where(recoded & np.isin(method, prof["cap_methods"]), "Custodial Arrest", method)
    dup = arrested & (stream(seed, "dup").random(n) < rates["arrest_duplicate"])
    dup_dt = arrest_dt + (1 + stream(seed, "duplag").random(n) * 22 * 3600).astype("int64") * SECOND
    dup_method = np.where(stream(seed, "dupmethod").random(n) < 0.5, "ERO Reprocessed Arrest", method)
    arrests = {"person": np.concatenate([idx[arrested], idx[dup]]),
               "apprehension_datetime": np.concatenate([arrest_dt[arrested], dup_dt[dup]]),
               "method": np.concatenate([method[arrested], dup_method[dup]]).astype(object),
               "is_planted_duplicate": np.concatenate([np.zeros(arrested.sum(), bool), np.ones(dup.sum(), bool)])}

    # detention: a stay after the arrest, one or two stints, open when it runs past the era's end
    detained = arrested & (stream(seed, "detained").random(n) < rates["detained_after_arrest"])
    stay_in = arrest_dt + (stream(seed, "bookinlag").random(n) * 48 * 3600).astype("int64") * SECOND
    los_days = stream(seed, "los").lognormal(3.3, 0.9, n).clip(1, 700)
    stay_out = stay_in + (los_days * 86400).astype("int64") * SECOND
    open_stay = stay_out > hi
    two = stream(seed, "extra_stint").random(n) < rates["extra_stint"]
    first_out = np.where(two, stay_in + (1 + stream(seed, "hold").random(n) * 2 * 86400).astype("int64") * SECOND, stay_out)
    first_out = np.minimum(first_out, stay_out)
    removed = detained & ~open_stay & (stream(seed, "removed").random(n) < rates["removed_after_detention"])
    release = pick(seed, "release", {k: v for k, v in prof["release_reasons"].items() if k != "Removed"}, n)
    stay_reason = np.where(removed, "Removed", np.where(open_stay, "", release)).astype(object)
    d1, d2 = idx[detained], idx[detained & two]
    stints = {
        "person": np.concatenate([d1, d2]),
        "stay_book_in_datetime": np.concatenate([stay_in[d1], stay_in[d2]]),
        "book_in_datetime": np.concatenate([stay_in[d1], first_out[d2]]),
        "book_out_datetime": np.concatenate([first_out[d1], stay_out[d2]]),
        "stay_book_out_datetime": np.concatenate([stay_out[d1], stay_out[d2]]),
        "open": np.concatenate([open_stay[d1] & ~two[d1], open_stay[d2]]),
        "stay_open": np.concatenate([open_stay[d1], open_stay[d2]]),
        "stint_no": np.concatenate([np.ones(len(d1), int), np.full(len(d2), 2)]),
        "release_reason": np.concatenate([np.where(two[d1], "Transferred", stay_reason[d1]), stay_reason[d2]]).astype(object),
        "stay_release_reason": np.concatenate([stay_reason[d1], stay_reason[d2]]),
        "facility_no": np.concatenate([fac_no[d1], (fac_no[d2] % 5) + 1]),
    }
    removals = {"person": idx[removed], "departed_datetime": stay_out[removed]}

    def in_era(d: dict, col: str) -> dict:
        return _within(d, (d[col] >= lo) & (d[col] <= hi))

    return World(era, seed, start, end, people,
                 in_era(encounters, "event_datetime"), in_era(detainers, "detainer_prepare_datetime"),
                 in_era(arrests, "apprehension_datetime"), in_era(stints, "book_in_datetime"),
                 in_era(removals, "departed_datetime"))


YIELD = {"core_arrests": 0.9, "core_encounters": 1.1, "core_detainers": 0.45, "core_detention_stints": 0.7,
         "core_removals": 0.28}


def world_for(era: str, seed: int, table: str, rows: int) -> World:
    """A world with at least ``rows`` events of ``table`` (grown until it has them)."""
    n = max(50, int(rows / YIELD[table] * 1.1) + 10)
    while True:
        w = build_world(era, seed, n)
        if len(w.table(table)["person"]) >= rows:
            return w
        n = int(n * 1.5) + 10

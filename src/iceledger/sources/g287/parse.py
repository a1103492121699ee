"""Parsers for 287(g) list values: SIGNED dates (with listed fix rules), agency names as matching keys,
support types as model codes, and dates in MOA file names. All rules live in CSV files beside this
module; a value no rule reads is reported, never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from iceledger.metadata.model import METADATA_DIR

HERE = Path(__file__).resolve().parent
EARLIEST_SIGNED = dt.date(2000, 1, 1)  # 287(g) agreements date from 2002; anything earlier is a typo
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")


def _rows(name: str, folder: Path = HERE) -> list[dict[str, str]]:
    with (folder / name).open(newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def signed_fixes() -> dict[str, tuple[dt.date, str]]:
    """Raw SIGNED text -> (repaired date, reason), from signed_fixes.csv."""
    return {r["raw"]: (dt.date.fromisoformat(r["fixed"]), r["reason"]) for r in _rows("signed_fixes.csv")}


@dataclass(frozen=True)
class Signed:
    value: dt.date | None
    rule: str | None = None  # the fix rule's reason when one was applied
    problem: str | None = None  # why the value was quarantined


def read_date(text: str) -> dt.date | None:
    """YYYY-MM-DD or M/D/YYYY (or M/D/YY), else None."""
    m = ISO_DATE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = US_DATE.match(text)
        if not m:
            return None
        mo, d, y = (int(g) for g in m.groups())
        y = y + 2000 if y < 100 else y
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def parse_signed(raw: str | None, listed_on: dt.date) -> Signed:
    """A SIGNED cell: a listed fix rule first, then the two date forms ICE uses; the date must fall between
    2000-01-01 and the day the list was published."""
    if raw is None or not raw.strip():
        return Signed(None, problem="blank")
    text = raw.strip()
    if text in signed_fixes():
        fixed, reason = signed_fixes()[text]
        return Signed(fixed, rule=reason)
    value = read_date(text)
    if value is None:
        return Signed(None, problem=f"not a date: {text!r}")
    if not EARLIEST_SIGNED <= value <= listed_on:
        return Signed(None, problem=f"{value.isoformat()} is outside 2000-01-01 .. {listed_on.isoformat()} (the list's date)")
    return Signed(value)


@cache
def agency_words() -> dict[str, str]:
    return {r["word"]: r["replacement"] for r in _rows("agency_words.csv")}


@cache
def agency_aliases() -> dict[tuple[str, str], str]:
    """(state code or upper-case state name, key) -> canonical key, from agency_aliases.csv."""
    out = {}
    for r in _rows("agency_aliases.csv"):
        out[(r["state_code"], r["agency_key"])] = out[(r["state_name"], r["agency_key"])] = r["canonical_key"]
    return out


def agency_key(name: str | None, state: str | None = None) -> str | None:
    """A matching key for an agency name: lower case, possessive 's and punctuation removed, the words of
    agency_words.csv replaced or dropped, a leading "city of" dropped, then the listed aliases applied."""
    if not name or not name.strip():
        return None
    text = unicodedata.normalize("NFKD", name.casefold().replace("\u2019", "'").replace("\u2018", "'"))
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"'s\b", "", text)
    words = []
    for w in re.sub(r"[^a-z0-9]+", " ", text).split():
        w = agency_words().get(w, w)
        if w and w != "s":
            words.append(w)
    if words[:2] == ["city", "of"] and len(words) > 2:
        words = words[2:]
    key = " ".join(words) or None
    return agency_aliases().get(((state or "").upper(), key), key) if key else None


@cache
def model_codes() -> dict[str, str]:
    """Support type name (lower case) or code -> model code, from metadata/codes/g287_model.csv."""
    out = {}
    for r in _rows("g287_model.csv", METADATA_DIR / "codes"):
        out[r["name"].lower()] = r["code"]
        out[r["code"].lower()] = r["code"]
    return out


def model_code(support_type: str | None) -> str | None:
    if not support_type:
        return None
    return model_codes().get(re.sub(r"\s+", " ", support_type).strip().lower())


@cache
def moa_date_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r["pattern"]) for r in _rows("moa_date_patterns.csv"))


def moa_file_date(file_name: str) -> dt.date | None:
    """The date at the end of an MOA file name (05082025, 04.16.2025, 2020-07-20, 042925 ...), or None."""
    stem = re.sub(r"(\.pdf)+$", "", file_name, flags=re.I)
    for pattern in moa_date_patterns():
        m = pattern.search(stem)
        if not m:
            continue
        y = int(m["y"])
        y = y + 2000 if y < 100 else y
        try:
            return dt.date(y, int(m["m"]), int(m["d"]))
        except ValueError:
            continue
    return None

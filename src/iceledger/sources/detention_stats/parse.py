"""Reading single cells of ICE's detention statistics workbooks: labels, numbers, dates and ZIP codes.

Each parser returns the value and, when the value is None, the reason (blank, not_available,
unparseable), so that nothing becomes a silent blank.
"""

from __future__ import annotations

import datetime as dt
import math
import re

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system, after its 1900 leap-year bug)
ERROR_MARKERS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"}
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ZIP = re.compile(r"^(\d{5})(-\d{4})?$")


def _is_whole(x: float) -> bool:
    return math.isfinite(x) and x == int(x)


def normalise_label(value: object) -> str:
    """A label as text with runs of whitespace (non-breaking spaces and newlines included) made one space."""
    if value is None:
        return ""
    return _SPACE.sub(" ", str(value).replace("\xa0", " ")).strip()


def label_key(value: object) -> str:
    """What labels are compared on: normalised and case-folded ('Order of supervision' = 'Order of Supervision')."""
    return normalise_label(value).casefold()


def parse_number(value: object) -> tuple[float | None, str | None]:
    """A numeric cell: (value, None), or (None, reason) for blanks, Excel errors and text that is not a number."""
    if value is None:
        return None, "blank"
    if isinstance(value, bool):
        return None, "unparseable"
    if isinstance(value, (int, float)):
        return (float(value), None) if math.isfinite(value) else (None, "unparseable")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return None, "unparseable"
    text = normalise_label(value)
    if not text:
        return None, "blank"
    if text.upper() in ERROR_MARKERS:
        return None, "not_available"
    candidate = text.replace(",", "")
    if _NUMBER.match(candidate):
        return float(candidate), None
    return None, "unparseable"


def parse_int(value: object) -> tuple[int | None, str | None]:
    number, reason = parse_number(value)
    if number is None:
        return None, reason
    if not _is_whole(number):
        return None, "unparseable"
    return int(number), None


def parse_date(value: object) -> tuple[dt.date | None, str | None]:
    """A date written as an Excel date, an Excel serial number, or US-style text (5/9/2019)."""
    if value is None:
        return None, "blank"
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not _is_whole(value) or not 1 <= value <= 2958465:  # 2958465 is 9999-12-31
            return None, "unparseable"
        return EXCEL_EPOCH + dt.timedelta(days=int(value)), None
    text = normalise_label(value)
    if not text:
        return None, "blank"
    if text.upper() in ERROR_MARKERS | {"N/A"}:
        return None, "not_available"
    m = _US_DATE.match(text)
    if m:
        month, day, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day), None
        except ValueError:
            return None, "unparseable"
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, "unparseable"


def parse_zip(value: object) -> tuple[str | None, str | None]:
    """A five-digit ZIP code; Excel stores ZIP codes as numbers and drops leading zeros (7105 is 07105)."""
    if value is None:
        return None, "blank"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not _is_whole(value) or not 0 < value < 100000:
            return None, "unparseable"
        return f"{int(value):05d}", None
    text = normalise_label(value)
    if not text:
        return None, "blank"
    m = _ZIP.match(text)
    if m:
        return m.group(1), None
    if text.isdigit() and len(text) < 5:
        return text.zfill(5), None
    return None, "unparseable"


def parse_text(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10], None
    if isinstance(value, float) and _is_whole(value):
        value = int(value)
    text = normalise_label(value)
    return (text, None) if text else (None, "blank")

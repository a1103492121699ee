"""Text normalisation for place names as press releases write them.

One function, `normalize_name`, turns "Cook Co., Ill." and "COOK COUNTY, ILLINOIS" into the same key
("cook county, ill" → segments ["cook county", "ill"]): accents and case folded, periods and
apostrophes dropped, hyphens and other punctuation turned into spaces, commas kept as separators,
"Co."/"Cnty" after a name read as "county", "Saint" written "st", "Ft." written "fort".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

COUNTY_ABBREVIATIONS = {"co", "cnty", "cty", "county"}
WORD_FORMS = {"saint": "st", "ft": "fort", "mt": "mount"}
LEADING_HINTS = [  # (phrase, kind hint); longest first
    ("the commonwealth of ", "state"), ("commonwealth of ", "state"), ("the state of ", "state"),
    ("state of ", "state"), ("the city of ", "city"), ("city of ", "city"), ("the county of ", "county"),
    ("county of ", "county"), ("the ", None),
]
TRAILING_AREA = re.compile(r"(?<!census)\s+(metropolitan area|metro area|metro|area)$")
PARENTHETICAL = re.compile(r"\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class Normalized:
    text: str  # the normalised text, commas kept
    segments: tuple[str, ...]  # comma-separated parts, each normalised
    kind_hint: str | None  # "state", "city" or "county" from a leading phrase
    parenthetical: str | None  # a trailing "(…)" as written, e.g. an AOR name in ICE's DDOR tables
    dropped_area_word: bool  # "Seattle area" → "seattle"


def fold(text: str) -> str:
    """Case, accents, periods, apostrophes and punctuation folded; commas kept; spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[.'’`]", "", text)
    text = re.sub(r"[^\w,]+", " ", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    return re.sub(r"\s+", " ", text).strip(" ,")


def normalize_segment(segment: str) -> str:
    """One comma-free part: word forms canonicalised, a trailing county abbreviation made "county"."""
    words = [WORD_FORMS.get(w, w) for w in segment.split()]
    if len(words) > 1 and words[-1] in COUNTY_ABBREVIATIONS:
        words[-1] = "county"
    return " ".join(words)


def normalize_name(text: str) -> Normalized:
    """Split a place text into normalised segments, with the hints its wording carries."""
    parenthetical = None
    m = PARENTHETICAL.search(text)
    if m:
        parenthetical, text = m.group(1).strip(), text[: m.start()]
    folded = fold(text)
    hint = None
    for phrase, kind in LEADING_HINTS:
        if folded.startswith(phrase):
            folded, hint = folded[len(phrase):], kind or hint
            if kind:
                break
    segments = [normalize_segment(s) for s in folded.split(",") if s.strip()]
    dropped = False
    if segments and len(segments[0].split()) > 1 and TRAILING_AREA.search(segments[0]):
        segments[0], dropped = TRAILING_AREA.sub("", segments[0]), True
    return Normalized(", ".join(segments), tuple(segments), hint, parenthetical, dropped)


def key(name: str) -> str:
    """The lookup key of a registry name or alias: the same folding as press text, as one segment."""
    return normalize_segment(fold(name).replace(",", " "))

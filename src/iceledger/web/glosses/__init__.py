"""Spanish glosses of registry text that is shown as its source wrote it, in English (policy terms,
facility types, the areas ICE's field offices cover, release descriptions, the gate's notes).

``gloss(f, text)`` gives the gloss in the page's language, or None (English pages, or no gloss yet).
Glosses are data, in ``glosses/<lang>.yaml``: exact texts, and patterns for text built to a pattern,
whose groups of tabulation words (``arrests by month, aor_code``) are put in that language word by word.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from iceledger.web.i18n import Formatter

HERE = Path(__file__).resolve().parent


@cache
def load(lang: str) -> dict:
    path = HERE / f"{lang}.yaml"
    if not path.exists():
        return {"texts": {}, "patterns": [], "words": {}}
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {"texts": {k.strip(): v.strip() for k, v in (raw.get("texts") or {}).items()},
            "patterns": [(re.compile(p["match"]), p["es"]) for p in raw.get("patterns") or []],
            "words": raw.get("words") or {}}


def _words(text: str, words: dict) -> str:
    return re.sub(r"[A-Za-z_]+", lambda m: words.get(m[0], m[0]), text.replace(" by ", " por "))


def gloss(f: Formatter, text: str | None) -> str | None:
    if f.lang == "en" or not text:
        return None
    g = load(f.lang)
    found = g["texts"].get(text.strip())
    if found:
        return found
    for pattern, template in g["patterns"]:
        m = pattern.match(text.strip())
        if m:
            return template.format(**{k: _words(v, g["words"]) for k, v in m.groupdict().items()})
    return None

"""English and Spanish: gettext catalogues read from the .po files (compiled in memory at start-up,
so there is no build step), and numbers, dates and months formatted for the page's locale by Babel.
"""

from __future__ import annotations

import csv
import datetime as dt
import gettext
import io
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_skeleton, get_day_names, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("en", "es")
DEFAULT = "en"
# US English and US Spanish: the readers are in the United States (grouping 1,234; dates as in the US).
LOCALES = {"en": "en_US", "es": "es_US"}
NAMES = {"en": "English", "es": "Español"}


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English msgids translate to themselves)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=LOCALES[lang])
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def extract_code_labels(fileobj, keywords, comment_tags, options):
    """Babel extraction method for the marker web/code_labels.txt (babel.cfg): each row's `label` in the code lists
    (metadata/codes/*.csv) is a message to translate."""
    for path in sorted((Path(__file__).resolve().parent.parent / "metadata" / "codes").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                if row.get("label"):
                    yield line, None, row["label"], []


def pick(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT


class Formatter:
    """What a template needs to speak one language: gettext, numbers, dates."""

    def __init__(self, lang: str):
        self.lang = pick(lang)
        self.locale = LOCALES[self.lang]
        self._t = translations(self.lang)

    def gettext(self, msg: str, **kw) -> str:
        out = self._t.gettext(msg)
        return out % kw if kw else out

    def ngettext(self, singular: str, plural: str, n: int, **kw) -> str:
        out = self._t.ngettext(singular, plural, n)
        return out % ({"num": n} | kw)

    def number(self, n) -> str:
        if n is None:
            return ""
        return format_decimal(n, locale=self.locale)

    def percent(self, x) -> str:
        return "" if x is None else format_percent(x, locale=self.locale, format="#,##0.#%")

    def date(self, d, fmt: str = "medium") -> str:
        if d is None:
            return ""
        if isinstance(d, str):
            d = dt.date.fromisoformat(d[:10])
        if isinstance(d, dt.datetime):
            d = d.date()
        return format_date(d, format=fmt, locale=self.locale)

    def month(self, d) -> str:
        """A month as the locale writes it: "June 2025", "junio de 2025" (CLDR's year-and-month skeleton)."""
        if not d:
            return ""
        if isinstance(d, str):
            d = dt.date.fromisoformat(d[:10])
        return format_skeleton("yMMMM", d, locale=self.locale)

    def vega_locales(self) -> dict:
        """d3 number and time locales for Vega, from Babel's data for this locale."""
        months = get_month_names("wide", locale=self.locale)
        short = get_month_names("abbreviated", locale=self.locale)
        days = get_day_names("wide", locale=self.locale)
        sdays = get_day_names("abbreviated", locale=self.locale)
        order = [6, 0, 1, 2, 3, 4, 5]  # d3 weeks start on Sunday; Babel's on Monday
        return {
            "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
            "time": {
                "dateTime": "%x, %X", "date": "%m/%d/%Y", "time": "%I:%M:%S %p", "periods": ["AM", "PM"],
                "days": [days[i] for i in order], "shortDays": [sdays[i] for i in order],
                "months": [months[i] for i in range(1, 13)], "shortMonths": [short[i].rstrip(".") for i in range(1, 13)],
            },
        }

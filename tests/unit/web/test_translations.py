"""Every string the dashboard shows is in both catalogues, translated into Spanish, with the same
placeholders; and the catalogues hold nothing the code no longer uses."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from iceledger.web import i18n
from iceledger.web.i18n import Formatter

WEB = Path(i18n.__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[str]:
    """What `make translations` extracts: the map in web/babel.cfg, read from src/iceledger/web."""
    with (WEB / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = extract_from_dir(str(WEB), method_map, options_map, keywords=keywords)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


def catalogue(lang: str):
    with i18n.po_path(lang).open("rb") as fh:
        return read_po(fh, locale=i18n.LOCALES[lang])


def test_every_string_is_in_both_catalogues_and_no_stale_ones():
    ids = extracted()
    assert len(ids) > 250
    assert "Required by state law to honour ICE detainers" in ids  # a code list's label (metadata/codes/*.csv)
    for lang in ("en", "es"):
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(lang) if m.id}
        assert ids - have == set(), f"{lang}: missing (run `make translations`)"
        assert have - ids == set(), f"{lang}: no longer used"


def test_spanish_is_complete_with_the_same_placeholders():
    for m in catalogue("es"):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(strings), f"untranslated: {m.id!r}"
        for text in strings:
            assert sorted(set(PLACEHOLDER.findall(ids[0]))) == sorted(set(PLACEHOLDER.findall(text))), m.id
        assert "fuzzy" not in m.flags, m.id


def test_key_terms_read_as_the_glossary_says():
    es = Formatter("es")
    assert es.gettext("Detainers") == "Órdenes de retención"
    assert es.gettext("ICE field office (AOR)") == "Oficina de campo de ICE (AOR)"
    assert es.gettext("fewer than %(n)s or withheld", n="11") == "menos de 11 o reservado"
    assert Formatter("en").gettext("fewer than %(n)s or withheld", n="11") == "fewer than 11 or withheld"
    assert es.ngettext("%(num)s week before", "%(num)s weeks before", 1) == "1 semana antes"
    assert es.ngettext("%(num)s week before", "%(num)s weeks before", 3) == "3 semanas antes"
    assert Formatter("en").ngettext("%(num)s week before", "%(num)s weeks before", 1) == "1 week before"


def test_numbers_and_dates_follow_the_locale():
    import datetime as dt

    assert Formatter("en").number(1234567) == "1,234,567"
    assert Formatter("es").number(1234567) == "1,234,567"  # US Spanish groups like US English
    assert Formatter("es").date(dt.date(2017, 9, 28), "long") == "28 de septiembre de 2017"
    assert Formatter("en").date(dt.date(2017, 9, 28), "long") == "September 28, 2017"
    # a month alone: Spanish joins month and year with "de", as the long date does
    assert Formatter("es").month("2025-06-01") == "junio de 2025"
    assert Formatter("en").month(dt.date(2025, 6, 1)) == "June 2025"
    loc = Formatter("es").vega_locales()["time"]
    assert loc["months"][8] == "septiembre" and loc["shortDays"][0].lower().startswith("dom")

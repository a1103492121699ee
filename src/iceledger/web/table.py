"""The ``Table`` every panel of the dashboard is built as, and what builders share.

A table knows, from its own rows, whether its numbers are ICE's records or synthetic (``origin``:
each published cell carries ``is_synthetic``), so a chart, its table and its download each carry
their own series' mark, whatever the rest of the page shows. It also knows its place, period and
unit, which an exported chart prints inside itself (``tables.describe``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter

REAL, SYNTHETIC, MIXED = "real", "synthetic", "mixed"


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | number | date | month | link | code | url | bool | english
    lang: str = ""  # "en" for names as an English-language source writes them (agencies, facilities)


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[dict]
    source: str = ""
    source_href: str = ""
    origin: str = ""  # "" (registry text) | real | synthetic | mixed: from the rows' is_synthetic
    chart: dict | None = None
    params: dict = field(default_factory=dict)
    note: str = ""
    empty: str = ""
    builder: str = ""
    place: str = ""
    period: str = ""
    unit: str = ""
    source_names: list[str] = field(default_factory=list)  # registry titles, in English, within ``source``

    def csv_href(self, lang: str) -> str:
        return f"/download/{self.builder}.csv?" + urlencode({**{k: v for k, v in self.params.items() if v is not None},
                                                        "lang": lang})

    @property
    def synthetic(self) -> bool:
        return self.origin in (SYNTHETIC, MIXED)

    @property
    def has_withheld(self) -> bool:
        return any(isinstance(v, dict) and v.get("withheld") for r in self.rows for v in r.values())

    @property
    def nothing_to_draw(self) -> bool:
        """Every count is withheld or zero: a chart would be an empty plot."""
        counts = [v for r in self.rows for v in r.values() if isinstance(v, dict) and "withheld" in v]
        return bool(counts) and all(v["withheld"] or not v["value"] for v in counts)


def origin_of(rows: list[dict]) -> str:
    """real, synthetic or mixed, from the published cells' own is_synthetic flags ("" without cells)."""
    flags = {bool(r.get("is_synthetic")) for r in rows}
    if not flags:
        return ""
    return MIXED if len(flags) == 2 else SYNTHETIC if True in flags else REAL


def origin_text(f: Formatter, origin: str) -> str:
    """The mark a series carries wherever it goes (page, CSV, exported chart)."""
    return {SYNTHETIC: f.gettext("SYNTHETIC: made-up demonstration data, not ICE records"),
            MIXED: f.gettext("Partly SYNTHETIC: some of these counts are made-up demonstration data, not ICE records"),
            REAL: f.gettext("ICE records (real data)")}.get(origin, "")


def count(row: dict) -> dict:
    return {"value": row.get("cell_count"), "withheld": bool(row.get("is_withheld"))}


def records_source(data: WebData, f: Formatter) -> tuple[str, str]:
    ids = ", ".join(r["release_id"] + (" (" + f.gettext("SYNTHETIC") + ")" if r["is_synthetic"] else "")
                    for r in data.releases())
    if data.is_exact:
        ids += " — " + f.gettext("EXACT figures for a local analyst, not passed through the disclosure gate")
    return f.gettext("ICE ERO-LESA records, releases: %(ids)s; counted by iceledger and passed through its "
                     "disclosure gate", ids=ids or f.gettext("none loaded")), "/data#releases"


def registry_source(data: WebData, f: Formatter, source_ids, searched: str = "") -> dict:
    """Table fields naming the registries a table's rows come from (their titles kept apart, being
    English); with no rows, what was searched (``searched``)."""
    srcs = data.sources()
    names = sorted({srcs[s]["source_title"] for s in source_ids if s in srcs})
    if not names:
        return {"source": searched or f.gettext("Registry sources searched: see the list of sources"),
                "source_href": "/data#sources"}
    return {"source": f.gettext("Registry sources: %(names)s", names="; ".join(names)), "source_href": "/data#sources",
            "source_names": names}


def month_period(f: Formatter, rows: list[dict]) -> str:
    days = sorted(r["period_date"] for r in rows if r.get("period_date"))
    return f"{f.month(days[0])} – {f.month(days[-1])}" if days else ""


def fy_period(f: Formatter, years: list[int]) -> str:
    years = sorted(set(y for y in years if y))
    if not years:
        return ""
    if len(years) == 1:
        return f.gettext("fiscal year %(fy)s", fy=years[0])
    return f.gettext("fiscal years %(first)s to %(last)s", first=years[0], last=years[-1])

"""Every table the dashboard shows, built once for the page and for its CSV download.

A builder takes the public data, the page's Formatter and its parameters, and returns a ``Table``
(``web/table.py``): a title, typed columns, rows of raw values, where the numbers come from, and
(for charts) the Vega-Lite spec drawn from the same rows, so the chart and its table alternative
cannot disagree. ``build`` then finishes every table the same way: a chart whose every count is
withheld or zero is not drawn (the panel says so), and a drawn chart carries the lines an exported PNG or
SVG prints inside itself (place, period, unit, real or synthetic, source, publication date).
"""

from __future__ import annotations

import textwrap

from iceledger.web import counts, registries
from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter
from iceledger.web.labels import withheld_label
from iceledger.web.table import Column, Table, origin_text

__all__ = ["BUILDERS", "Column", "Table", "build", "export_lines"]

EXPORT_WIDTH = 680  # px: exported charts have one width whatever the screen they were drawn on
WRAP = 100  # characters per line of the export's notes at that width


def export_lines(t: Table, data: WebData, f: Formatter) -> list[str]:
    """What an exported chart must say about itself, one short line each (wrapped to the export's width)."""
    pub = data.publication
    lines = [f.gettext("Place: %(place)s", place=t.place) if t.place else "",
             f.gettext("Period: %(period)s", period=t.period) if t.period else "",
             f.gettext("Unit: %(unit)s", unit=t.unit) if t.unit else "",
             origin_text(f, t.origin),
             f.gettext("Source: %(source)s", source=t.source),
             f.gettext("Published by iceledger on %(date)s (publication %(id)s); withheld counts read “%(w)s”.",
                       date=f.date(pub.get("published_at"), "long"), id=pub.get("publication_id"),
                       w=withheld_label(f, data.threshold))]
    return [part for line in lines if line for part in textwrap.wrap(line, WRAP)]


def build(name: str, data: WebData, f: Formatter, **params) -> Table:
    t = BUILDERS[name](data, f, **params)
    t.builder = name
    if t.chart and t.nothing_to_draw:
        t.chart = None
        t.empty = f.gettext("Every count in this chart is withheld (“%(w)s”) or zero, so there is nothing to draw; "
                            "the table lists them.", w=withheld_label(f, data.threshold))
    if t.chart:
        t.chart["usermeta"]["export"] = {
            "width": EXPORT_WIDTH, "lines": export_lines(t, data, f),
            "png": {"Title": t.title, "Source": t.source, "Disclaimer": origin_text(f, t.origin),
                    "Creation Time": str(data.publication.get("published_at") or ""),
                    "Software": "iceledger", "Description": " | ".join(export_lines(t, data, f))}}
    return t


BUILDERS = {
    "lead": counts.lead, "trend": counts.trend, "breakdown": counts.breakdown, "funnel": counts.funnel, "places": counts.places,
    "map": counts.map_table, "operation-weeks": counts.operation_weeks,
    "facilities": registries.facilities, "agreements": registries.agreements, "policies": registries.policies,
    "figures": registries.figures, "operation-areas": registries.operation_areas,
}

"""Vega-Lite specifications, built on the server in the page's language.

A withheld count is never drawn as a height: on a time chart its month is a grey band over the
whole plot, on a bar chart its row carries the words instead of a bar, on the map its county is
grey. Titles, axes, legends and tooltips are translated here; numbers and dates are formatted by
the locale the page hands to Vega (i18n.Formatter.vega_locales).
"""

from __future__ import annotations

from iceledger.web.i18n import Formatter
from iceledger.web.static import asset_url

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched
BLUE, GREY, LIGHT = "#1d5a8a", "#b9b9b9", "#ececec"
ATLAS_COUNTIES = "atlas/counties-10m.json"  # served under its hashed name (static.asset_url)


def _base(title: str, f: Formatter) -> dict:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 15},
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                   "axis": {"labelFontSize": 12, "titleFontSize": 12}, "legend": {"labelFontSize": 12, "orient": "bottom", "direction": "vertical"},
                   "view": {"stroke": None}},
        "usermeta": {"lang": f.lang},
    }


def status_legend(f: Formatter, withheld_label: str) -> dict:
    return {"domain": [f.gettext("published count"), withheld_label], "range": [BLUE, GREY]}


def trend(rows: list[dict], *, title: str, y_title: str, f: Formatter, withheld_label: str) -> dict:
    """Monthly counts: bars where published, a grey band over the month where withheld."""
    published, withheld = f.gettext("published count"), withheld_label
    values = [{"month": str(r["period_date"]), "count": r["cell_count"],
               "status": withheld if r["is_withheld"] else published,
               "label": withheld if r["is_withheld"] else f.number(r["cell_count"])} for r in rows]
    x = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": f.gettext("Month"),
         "axis": {"format": "%b %Y", "labelOverlap": True}}
    color = {"field": "status", "type": "nominal", "title": None, "scale": status_legend(f, withheld_label)}
    tooltip = [{"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": f.gettext("Month"),
                "format": "%B %Y"}, {"field": "label", "type": "nominal", "title": y_title}]
    spec = _base(title, f) | {
        "height": 220,
        "data": {"values": values},
        "layer": [],
    }
    if any(v["status"] == withheld for v in values):
        spec["layer"].append({"transform": [{"filter": {"field": "status", "equal": withheld}}],
                              "mark": {"type": "rect", "opacity": 0.55},
                              "encoding": {"x": x, "color": color, "tooltip": tooltip}})
    if any(v["status"] == published for v in values):
        spec["layer"].append({"transform": [{"filter": {"field": "status", "equal": published}}],
                              "mark": {"type": "bar"},
                              "encoding": {"x": x, "y": {"field": "count", "type": "quantitative", "title": y_title,
                                                         "axis": {"format": ",d", "tickMinStep": 1}},
                                           "color": color, "tooltip": tooltip}})
    return spec


def bars(rows: list[dict], *, title: str, x_title: str, f: Formatter, withheld_label: str) -> dict:
    """Counts by category: a bar where published, the words where withheld. rows: label, cell_count, is_withheld."""
    values = [{"category": r["label"], "count": r["cell_count"] or 0, "withheld": bool(r["is_withheld"]),
               "text": withheld_label if r["is_withheld"] else f.number(r["cell_count"])} for r in rows]
    y = {"field": "category", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 260}}
    tooltip = [{"field": "category", "type": "nominal", "title": f.gettext("Category")},
               {"field": "text", "type": "nominal", "title": x_title}]
    return _base(title, f) | {
        "height": 26 * max(1, len(values)),
        "data": {"values": values},
        "layer": ([
            {"transform": [{"filter": "!datum.withheld"}], "mark": {"type": "bar", "color": BLUE},
             "encoding": {"y": y, "x": {"field": "count", "type": "quantitative", "title": x_title,
                                        "axis": {"format": ",d", "tickMinStep": 1}}, "tooltip": tooltip}},
        ] if any(not v["withheld"] for v in values) else []) + [
            {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
             "encoding": {"y": y, "x": {"field": "count", "type": "quantitative", "title": x_title}, "text": {"field": "text"},
                          "color": {"condition": {"test": "datum.withheld", "value": "#555"}, "value": "#222"},
                          "tooltip": tooltip}},
        ],
    }


def choropleth(values: list[dict], *, title: str, legend_title: str, f: Formatter, withheld_label: str,
               no_count_label: str) -> dict:
    """Counties coloured by a count, each a link to its place's page. values: fips, name, count,
    withheld, text, url (a county's AOR value and page on the AOR map). The legend has a swatch for
    withheld and for no published count beside the colour ramp."""
    lookup = {"lookup": "id", "from": {"data": {"name": "areas"}, "key": "fips",
                                        "fields": ["name", "count", "withheld", "text", "url"]}}
    atlas = asset_url(ATLAS_COUNTIES)
    geo = {"url": atlas, "format": {"type": "topojson", "feature": "counties"}}
    tooltip = [{"field": "name", "type": "nominal", "title": f.gettext("Place")},
               {"field": "text", "type": "nominal", "title": legend_title}]
    status = {"type": "nominal", "scale": {"domain": [withheld_label, no_count_label], "range": [GREY, LIGHT]},
              "legend": {"title": None, "orient": "bottom", "direction": "vertical", "symbolType": "square",
                         "symbolStrokeColor": "#777", "symbolStrokeWidth": 0.5}}
    shape = {"type": "geoshape", "stroke": "#fff", "strokeWidth": 0.2, "aria": False}
    base = _base(title, f)
    spec = base | {
        "height": 420,
        "autosize": {"type": "fit", "contains": "padding"},
        "projection": {"type": "albersUsa"},
        "datasets": {"areas": values},
        "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
        # the colour ramp and the two grey swatches one under the other: side by side they overlap on a phone
        "config": base["config"] | {"legend": base["config"]["legend"] | {"layout": {"bottom": {"anchor": "start",
                                                                                                "direction": "vertical"}}}},
        "layer": [{"data": geo, "mark": shape, "encoding": {"color": {"datum": no_count_label, **status}}}],
    }
    if any(v["withheld"] for v in values):
        spec["layer"].append({"data": geo, "transform": [lookup, {"filter": "datum.withheld === true"}],
                              "mark": shape | {"cursor": "pointer"},
                              # the first layer's legend has both grey swatches already
                              "encoding": {"color": {"datum": withheld_label, **status, "legend": None}, "tooltip": tooltip,
                                           "href": {"field": "url"}}})
    if any(not v["withheld"] for v in values):
        spec["layer"].append({"data": geo, "transform": [lookup, {"filter": "datum.withheld === false"}],
                              "mark": shape | {"cursor": "pointer"},
                              "encoding": {"color": {"field": "count", "type": "quantitative", "title": legend_title,
                                                     "scale": {"scheme": "blues", "type": "sqrt"},
                                                     "legend": {"format": ",d", "orient": "bottom",
                                                                "direction": "horizontal"}},
                                           "tooltip": tooltip, "href": {"field": "url"}}})
    spec["layer"].append({"data": {"url": atlas, "format": {"type": "topojson", "mesh": "states"}},
                          "mark": {"type": "geoshape", "fill": None, "stroke": "#555", "strokeWidth": 0.6, "aria": False}})
    return spec

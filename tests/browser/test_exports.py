"""Exported charts describe themselves: a PNG or SVG downloaded from any chart carries, inside it, its
title, place, period, unit, whether its numbers are ICE's records or synthetic, its source and the
publication date, so a picture that travels alone still says what it is."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

LINES = {"en": ("Arrests by month, United States", "Place: United States", "Period: ", "Unit: Arrests counted in ICE",
                "SYNTHETIC: made-up demonstration data, not ICE records", "Source: ICE ERO-LESA records",
                "Published by iceledger on "),
         "es": ("Arrestos por mes, Estados Unidos", "Lugar: Estados Unidos", "Período: ", "Unidad: Arrestos contados",
                "SINTÉTICO: datos inventados de demostración, no registros de ICE", "Fuente: Registros ERO-LESA",
                "Publicado por iceledger el ")}


def svg_text(path) -> str:
    """Every line of text drawn in an SVG (Vega writes multi-line titles as tspans)."""
    root = ET.parse(path).getroot()
    return " | ".join(" ".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


def download(watched, path: str, figure: str, fmt: str, tmp_path):
    page = watched.open(path)
    with page.expect_download() as info:
        page.click(f"#{figure} button[data-format={fmt}]")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return info.value.suggested_filename, target


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_svg_says_what_it_is(watched, tmp_path, lang):
    name, target = download(watched, "/" if lang == "en" else "/?lang=es", "fig-trend-arrests", "svg", tmp_path)
    assert name == f"iceledger-trend-arrests-{lang}.svg"
    text = svg_text(target)
    for line in LINES[lang]:
        assert line in text, line
    assert re.search(r"(October|octubre) 2011", text)  # the period is the months drawn
    assert watched.problems == []


def test_a_png_says_what_it_is_in_its_pixels_and_its_text_chunks(watched, tmp_path):
    _, svg_file = download(watched, "/", "fig-trend-arrests", "svg", tmp_path)
    name, png_file = download(watched, "/", "fig-trend-arrests", "png", tmp_path)
    assert name == "iceledger-trend-arrests-en.png"
    image = Image.open(png_file)
    chunks = image.text
    assert chunks["Title"] == "Arrests by month, United States"
    assert chunks["Disclaimer"] == "SYNTHETIC: made-up demonstration data, not ICE records"
    assert chunks["Source"].startswith("ICE ERO-LESA records, releases:")
    assert "Published by iceledger on " in chunks["Description"] and "Place: United States" in chunks["Description"]
    # the PNG is the same drawing as the SVG (twice the pixels), so the lines under the title are in it too
    height = float(re.search(r'<svg[^>]*height="([\d.]+)"', svg_file.read_text()).group(1))
    assert abs(image.height - 2 * height) <= 2
    assert watched.problems == []


def test_a_map_export_carries_its_legend_and_its_mark(watched, tmp_path):
    _, target = download(watched, "/map?level=aor", "fig-map", "svg", tmp_path)
    svg = svg_text(target)
    assert "fewer than 11 or withheld" in svg and "no published count" in svg  # the legend's grey swatches
    assert "SYNTHETIC: made-up demonstration data" in svg and "Place: United States, by ICE field office" in svg

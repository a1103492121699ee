"""DHS's list "Sanctuary Jurisdictions Defying Federal Immigration Law" (dhs.gov, 2025-05-29) read
from its PDF print with pypdf: the text and where each piece sits on the page.

The print is two tall pages of a web page. The list is an accordion: a state's name, then the
headings "State", "County"/"Counties" and "Cities" in the same column, with the entries indented
under them. Text order in the file is not reading order (the state names come first), so lines are
put back in order by their position: page, then top to bottom. The list starts below "Sanctuary
Jurisdiction List" and ends above "Keywords". Nothing is matched to places here; see match.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from iceledger.errors import InputError, Location

START, END = "Sanctuary Jurisdiction List", "Keywords"
HEADINGS = {"State": "state", "County": "county", "Counties": "county", "City": "city", "Cities": "city"}
INDENT = 10  # points: entries sit further right than the state names and headings


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    x: float
    y: float  # from the bottom of the page, as PDF coordinates run
    text: str


@dataclass(frozen=True)
class Entry:
    state_name: str  # the accordion's state, as printed
    heading: str  # state, county or city: the heading printed above the entry
    text: str  # the entry exactly as printed (outer spaces removed)
    page: int
    y: float

    @property
    def where(self) -> str:
        return f"page {self.page}, {self.state_name}, under {self.heading!r}, y={self.y:.0f}"


def read_lines(path: Path) -> list[Line]:
    """Every line of text with its position, pieces printed at the same height joined left to right."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the print's cross-reference table is slightly off; pypdf repairs it
    reader = PdfReader(path)
    out: list[Line] = []
    for number, page in enumerate(reader.pages, start=1):
        pieces: dict[float, list[tuple[float, str]]] = {}

        def visit(text, cm, tm, font, size, pieces=pieces):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                pieces.setdefault(round(y, 1), []).append((x, text))

        page.extract_text(visitor_text=visit)
        for y in sorted(pieces, reverse=True):
            row = sorted(pieces[y], key=lambda piece: piece[0])  # stable: a ligature drawn at its word's x stays in stream order
            out.append(Line(number, row[0][0], y, " ".join("".join(t for _, t in row).split())))
    return out


def list_region(lines: list[Line], rel: str) -> list[Line]:
    """The lines between the list's title and the page's keywords."""
    starts = [i for i, ln in enumerate(lines) if ln.text == START]
    ends = [i for i, ln in enumerate(lines) if ln.text == END]
    if not starts or not ends or ends[-1] < starts[0]:
        raise InputError("dhs_list_layout", f"no {START!r} … {END!r} region in the PDF",
                         fix="the print's layout changed: check the file, then adapt src/iceledger/sources/designations/dhs_pdf.py",
                         location=Location(file=rel))
    return lines[starts[0] + 1: ends[-1]]


def read_entries(path: Path, rel: str, state_names: set[str]) -> list[Entry]:
    """The list's entries in printed order, each with its state and heading. A line in the heading
    column that is neither a state name nor a heading stops the read: the layout is not understood."""
    region = list_region(read_lines(path), rel)
    column = min(ln.x for ln in region if ln.text in state_names or ln.text in HEADINGS)
    out: list[Entry] = []
    state = heading = None
    for ln in region:
        if ln.x < column + INDENT:
            if ln.text in state_names:
                state, heading = ln.text, None
            elif ln.text in HEADINGS:
                heading = HEADINGS[ln.text]
            else:
                raise InputError("dhs_list_layout", f"{ln.text!r} is in the heading column but is neither a state nor a heading",
                                 fix="check the print; a new heading goes in HEADINGS in src/iceledger/sources/designations/dhs_pdf.py",
                                 location=Location(file=rel, row=ln.page))
        elif state is None or heading is None:
            raise InputError("dhs_list_layout", f"entry {ln.text!r} on page {ln.page} comes before any state or heading",
                             fix="check the print's layout", location=Location(file=rel, row=ln.page))
        else:
            out.append(Entry(state, heading, ln.text, ln.page, ln.y))
    return out

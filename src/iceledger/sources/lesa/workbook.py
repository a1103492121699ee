"""Workbooks (.xlsx): every sheet parsed once by fastexcel (calamine) with every cell as text.

What fastexcel does with the awkward parts of a sheet's XML, checked on files the tests make:
a missing, too small or too large ``<dimension>`` is ignored (the cells decide); leading empty rows,
self-closing ``<row r="1"/>`` or absent, are kept when ``skip_rows=0`` so row *i* of the result is the
sheet's row *i + 1*; a ``<dimension>`` that names only rows (``ref="1:1416"``) makes calamine refuse the
sheet. Before handing a workbook to fastexcel, each sheet's ``<dimension>`` is read with an XML parser
(expat, streaming, stopping at ``<sheetData>``); a sheet whose dimension calamine cannot read is read
from a copy of the workbook without that element, with a finding that says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import queue
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ET
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyarrow as pa

from iceledger.errors import InputError, Location
from iceledger.sources.lesa.formats import DAMAGED_FIX
from iceledger.validation import Finding

RELS_PART = "xl/_rels/workbook.xml.rels"
XML_BLOCK = 1 << 16


@dataclass(frozen=True)
class Dimension:
    ref: str | None
    start: int | None = None  # byte offset of the <dimension> tag in the sheet's XML
    end: int | None = None  # byte offset of the element after it

    @property
    def readable(self) -> bool:
        """Whether calamine can read the ref: absent, or cells like A1 or A1:J1416."""
        return self.ref is None or all(_is_cell(p) for p in self.ref.split(":", 1))


def _is_cell(text: str) -> bool:
    letters = text.rstrip("0123456789")
    digits = text[len(letters):]
    return 1 <= len(letters) <= 3 and letters.isalpha() and letters.isascii() and digits.isdigit() and int(digits) > 0


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part inside the workbook zip, from workbook.xml and its relationships."""
    rels = ET.fromstring(zf.read(RELS_PART))
    targets: dict[str, str] = {}
    for rel in rels.iter():
        rel_id, target = rel.get("Id"), rel.get("Target")
        if _local(rel.tag) == "Relationship" and rel_id and target:
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel_id] = path
    out: dict[str, str] = {}
    for sheet in ET.fromstring(zf.read("xl/workbook.xml")).iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        name = sheet.get("name")
        if name is not None and rid in targets:
            out[name] = targets[rid]
    return out


class _Stop(Exception):
    pass


def read_dimension(zf: zipfile.ZipFile, part: str) -> Dimension:
    """The sheet's <dimension>, read with expat up to <sheetData> (so in time independent of the sheet's size)."""
    parser = xml.parsers.expat.ParserCreate()
    found: dict = {}

    def start(name, attrs):
        local = _local(name)
        if "start" in found:
            found["end"] = parser.CurrentByteIndex
            raise _Stop
        if local == "dimension":
            found.update(ref=attrs.get("ref"), start=parser.CurrentByteIndex)
        elif local == "sheetData":
            raise _Stop

    parser.StartElementHandler = start
    with zf.open(part) as fh:
        try:
            while block := fh.read(XML_BLOCK):
                parser.Parse(block, False)
        except _Stop:
            pass
    return Dimension(found.get("ref"), found.get("start"), found.get("end"))


def _copy_without(src: Path, dst: Path, cuts: dict[str, Dimension]) -> None:
    """A copy of the workbook with each listed part's <dimension> element left out; every other byte kept."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            with zin.open(info) as fin, zout.open(info.filename, "w", force_zip64=True) as fout:
                dim = cuts.get(info.filename)
                if dim is None or dim.start is None or dim.end is None:
                    shutil.copyfileobj(fin, fout, XML_BLOCK)
                    continue
                fout.write(fin.read(dim.start))
                fin.read(dim.end - dim.start)
                shutil.copyfileobj(fin, fout, XML_BLOCK)


@contextmanager
def readable_workbook(path: Path, name: str, findings: list[Finding]) -> Iterator[Path]:
    """The workbook, or a copy calamine can read (sheets whose dimension names no columns, without it)."""
    loc = Location(file=name)
    try:
        with zipfile.ZipFile(path) as zf:
            dims = {sheet: (part, read_dimension(zf, part)) for sheet, part in sheet_parts(zf).items()}
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ET.ParseError, xml.parsers.expat.ExpatError) as exc:
        raise InputError("damaged_xlsx", f"the workbook is truncated or damaged ({exc})", fix=DAMAGED_FIX, location=loc) from exc
    cuts = {part: d for sheet, (part, d) in dims.items() if not d.readable and d.start is not None and d.end is not None}
    if not cuts:
        yield path
        return
    for sheet, (part, d) in dims.items():
        if part in cuts:
            findings.append(Finding("info", "dimension_ignored",
                                    f"sheet {sheet!r} declares its size as {d.ref!r}, which names no columns; "
                                    "read from a copy of the workbook without that declaration (every cell kept)",
                                    "nothing to do", detail={"file": name, "sheet": sheet}))
    with tempfile.TemporaryDirectory(prefix="iceledger-xlsx-") as tmp:
        copy = Path(tmp) / "workbook.xlsx"
        _copy_without(path, copy, cuts)
        yield copy


def open_reader(path: Path, name: str):
    import fastexcel

    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # calamine reports damage in several exception types
        raise InputError("damaged_xlsx", f"the workbook cannot be read ({exc})", fix=DAMAGED_FIX,
                         location=Location(file=name)) from exc


def load_sheet(reader, sheet: str, name: str) -> pa.Table:
    """Every row of the sheet from row 1 (leading empty rows kept: row i of the table is sheet row i + 1),
    every cell as text."""
    try:
        batch = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string", eager=True)
    except Exception as exc:
        raise InputError("damaged_xlsx", f"the sheet cannot be read ({exc})", fix=DAMAGED_FIX,
                         location=Location(file=name, sheet=sheet)) from exc
    _return_freed_memory()
    return pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch


def _libc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


_MALLOC_TRIM = _libc_trim()


def _return_freed_memory() -> None:
    """Hand the memory the sheet parser freed back to the system (glibc keeps freed small blocks of
    the parser's millions of cells otherwise, about 300 MiB per 500,000-row sheet). No-op elsewhere."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def iter_sheets(reader, name: str, *, ahead: int = 1) -> Iterator[tuple[str, pa.Table]]:
    """(sheet, its cells) for every sheet in order, parsed by a background thread up to ``ahead`` sheets
    ahead of the consumer, so loading one sheet overlaps with parsing the next while at most
    ``ahead + 1`` parsed sheets are in memory."""
    sheets = list(reader.sheet_names)
    slots = threading.Semaphore(ahead + 1)
    results: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            for sheet in sheets:
                slots.acquire()
                if stop.is_set():
                    return
                results.put((sheet, load_sheet(reader, sheet, name)))
        except BaseException as exc:  # handed to the consumer, which raises it
            results.put(exc)

    worker = threading.Thread(target=produce, name=f"read {name}", daemon=True)
    worker.start()
    try:
        for _ in sheets:
            item = results.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            del item  # the sheet's columns are freed before the next one is parsed
            slots.release()
    finally:
        stop.set()
        slots.release()
        worker.join()

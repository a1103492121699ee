"""What a file is, from its first bytes (never from its name): a workbook, Parquet, or delimited text,
plain or compressed (gzip, or a zip holding one text file). Opens the text's bytes whatever the
compression, so the readers after this never look at a file name.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from iceledger.errors import InputError, Location

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE2: the old binary .xls
PARQUET_MAGIC = b"PAR1"
WORKBOOK_PART = "xl/workbook.xml"
ZIP_NOISE = ("__MACOSX/", ".DS_Store")  # what archivers add beside the one file a user zipped
DAMAGED_FIX = "re-download the file and compare its sha256 with the one published"


@dataclass(frozen=True)
class FileFormat:
    kind: str  # xlsx | parquet | text
    compression: str | None = None  # text only: None, gzip or zip
    member: str | None = None  # zip: the text file inside

    def describe(self) -> str:
        if self.kind != "text":
            return self.kind
        return "delimited text" + (f", {self.compression}-compressed" if self.compression else "")


def _head(path: Path, loc: Location) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise InputError("unreadable_file", f"cannot open the file ({exc.strerror})", fix="check the path and permissions",
                         location=loc) from exc


def sniff_format(path: Path, name: str | None = None) -> FileFormat:
    """The file's format from its content. ``name`` (what the user called the file) only labels errors."""
    loc = Location(file=name or path.name)
    head = _head(path, loc)
    if not head:
        raise InputError("empty_file", "the file is empty (0 bytes)", fix="re-download it and check its sha256", location=loc)
    if head.startswith(XLS_MAGIC):
        raise InputError("legacy_xls", "this is an old binary Excel (.xls) file, not .xlsx",
                         fix="open it in a spreadsheet program and save it as .xlsx, then ingest that file", location=loc)
    if head.startswith(PARQUET_MAGIC):
        return FileFormat("parquet")
    if head.startswith(GZIP_MAGIC):
        return FileFormat("text", "gzip")
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path, loc)
    return FileFormat("text")


def _zip_format(path: Path, loc: Location) -> FileFormat:
    """A zip is a workbook when it holds xl/workbook.xml, else a compressed text file (exactly one)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError("damaged_zip", f"the file starts like a zip archive (a workbook or a zipped export) but cannot "
                         f"be opened ({exc})", fix=DAMAGED_FIX, location=loc) from exc
    if WORKBOOK_PART in names:
        return FileFormat("xlsx")
    files = [n for n in names if not n.endswith("/") and not any(n.startswith(p) or n.endswith(p) for p in ZIP_NOISE)]
    if len(files) != 1:
        listed = ", ".join(files[:5]) + (" …" if len(files) > 5 else "") if files else "nothing"
        raise InputError("zip_not_one_file", f"the zip archive holds {listed}: iceledger reads a zip that holds one "
                         "delimited text file, or a workbook", fix="unzip it and ingest its files", location=loc)
    return FileFormat("text", "zip", files[0])


@contextmanager
def open_bytes(path: Path, fmt: FileFormat) -> Iterator[IO[bytes]]:
    """The text's bytes, decompressed."""
    if fmt.compression == "gzip":
        with gzip.open(path, "rb") as fh:
            yield cast(IO[bytes], fh)  # a GzipFile reads like any binary file
    elif fmt.compression == "zip":
        assert fmt.member is not None  # a zip is read through its one member (detect_format)
        with zipfile.ZipFile(path) as zf, zf.open(fmt.member) as fh:
            yield fh
    else:
        with path.open("rb") as fh:
            yield fh


def read_head(path: Path, fmt: FileFormat, size: int, name: str) -> bytes:
    """The first ``size`` bytes of the (decompressed) text."""
    try:
        with open_bytes(path, fmt) as fh:
            return fh.read(size)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError("damaged_compression", f"the {fmt.compression or 'text'} data cannot be read ({exc})",
                         fix=DAMAGED_FIX, location=Location(file=name)) from exc

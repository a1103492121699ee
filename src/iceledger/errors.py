"""Errors the user can act on. Each names where the problem is and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any


@dataclass
class Location:
    """Where in the input a problem sits. Every part is optional; rows are spreadsheet rows (1-based)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"file {self.file}")
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column}


@dataclass
class IceledgerError(Exception):
    """A problem with the user's input or request: what went wrong, where, and the fix."""

    code: str
    message: str
    fix: str = ""
    location: Location = field(default_factory=Location)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.location.describe()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text}\n  Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fix": self.fix, "location": self.location.to_dict()}


class InputError(IceledgerError):
    """The input files cannot be read as what they claim to be."""


class ReleaseError(IceledgerError):
    """A release manifest or the release store refuses the request."""


class BuildError(IceledgerError):
    """A build step failed; the previous ledger is left as it was."""


class NotFoundError(IceledgerError):
    """A name the user asked for does not exist (table, release, facility, operation...)."""


@dataclass(frozen=True)
class ErrorCode:
    """One entry of the error catalogue (error_codes.yaml): what the code means and what usually fixes it."""

    code: str
    meaning: str
    fix: str
    reserved: str = ""  # why a code no module raises is kept (e.g. answered by a client of the API)


CATALOGUE_PATH = Path(__file__).resolve().parent / "error_codes.yaml"


@cache
def error_catalogue() -> dict[str, ErrorCode]:
    """Every error code, declared once in error_codes.yaml (checked against the code by a test)."""
    import yaml

    raw = yaml.safe_load(CATALOGUE_PATH.read_text()) or {}
    return {code: ErrorCode(code, **entry) for code, entry in raw.items()}

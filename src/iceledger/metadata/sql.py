"""SQL quoting, in one place: identifiers (``quote``), text literals (``text``) and typed literals
(``literal``). Every module that writes a name or a value into SQL text uses these; values that can
be passed as parameters are passed as parameters instead."""

from __future__ import annotations

import datetime as dt


def quote(name: str) -> str:
    """An identifier: "name", with any double quote doubled."""
    return '"' + name.replace('"', '""') + '"'


def text(value: object) -> str:
    """A text literal: 'value', with any single quote doubled (``str(value)`` for a non-string)."""
    return "'" + str(value).replace("'", "''") + "'"


def literal(value: object) -> str:
    """A literal of the value's type: NULL, TRUE/FALSE, a number, DATE '…', else a text literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return text(value)

"""The values a published dimension may take: a declared list, never the text a record happens to hold.

Every category and place that reaches anything public (the lattice's cells, the rows of a claim's
records check) takes its value from a list declared once:

- the field's code list (``codes:`` in metadata/fields, a CSV in metadata/codes): criminality,
  gender, citizenship (``country.csv``, ICE's own spellings), AORs;
- the registry column the field declares (``values_from:``): facility codes, states, counties;
- the fixed groups the measures compute: ``method_group.csv``, ``lift_group.csv``,
  ``funnel_outcome.csv``.

A value outside its list, and a blank, is published as ``OTHER`` ('(other or not recorded)'). A
dimension with no list at all publishes only ``OTHER``: declaring its list is what makes it public.
`iceledger validate` and `iceledger quarantine` report the values that fall outside, with their
counts, on the analyst's machine; nothing public ever carries their text.
"""

from __future__ import annotations

from collections.abc import Callable

from iceledger.measures import catalog
from iceledger.metadata import code_list, field_
from iceledger.publish.lattice import load_lattice

OTHER = load_lattice().other_label
OUTCOME = "funnel_outcome"  # the detainer funnel's outcome: a publish-side category, not a measures dimension
GROUP_LISTS = {"method_group": "method_group", "lift_group": "lift_group"}  # dimension kind -> code list


class ValueLists:
    """The declared values of every dimension, resolved once per publication against one engine
    (registry-backed lists are read from the ledger's registries)."""

    def __init__(self, engine):
        self.engine = engine
        self._checks: dict[tuple[str, str | None], Callable[[str], bool] | None] = {}

    def check(self, dim: str, subject: str | None = None) -> Callable[[str], bool] | None:
        """A test a value must pass to be published under ``dim`` (None: not text, e.g. a month)."""
        key = (dim, subject)
        if key not in self._checks:
            self._checks[key] = self._resolve(dim, subject)
        return self._checks[key]

    def fold(self, dim: str, value, subject: str | None = None):
        """``value`` as it may be published under ``dim``: itself when declared, else ``OTHER``."""
        ok = self.check(dim, subject)
        if ok is None:
            return value
        return value if value is not None and ok(str(value)) else OTHER

    def field_check(self, name: str) -> Callable[[str], bool] | None:
        """The test a value of the field ``name`` (metadata/fields) must pass to be published: its code list or
        the registry column it declares; None when it declares neither."""
        key = ("field:" + name, None)
        if key not in self._checks:
            f = field_(name)
            if f.codes:
                self._checks[key] = code_list(f.codes).knows
            elif f.values_from:
                table, column = f.values_from.split(".")
                self._checks[key] = {str(r[column]) for r in self.engine.small(table) if r.get(column) is not None}.__contains__
            else:
                self._checks[key] = None
        return self._checks[key]

    def fold_field(self, name: str, value, like: str | None = None):
        """A value of a public table's column as it may be published, by the list the field ``like`` (else
        ``name``) declares: a listed value is itself, any other text (a blank too) is ``OTHER``, a list is folded
        element by element. NULL stays NULL (a total, or nothing recorded). A field that declares no list is
        refused: a column of codes is public only once its list is declared."""
        ok = self.field_check(like or name)
        if ok is None:
            raise ValueError(f"field {like or name!r} declares no code list (codes: or values_from:)")
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            return [v if v is not None and ok(str(v)) else OTHER for v in value]
        return value if ok(str(value)) else OTHER

    def _resolve(self, dim: str, subject: str | None):
        if dim == OUTCOME:
            return code_list("funnel_outcome").knows
        if dim in catalog.TIME_DIMENSIONS:
            return None
        subjects = [subject] if subject else [s for s in catalog.subjects() if dim in catalog.dimensions_for(s)]
        if not subjects:
            return _nothing
        spec = catalog.dimension(dim, subjects[0])
        if spec.kind in GROUP_LISTS:
            return code_list(GROUP_LISTS[spec.kind]).knows
        if spec.kind not in ("column", "registry") or not spec.column:
            return _nothing
        f = field_(spec.column)
        if f.codes:
            return code_list(f.codes).knows
        if f.values_from:
            table, column = f.values_from.split(".")
            values = {str(r[column]) for r in self.engine.small(table) if r.get(column) is not None}
            return values.__contains__
        return _nothing

    def fold_row(self, row: dict, subject: str | None = None) -> dict:
        """A row of a measure's result with every dimension folded; text under any other key becomes ``OTHER``
        (a measure's own columns are numbers)."""
        dims = set(catalog.dimension_names()) | {OUTCOME}
        out = {}
        for k, v in row.items():
            if k in dims:
                out[k] = self.fold(k, v, subject)
            else:
                out[k] = OTHER if isinstance(v, str) else v
        return out


def _nothing(value: str) -> bool:
    return False

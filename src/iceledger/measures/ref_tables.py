"""Reading registries (ref_* tables) for measures, and saying plainly when one is not there."""

from __future__ import annotations

from iceledger.errors import InputError, NotFoundError
from iceledger.measures.catalog import registries


class NotAvailable(NotFoundError):
    """What was asked cannot be answered from the data loaded in this ledger (a claim is 'not testable')."""


def registry_table(engine, key: str, *, required: bool = True):
    """The registry ``key`` of registries.yaml as an Ibis table with the measure's column names,
    or None (``required=False``) / NotAvailable when the table is absent or empty."""
    entry = registries()[key]
    name = entry["table"]
    if not engine.has(name):
        if not required:
            return None
        raise NotAvailable("registry_absent", f"{entry['needed_for']} is not available in this ledger: "
                                              f"the registry table {name} is absent",
                           fix="run `iceledger build` with a version of iceledger that builds it, or leave this option out")
    t = engine.table(name)
    missing = [src for src in entry["columns"].values() if src not in t.columns]
    if missing:
        raise InputError("registry_shape", f"registry table {name} lacks column(s) {', '.join(missing)} that measures read",
                         fix=f"map them in src/iceledger/measures/registries.yaml ({key}) to the columns {name} has: "
                             f"{', '.join(t.columns)}")
    t = t.select(**{ours: t[src] for ours, src in entry["columns"].items()})
    if not engine.rows(t.limit(1)):
        if not required:
            return None
        raise NotAvailable("registry_empty", f"{entry['needed_for']} is not available in this ledger: "
                                             f"the registry table {name} is empty",
                           fix="run `iceledger build` so the registry is loaded, or leave this option out")
    return t

"""The `iceledger` command. Each module in this package adds its commands through ``register(app)``."""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(name="iceledger", no_args_is_help=True, add_completion=False,
                  help="An open, verifiable ledger of US immigration enforcement built from ICE's own records.")


def _register_all() -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_") or mod.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        if hasattr(module, "register"):
            module.register(app)


_register_all()


def main() -> None:
    app()

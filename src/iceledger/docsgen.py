"""Docs that cannot drift: the data dictionary is generated from the metadata declarations.

`python -m iceledger.docsgen` rewrites docs/dictionary.md, cli.md, api.md and errors.md; a test fails when one is stale.
"""

from __future__ import annotations

from pathlib import Path

from iceledger.metadata import code_lists, field_, tables
from iceledger.metadata.model import REDACTION_RULES
from iceledger.settings import PROJECT_DIR

KIND_TITLES = {"core": "Canonical record-level tables", "registry": "Registries", "ledger": "Ledger bookkeeping",
               "public": "Public tables"}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def render_dictionary() -> str:
    lines = ["# Data dictionary", "",
             "Generated from `src/iceledger/metadata/` by `python -m iceledger.docsgen`; do not edit by hand.", "",
             "Redaction rules: " + "; ".join(f"`{k}`: {v}" for k, v in REDACTION_RULES.items()), ""]
    for kind, title in KIND_TITLES.items():
        group = [t for t in tables().values() if t.kind == kind]
        if not group:
            continue
        lines += [f"## {title}", ""]
        for t in sorted(group, key=lambda t: t.name):
            lines += [f"### `{t.name}`", "", t.description, "", f"- Grain: {t.grain}", f"- Key: {', '.join(t.key) or '—'}"]
            if t.kind == "registry":
                lines.append("- Public: " + ("yes, published with these columns" if t.public else "no, never published"))
            lines.append("")
            lines += ["| column | type | description | codes | redaction |", "|---|---|---|---|---|"]
            for c in t.columns:
                f = field_(c)
                lines.append(f"| `{c}` | {f.type} | {_cell(f.description)} | {f.codes or f.values_from or ''} | {f.redaction} |")
            if t.withheld:
                lines += ["", "Read from the source but never stored: " + ", ".join(f"`{w}`" for w in t.withheld) + "."]
            lines.append("")
    lines += ["## Code lists", ""]
    for name, cl in sorted(code_lists().items()):
        vals = ", ".join(f"`{v}` ({cl.labels[v]})" if cl.labels.get(v, v) != v else f"`{v}`" for v in cl.values)
        lines.append(f"- **{name}** ({'prefix match' if cl.match == 'prefix' else 'exact'}): {vals}")
    return "\n".join(lines) + "\n"


def _walk(cmd, path: list[str]):
    yield path, cmd
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            yield from _walk(cmd.commands[name], path + [name])


def render_cli() -> str:
    """Every command's --help, as the CLI prints it (plain text, fixed width)."""
    import typer

    from iceledger.cli import app

    root = typer.main.get_command(app)
    lines = ["# Command-line reference", "",
             "Generated from `iceledger --help` by `python -m iceledger.docsgen`; do not edit by hand.", ""]
    for path, cmd in _walk(root, ["iceledger"]):
        cmd.rich_markup_mode = None  # plain click help text, not Rich panels printed to the terminal
        ctx = cmd.context_class(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        text = cmd.get_help(ctx)
        lines += [f"## `{' '.join(path)}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(lines)


def render_api() -> str:
    from iceledger.api.docs import render_api_markdown

    return render_api_markdown()


def render_errors() -> str:
    """The error catalogue (src/iceledger/error_codes.yaml) as a table."""
    from iceledger.errors import error_catalogue

    lines = ["# Error codes", "",
             "Generated from `src/iceledger/error_codes.yaml` by `python -m iceledger.docsgen`; do not edit by hand.", "",
             "Every error iceledger reports carries one of these codes, with a message naming where the problem is",
             "(file, sheet, row, column) and a fix. The CLI prints them (`--json` gives `error.code`); the API answers",
             "with them in `error.code`. `…` stands for the file, value or place the message names.", "",
             "| code | meaning | typical fix |", "|---|---|---|"]
    for e in error_catalogue().values():
        reserved = f" (reserved: {_cell(e.reserved)})" if e.reserved else ""
        lines.append(f"| `{e.code}` | {_cell(e.meaning)}{reserved} | {_cell(e.fix)} |")
    return "\n".join(lines) + "\n"


DOCS = {"dictionary.md": render_dictionary, "cli.md": render_cli, "api.md": render_api, "errors.md": render_errors}


def write_docs(root: Path = PROJECT_DIR) -> list[Path]:
    out = []
    for name, render in DOCS.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render())
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write_docs():
        print(f"wrote {p}")

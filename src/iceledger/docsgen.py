"""Docs that cannot drift: the data dictionary is generated from the metadata declarations.

`python -m iceledger.docsgen` rewrites docs/dictionary.md; a test fails when it is stale.
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
        vals = ", ".join(f"`{v}`" for v in cl.values)
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


DOCS = {"dictionary.md": render_dictionary, "cli.md": render_cli, "api.md": render_api}


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

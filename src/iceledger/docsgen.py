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
            lines += [f"### `{t.name}`", "", t.description, "", f"- Grain: {t.grain}", f"- Key: {', '.join(t.key) or '—'}", ""]
            lines += ["| column | type | description | codes | redaction |", "|---|---|---|---|---|"]
            for c in t.columns:
                f = field_(c)
                lines.append(f"| `{c}` | {f.type} | {_cell(f.description)} | {f.codes or ''} | {f.redaction} |")
            if t.withheld:
                lines += ["", "Read from the source but never stored: " + ", ".join(f"`{w}`" for w in t.withheld) + "."]
            lines.append("")
    lines += ["## Code lists", ""]
    for name, cl in sorted(code_lists().items()):
        vals = ", ".join(f"`{v}`" for v in cl.values)
        lines.append(f"- **{name}** ({'prefix match' if cl.match == 'prefix' else 'exact'}): {vals}")
    return "\n".join(lines) + "\n"


def write_docs(root: Path = PROJECT_DIR) -> list[Path]:
    path = root / "docs" / "dictionary.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dictionary())
    return [path]


if __name__ == "__main__":
    for p in write_docs():
        print(f"wrote {p}")

"""Measures depend only on the layers below them (design.md: metadata ← sources ← pipeline ←
measures ← claims ← publish ← api/web): never on claims, publish, api, web or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import iceledger.measures

FORBIDDEN = ("iceledger.claims", "iceledger.publish", "iceledger.api", "iceledger.web", "iceledger.cli")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_measures_import_no_upper_layer():
    folder = Path(iceledger.measures.__file__).parent
    files = sorted(folder.glob("*.py"))
    assert len(files) > 10
    for f in files:
        bad = [m for m in imports_of(f) if m.startswith(FORBIDDEN)]
        assert bad == [], f"{f.name} imports {bad}"

"""Claims depend only on the layers below them (design.md: metadata ← sources ← pipeline ← measures ←
claims ← publish ← api/web): never on publish, the API, the web or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import iceledger.claims

FORBIDDEN = ("iceledger.publish", "iceledger.api", "iceledger.web", "iceledger.cli")


def imports_of(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_claims_import_no_upper_layer():
    files = sorted(Path(iceledger.claims.__file__).parent.glob("*.py"))
    assert len(files) >= 8
    for f in files:
        bad = [m for m in imports_of(f) if m.startswith(FORBIDDEN)]
        assert bad == [], f"{f.name} imports {bad}"

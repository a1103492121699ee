"""The API gets data only through publish/: it imports no lower layer and names no record-level table."""

from __future__ import annotations

import ast
from pathlib import Path

import iceledger.api

API = Path(iceledger.api.__file__).parent
LOWER = ("iceledger.measures", "iceledger.pipeline", "iceledger.sources", "iceledger.synth", "iceledger.claims")


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_api_imports_no_layer_below_publish():
    for path in API.glob("*.py"):
        bad = [m for m in _imports(path) if m.startswith(LOWER)]
        assert not bad, f"{path.name} imports {bad}: the API reads only through iceledger.publish"


def test_api_names_no_record_level_table():
    for path in API.glob("*.py"):
        text = path.read_text()
        assert "core_" not in text and "quarantine" not in text and "ledger.duckdb" not in text, path.name

"""The dashboard reads data only through publish's query layer: no web module imports the ledger,
the pipeline or the measures. (The bundled map file is a static asset, found through its manifest.)"""

from __future__ import annotations

import ast
from pathlib import Path

import iceledger.web

ALLOWED = {"iceledger.web", "iceledger.publish.query", "iceledger.errors", "iceledger.sources.bundled"}


def test_web_imports_only_the_query_layer():
    root = Path(iceledger.web.__file__).resolve().parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for name in names:
                if name.startswith("iceledger"):
                    assert any(name == a or name.startswith(a + ".") for a in ALLOWED), f"{path.name} imports {name}"

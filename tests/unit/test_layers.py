"""The one layering test: the package's import graph runs one way, down.

Layers, lowest first; a module may import its own package and any lower layer, never a higher one
nor a sibling in its own layer ("up or across"):

    iceledger (its version), errors, settings   what every layer may use
    envelope                                    the JSON answer around a result or an error
    metadata                                    columns, tables and codes, declared once
    validation                                  findings and reports
    sources                                     readers of each source and the build steps that load them
                                                (sub-packages geography, facilities, g287, lesa, ... and the
                                                step contract, sources/step.py, that the pipeline runs)
    pipeline                                    the ledger: releases, ingest, build
    synth                                       synthetic releases (written as pipeline release manifests)
    measures                                    figures computed from the ledger
    claims                                      published claims checked against the figures
    publish                                     the disclosure gate and the publication
    api, web                                    the HTTP API and the dashboard, which do not know each other
    server                                      the two assembled into one application
    demo                                        build, publish and serve on synthetic data
    cli                                         the commands
    docsgen, __main__                           generated docs, ``python -m iceledger``

Every import counts, at the top of a module or inside a function (an import deferred into a function
still runs up), and so does one under ``if TYPE_CHECKING``. Within a package, its modules and
sub-packages import each other without a cycle. Two layers are narrower still: the web reads only
through publish's query layer, and the API only through publish (plus the metadata's declarations).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import iceledger

SRC = Path(iceledger.__file__).resolve().parent

LAYERS: list[tuple[str, ...]] = [
    ("iceledger", "errors", "settings"),
    ("envelope",),
    ("metadata",),
    ("validation",),
    ("sources",),
    ("pipeline",),
    ("synth",),
    ("measures",),
    ("claims",),
    ("publish",),
    ("api", "web"),
    ("server",),
    ("demo",),
    ("cli",),
    ("docsgen", "__main__"),
]
LEVEL = {name: i for i, layer in enumerate(LAYERS) for name in layer}

# Narrower than the order: what these packages may import besides themselves.
ONLY_THROUGH = {
    # the dashboard reads data only through publish's query layer (the map file is a bundled asset)
    "web": ("iceledger.publish.query", "iceledger.errors", "iceledger.sources.bundled"),
    # the API reads only through publish (and names things with the declared vocabulary)
    "api": ("iceledger.publish", "iceledger.errors", "iceledger.envelope", "iceledger.settings", "iceledger.metadata"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports(module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every iceledger import in ``module``, wherever it sits in the file."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for a in node.names:  # `from iceledger import errors` imports the module iceledger.errors
                out.append((node.lineno, f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base))
    return [(line, name) for line, name in out if name == "iceledger" or name.startswith("iceledger.")]


def top(module: str) -> str:
    """The top-level package or module of ``iceledger.x.y`` (``iceledger`` for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "iceledger"


def test_every_top_level_package_has_a_layer():
    tops = {top(m) for m in MODULES} - {"data"}
    assert tops - set(LEVEL) == set(), "declare the new package's layer in LAYERS (tests/unit/test_layers.py)"
    assert set(LEVEL) - tops == set(), "a declared layer names no package"


def test_imports_run_down_the_layers_only():
    bad = []
    for module in MODULES:
        mine = top(module)
        for line, name in imports(module):
            theirs = top(name)
            if theirs == mine:
                continue
            if LEVEL[theirs] >= LEVEL[mine]:
                way = "across to" if LEVEL[theirs] == LEVEL[mine] else "up to"
                bad.append(f"{MODULES[module].relative_to(SRC.parent)}:{line} imports {name} ({mine} {way} {theirs})")
    assert bad == [], "imports that run up or across the layers:\n" + "\n".join(bad)


def test_no_cycle_inside_a_package():
    """Inside each package, its modules and sub-packages (sources/geography, sources/lesa, ...) form no cycle."""
    for package in sorted(m for m, p in MODULES.items() if p.name == "__init__.py"):
        depth = package.count(".") + 1
        graph: dict[str, set[str]] = defaultdict(set)
        for module in MODULES:
            if not module.startswith(package + ".") or module.count(".") < depth:
                continue
            child = module.split(".")[depth]
            for _, name in imports(module):
                if name.startswith(package + ".") and name.split(".")[depth] != child:
                    graph[child].add(name.split(".")[depth])
        cycle = _find_cycle(graph)
        assert cycle is None, f"{package}: import cycle {' -> '.join(cycle or [])}"


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_web_and_api_read_only_through_publish():
    bad = []
    for module in MODULES:
        allowed = ONLY_THROUGH.get(top(module))
        if allowed is None:
            continue
        own = f"iceledger.{top(module)}"
        for line, name in imports(module):
            if not any(name == a or name.startswith(a + ".") for a in (own, *allowed)):
                bad.append(f"{MODULES[module].relative_to(SRC.parent)}:{line} imports {name}")
    assert bad == [], "\n".join(bad)


def test_api_names_no_record_level_table():
    for module, path in MODULES.items():
        if top(module) == "api":
            text = path.read_text()
            assert "core_" not in text and "quarantine" not in text and "ledger.duckdb" not in text, path.name

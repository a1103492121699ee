"""The compiled gate (publish/native.py): used only while it matches its sources, and it withholds the same
cells as the sources do."""

from __future__ import annotations

import importlib.machinery
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from iceledger.publish import native
from iceledger.publish.cube import build_cube
from iceledger.publish.suppress import suppress

ROOT = Path(__file__).resolve().parents[3]


def _fake_build(here: Path) -> None:
    """Sources, files named as compiled modules and their library, and the record of a build from those sources."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    here.mkdir(parents=True, exist_ok=True)
    for name in native.MODULES:
        (here / f"{name}.py").write_text(f"# {name}\n")
        (here / f"{name}{suffix}").write_bytes(b"")
    (here.parent.parent / f"abc__mypyc{suffix}").write_bytes(b"")
    record = {"python": sys.implementation.cache_tag, "library": f"abc__mypyc{suffix}",
              **{name: native._digest(here / f"{name}.py") for name in native.MODULES}}
    (here / native.RECORD).write_text(json.dumps(record))


def test_compiled_modules_are_used_only_while_they_match_their_sources(tmp_path, monkeypatch):
    monkeypatch.delenv(native.PURE, raising=False)
    root, tmp_path = tmp_path, tmp_path / "iceledger" / "publish"
    tmp_path.mkdir(parents=True)
    assert not native.usable(tmp_path)  # nothing built
    _fake_build(tmp_path)
    assert not native.usable(tmp_path)  # the library is not on the import path
    monkeypatch.syspath_prepend(str(root))
    assert native.usable(tmp_path)
    monkeypatch.setenv(native.PURE, "1")
    assert not native.usable(tmp_path)
    monkeypatch.delenv(native.PURE)
    (tmp_path / "patterns.py").write_text("# patterns, edited since the build\n")
    assert not native.usable(tmp_path)
    _fake_build(tmp_path)
    record = json.loads((tmp_path / native.RECORD).read_text())
    (tmp_path / native.RECORD).write_text(json.dumps({**record, "python": "another-python"}))
    assert not native.usable(tmp_path)
    (tmp_path / native.RECORD).unlink()
    assert not native.usable(tmp_path)


def test_the_sources_finder_names_the_search_modules_only(tmp_path):
    finder = native._Sources("pkg", tmp_path)
    spec = finder.find_spec("pkg.patterns", None)
    assert spec is not None and spec.origin == str(tmp_path / "patterns.py")
    assert finder.find_spec("pkg.suppress", None) is None
    assert finder.find_spec("other.patterns", None) is None


def test_this_process_runs_the_compiled_search_exactly_when_it_is_usable():
    assert native.active() == native.usable()


def _cube(seed: int):
    rnd = random.Random(seed)
    families = [{"time": 1, "place": 2}, {"time": 1, "place": 1, "cat": 1}]
    places = [(f"A{a}", f"S{s}") for a in range(4) for s in range(rnd.randint(1, 4))]
    rows: list[list] = [[], []]
    for m in range(6):
        for p in places:
            for c in ("c0", "c1", "c2"):
                n = rnd.choice([0, 0, 1, 2, 3, 5, 8, 13, 40])
                rows[1].append(({"time": (m,), "place": p[:1], "cat": (c,)}, n))
                rows[0].append(({"time": (m,), "place": p}, n))
    return build_cube(("time", "place", "cat"), families, rows)


def test_compiled_and_source_search_withhold_the_same_cells():
    """Here the search as this process loads it (compiled when built); in a child, from its sources."""
    seeds = range(6)
    here = [sorted(map(repr, suppress(_cube(s), 10).withheld)) for s in seeds]
    child = subprocess.run(
        [sys.executable, "-c", "import json, sys; from tests.unit.publish.test_native import _cube; "
         "from iceledger.publish import native; from iceledger.publish.suppress import suppress; "
         "assert not native.active(); "
         f"print(json.dumps([sorted(map(repr, suppress(_cube(s), 10).withheld)) for s in {list(seeds)}]))"],
        cwd=ROOT, env={**os.environ, native.PURE: "1"}, capture_output=True, text=True, check=True)
    assert json.loads(child.stdout) == here
    assert all(here)  # every cube had cells to withhold

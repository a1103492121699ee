"""The gate's search compiled to C with mypyc: optional, about 1.7x faster, the same cells withheld.

patterns.py and cube_index.py stay plain Python, type-checked by `make lint`. ``build`` (`make native`; the virtual
environment's install runs it) compiles them unchanged with mypyc, which is
part of mypy, into extension modules placed next to their sources, which Python then imports instead of the
sources. ``clean`` (`make native-clean`) removes them.

A compiled module is used only while the sources it was compiled from are unchanged: when iceledger.publish is
imported, ``guard`` compares the digests recorded at build time with the sources, and when one differs (an edit
since the build, or another Python), or when ``ICELEDGER_PURE_GATE=1``, both modules are loaded from their
sources. Without a C compiler the build fails, nothing is installed, and the sources are used.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import types
from collections.abc import Sequence
from pathlib import Path

MODULES = ("cube_index", "patterns")  # compiled together: compiled patterns reads compiled CubeIndex objects
RECORD = "native-build.json"
PURE = "ICELEDGER_PURE_GATE"
HERE = Path(__file__).resolve().parent


def _digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def built(here: Path = HERE) -> list[Path]:
    """The compiled modules present next to their sources."""
    return sorted(p for name in MODULES for suffix in importlib.machinery.EXTENSION_SUFFIXES
                  for p in here.glob(f"{name}{suffix}"))


def usable(here: Path = HERE) -> bool:
    """Whether the compiled modules in ``here`` were built, by this Python, from the sources now beside them, and
    their shared library is beside the package, on the import path."""
    if os.environ.get(PURE) == "1" or not built(here):
        return False
    try:
        record = json.loads((here / RECORD).read_text())
    except (OSError, ValueError):
        return False
    library, root = record.get("library"), here.parent.parent  # the modules import it by its top-level name
    return (record.get("python") == sys.implementation.cache_tag
            and bool(library) and (root / library).exists() and str(root) in {str(Path(p).resolve()) for p in sys.path if p}
            and all(record.get(name) == _digest(here / f"{name}.py") for name in MODULES))


class _Sources(importlib.abc.MetaPathFinder):
    """Finds the search's modules as their sources, ahead of the compiled ones."""

    def __init__(self, package: str, here: Path):
        self.package, self.here = package, here

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None,
                  ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != self.package or name not in MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, self.here / f"{name}.py")


def guard() -> None:
    """Have the search's modules loaded from their sources unless the compiled ones are usable (``usable``)."""
    if built() and not usable() and not any(isinstance(f, _Sources) for f in sys.meta_path):
        sys.meta_path.insert(0, _Sources(__package__ or "iceledger.publish", HERE))


def active() -> bool:
    """Whether this process runs the compiled search."""
    from iceledger.publish import patterns

    return not (patterns.__file__ or "").endswith(".py")


def clean(here: Path = HERE) -> None:
    """Remove the compiled modules, their shared library and the record."""
    for p in built(here):
        p.unlink()
    try:  # the shared library's name is in the record: nothing else beside the package is touched
        library = json.loads((here / RECORD).read_text()).get("library")
    except (OSError, ValueError):
        library = None
    if library and Path(library).name == library:
        (here.parent.parent / library).unlink(missing_ok=True)
    (here / RECORD).unlink(missing_ok=True)


def build(here: Path = HERE) -> int:
    """Compile the search's modules with mypyc next to their sources; returns mypyc's exit status."""
    clean(here)
    with tempfile.TemporaryDirectory(prefix="iceledger-native-") as tmp:
        Path(tmp, *(__package__ or "iceledger.publish").split(".")).mkdir(parents=True)  # where mypyc copies the modules
        done = subprocess.run([sys.executable, "-m", "mypyc", *(str(here / f"{name}.py") for name in MODULES)],
                              cwd=tmp, capture_output=True, text=True)
        if done.returncode:
            sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
            return done.returncode
        out = Path(tmp)
        libraries = []
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            for lib in out.glob(f"*__mypyc{suffix}"):  # the shared library the modules import by its top-level name
                shutil.move(lib, here.parent.parent / lib.name)
                libraries.append(lib.name)
            for name in MODULES:
                for mod in out.glob(f"**/{name}{suffix}"):
                    shutil.move(mod, here / mod.name)
    record = {"python": sys.implementation.cache_tag, "library": libraries[0] if libraries else None,
              **{name: _digest(here / f"{name}.py") for name in MODULES}}
    (here / RECORD).write_text(json.dumps(record, indent=1) + "\n")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["build"]:
        status = build()
        print("the gate's search compiled (mypyc)" if status == 0 else
              "the gate's search was not compiled: the sources are used (as fast as before, no faster)")
        return status
    if argv == ["clean"]:
        clean()
        return 0
    print("usage: main(['build']) or main(['clean'])", file=sys.stderr)
    return 2


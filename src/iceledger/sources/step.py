"""What a build step is handed and what it gives back, shared by the steps (here in sources/) and the
build that runs them (pipeline/). It sits below both so that sources never import the pipeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iceledger.settings import Settings
from iceledger.validation import Finding

Progress = Callable[..., None]


def no_progress(*_a, **_k) -> None:
    """The progress callback that reports nothing."""
    return None


@dataclass
class StepResult:
    """What a build step wrote (rows per table) and what it found."""

    tables: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class BuildContext:
    """What every build step is handed: where the home is, which build it belongs to, whom to tell how it goes."""

    settings: Settings
    build_id: str
    progress: Progress = no_progress


def sha256_of(path: Path, block: int = 1 << 20) -> str:
    """The sha256 of a file, read in blocks (releases and cited sources record it)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            h.update(chunk)
    return h.hexdigest()

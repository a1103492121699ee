"""Writing benchmark figures into bench/RESULTS.md: one section per benchmark, newest block last."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

import duckdb

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine_line() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{dt.date.today().isoformat()} · {platform.machine()}, {os.cpu_count()} cores (shared, noisy; load average "
            f"{load} at the end) · Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def record_section(name: str, intro: str, note: str, lines: list[str]) -> None:
    """Append a dated block (``note`` then the table ``lines``) under ``## name``, creating it with ``intro``."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = "\n".join([f"### {machine_line()}", "", note, "", *lines, ""])
    head = f"## {name}"
    if head not in text:
        text = text.rstrip("\n") + f"\n\n{head}\n\n{intro}\n\n{block}"
    else:
        start = text.index(head)
        nxt = text.find("\n## ", start + len(head))
        end = len(text) if nxt == -1 else nxt
        text = text[:end].rstrip("\n") + "\n\n" + block + text[end:]
    RESULTS.write_text(text.rstrip("\n") + "\n")
    print(f"recorded in {RESULTS}")

"""A Finding is one thing a run or check noticed; a Report is an ordered collection of them.

Reports never truncate silently: when a list of examples is cut, it says how many were left out.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
MAX_EXAMPLES = 10


@dataclass
class Finding:
    severity: str
    code: str
    message: str
    fix: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    count: int | None = None
    step: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        where = ", ".join(f"{k} {v}" for k, v in self.detail.items() if k in ("file", "sheet", "row", "column") and v)
        text = f"[{self.severity}] {self.code}: {self.message}"
        if where:
            text += f" ({where})"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


def examples(values: list[Any], limit: int = MAX_EXAMPLES) -> dict[str, Any]:
    """A bounded list of examples that says how many were left out."""
    return {"examples": values[:limit], "left_out": max(0, len(values) - limit)}


@dataclass
class Report:
    title: str
    findings: list[Finding] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "ok": self.ok, "counts": self.counts(), "summary": self.summary,
                "findings": [f.to_dict() for f in self.findings]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)

    def to_text(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        for k, v in self.summary.items():
            lines.append(f"{k}: {v}")
        c = self.counts()
        lines.append(f"{c['error']} errors, {c['warning']} warnings, {c['info']} notes")
        for sev in SEVERITIES:
            for f in self.findings:
                if f.severity == sev:
                    lines.append(f.line())
        return "\n".join(lines)

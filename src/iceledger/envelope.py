"""One JSON envelope for every machine-readable answer (CLI --json and the HTTP API).

Success: {"ok": true, "data": ..., "meta": {...}}
Failure: {"ok": false, "error": {"code", "message", "fix", "location"}, "meta": {...}}
"""

from __future__ import annotations

from typing import Any

from iceledger.errors import IceledgerError


def success(data: Any, **meta: Any) -> dict[str, Any]:
    return {"ok": True, "data": data, "meta": meta}


def failure(error: IceledgerError | dict[str, Any], **meta: Any) -> dict[str, Any]:
    body = error.to_dict() if isinstance(error, IceledgerError) else error
    return {"ok": False, "error": body, "meta": meta}

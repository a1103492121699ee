"""Static files: the site's CSS and JavaScript, the vendored Vega libraries (static/vendor, hashes in
static/vendor/MANIFEST.json), and the us-atlas TopoJSON served from the bundled reference data.
Only known files are served; nothing is fetched from anywhere else."""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import Response

from iceledger.sources.bundled import bundled_path

STATIC = Path(__file__).resolve().parent / "static"
ATLAS = {"counties-10m.json": "vendor/us-atlas/counties-10m.json", "states-10m.json": "vendor/us-atlas/states-10m.json"}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json",
         ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".ico": "image/x-icon"}


@cache
def files() -> dict[str, Path]:
    """Every servable path (relative URL path -> file): a fixed list, so no traversal is possible."""
    out = {p.relative_to(STATIC).as_posix(): p for p in STATIC.rglob("*") if p.is_file()}
    for name, rel in ATLAS.items():
        out[f"atlas/{name}"] = bundled_path(rel)
    return out


@cache
def _read(path: Path) -> tuple[bytes, str]:
    body = path.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def serve(path: str, request: Request) -> Response:
    p = files().get(path)
    if p is None:
        raise HTTPException(404, "no such file")
    body, etag = _read(p)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media = TYPES.get(p.suffix) or mimetypes.guess_type(p.name)[0] or "application/octet-stream"
    return Response(body, media_type=media, headers=headers)

"""Static files: the site's CSS and JavaScript, the vendored Vega libraries (static/vendor, hashes in
static/vendor/MANIFEST.json), and the us-atlas TopoJSON served from the bundled reference data.
Only known files are served; nothing is fetched from anywhere else.

Pages link each file by a hashed name (``asset_url``: ``vendor/vega.min.<sha256[:12]>.js``), which is
served with a year-long immutable cache: a changed file gets a new name, so no browser keeps an old
one. The plain name still answers, with a short cache. Compression is the app's (GZip middleware).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from functools import cache
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import Response

from iceledger.sources.bundled import bundled_path

STATIC = Path(__file__).resolve().parent / "static"
ATLAS = {"counties-10m.json": "vendor/us-atlas/counties-10m.json", "states-10m.json": "vendor/us-atlas/states-10m.json"}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json",
         ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".ico": "image/x-icon"}
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[a-z]+)$")
SHORT_CACHE, LONG_CACHE = "public, max-age=3600", "public, max-age=31536000, immutable"


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
    return body, hashlib.sha256(body).hexdigest()[:12]


def asset_url(rel: str) -> str:
    """The hashed address of a static file (``rel`` as in ``files()``), e.g. /static/site.<hash>.css."""
    _, digest = _read(files()[rel])
    stem, dot, suffix = rel.rpartition(".")
    return f"/static/{stem}.{digest}.{suffix}" if dot else f"/static/{rel}.{digest}"


def _resolve(path: str) -> tuple[Path, bool] | None:
    """(file, whether the address is its current hashed name) or None."""
    if path in files():
        return files()[path], False
    m = HASHED.match(path)
    p = files().get(m["stem"] + m["suffix"]) if m else None
    if p is None or _read(p)[1] != m["hash"]:
        return None
    return p, True


def serve(path: str, request: Request) -> Response:
    found = _resolve(path)
    if found is None:
        raise HTTPException(404, "no such file")
    p, hashed = found
    body, digest = _read(p)
    etag = f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": LONG_CACHE if hashed else SHORT_CACHE, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media = TYPES.get(p.suffix) or mimetypes.guess_type(p.name)[0] or "application/octet-stream"
    return Response(body, media_type=media, headers=headers)

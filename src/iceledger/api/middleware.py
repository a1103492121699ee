"""The API's outer layer, as plain ASGI: request limits, ETag and 304, a response cache bounded in
entries and bytes, and the headers every response carries (mode, caching, no sniffing).

A publication never changes while it is served, so a response is a function of the publication
and the URL: its ETag is a hash of the two, known before any query runs, and a 200 response is
cached in memory by URL. A hit costs no routing, no validation and no query.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from iceledger.api.render import render_json
from iceledger.envelope import failure

MAX_QUERY_BYTES = 2048
MAX_PATH_BYTES = 512
CACHE_ENTRIES = 4096
CACHE_MAX_BODY = 2_000_000
CACHE_BYTES = 64 * 2**20  # bodies held at most; the least recently used answers go first


def _envelope(status: int, code: str, message: str, fix: str, headers: list) -> tuple[int, list, bytes]:
    body = render_json(failure({"code": code, "message": message, "fix": fix,
                                "location": {"file": None, "sheet": None, "row": None, "column": None}}))
    return status, headers + [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())], body


class ApiGate:
    def __init__(self, app, *, seed: str, headers: list[tuple[bytes, bytes]], cache_control: str):
        self.app = app
        self.seed = seed.encode()
        self.headers = headers + [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        self.cache_control = cache_control.encode()
        self.cache: OrderedDict = OrderedDict()
        self.cached_bytes = 0

    def _remember(self, key: bytes, entry: tuple) -> None:
        old = self.cache.pop(key, None)
        if old is not None:
            self.cached_bytes -= len(old[2])
        self.cache[key] = entry
        self.cached_bytes += len(entry[2])
        while self.cache and (len(self.cache) > CACHE_ENTRIES or self.cached_bytes > CACHE_BYTES):
            _, dropped = self.cache.popitem(last=False)
            self.cached_bytes -= len(dropped[2])

    async def _send(self, send, status: int, headers: list, body: bytes, head: bool) -> None:
        # a copy: an outer middleware (GZip) edits the list it is sent, and a cached response must not change
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"" if head else body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, qs, method = scope["path"], scope["query_string"], scope["method"]
        raw_path = scope.get("raw_path") or path.encode()
        if len(qs) > MAX_QUERY_BYTES or len(raw_path) > MAX_PATH_BYTES:
            status, hdrs, body = _envelope(414, "request_too_long", f"the address is too long ({len(raw_path) + len(qs)} bytes)",
                                           f"keep the path under {MAX_PATH_BYTES} and the query under {MAX_QUERY_BYTES} bytes",
                                           self.headers)
            return await self._send(send, status, hdrs, body, False)
        if method not in ("GET", "HEAD"):
            status, hdrs, body = _envelope(405, "method_not_allowed", f"{method} is not allowed: this API is read-only",
                                           "use GET", self.headers + [(b"allow", b"GET, HEAD")])
            return await self._send(send, status, hdrs, body, False)
        head = method == "HEAD"
        key = raw_path + b"?" + qs
        etag = b'"' + hashlib.sha256(self.seed + b"\0" + key).hexdigest()[:32].encode() + b'"'
        for name, value in scope["headers"]:
            if name == b"if-none-match" and etag in [v.strip() for v in value.split(b",")]:
                hit = self.cache.get(key)
                if hit is None or hit[0] == 200:
                    hdrs = self.headers + [(b"etag", etag), (b"cache-control", self.cache_control)]
                    return await self._send(send, 304, hdrs, b"", True)
        hit = self.cache.get(key)
        if hit is not None:
            self.cache.move_to_end(key)
            return await self._send(send, hit[0], hit[1], hit[2], head)
        started: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    status = started["status"]
                    inner = started.get("headers", [])
                    # a handler may cache longer (the web's hashed static files); otherwise the app's rule
                    own = next((v for k, v in inner if k.lower() == b"cache-control" and b"immutable" in v), None)
                    hdrs = [(k, v) for k, v in inner if k.lower() not in (b"etag", b"cache-control")]
                    hdrs += self.headers
                    if status == 200:
                        hdrs += [(b"etag", etag), (b"cache-control", own or self.cache_control)]
                    else:
                        hdrs += [(b"cache-control", b"no-store")]
                    body = b"".join(chunks)
                    if status == 200 and len(body) <= CACHE_MAX_BODY:
                        self._remember(key, (status, hdrs, body))
                    await self._send(send, status, hdrs, body, head)

        scope = dict(scope, method="GET") if head else scope
        await self.app(scope, receive, capture)

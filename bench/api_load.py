"""Load benchmark of the public API: a real `iceledger serve --public` process on 127.0.0.1, and a
second process sending a fixed number of requests at a fixed concurrency; then both stop.

    python bench/api_load.py                      # builds a small SYNTHETIC publication in a temp dir
    python bench/api_load.py --home var           # serves an existing publication
    python bench/api_load.py --record             # also writes the figures under "API load" in bench/RESULTS.md

The requests follow the publication: the client reads /api/v1/lattice, takes an even sample of the
tables it holds (every measure, grain, place level and set of categories in turn), and asks for each
as a tabulation, for the monthly ones also as a time series, and for those with places also filtered
to a place the table shows. Each URL is asked once before timing, so every timed request is a cached
one. Prints requests/s, p50/p95/p99 latency and errors.
Targets on a 2-core machine: at least 500 requests/s and p95 at most 50 ms, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_URLS = 24
PLACE_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")  # a place a URL can name as it is (not "(not recorded)")
TARGET_RPS, TARGET_P95_MS = 500, 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_publication(home: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from iceledger.demo import run_demo
    from iceledger.settings import load_settings

    run_demo(load_settings(home).ensure(), scale=0.2, real=False)


async def _fetch(reader, writer, port: int, path: str, *, body: bool = False):
    """One GET on a kept-alive HTTP/1.1 connection; returns the status (and the body when asked)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = next((int(x.split(b":", 1)[1]) for x in lines[1:] if x.lower().startswith(b"content-length:")), None)
    chunks = []
    if length is None:  # chunked transfer: read chunks to the end
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunks.append((await reader.readexactly(size + 2))[:size])
            if size == 0:
                break
    else:
        chunks.append(await reader.readexactly(length))
    return (status, b"".join(chunks)) if body else status


async def discover_urls(reader, writer, port: int, limit: int = MAX_URLS) -> list[str]:
    """Tabulation and time-series URLs for an even sample of the tables the publication holds."""
    status, raw = await _fetch(reader, writer, port, "/api/v1/lattice", body=True)
    if status != 200:
        raise SystemExit(f"/api/v1/lattice answered {status}")
    tables = [t | {"measure": m} for m, entry in sorted(json.loads(raw)["data"]["measures"].items())
              for t in entry["tables"]]
    step = max(1, len(tables) // max(1, limit // 2))
    urls = []
    for t in tables[::step]:
        query = f"measure={t['measure']}&grain={t['grain']}&place_level={t['place_level']}"
        query += f"&by={','.join(t['by'])}" if t["by"] else ""
        tab = f"/api/v1/tabulations?{query}"
        urls.append(tab)
        if t["grain"] == "month":
            urls.append(f"/api/v1/timeseries?{query}")
        if t["place_level"] != "national":
            status, raw = await _fetch(reader, writer, port, tab, body=True)
            rows = json.loads(raw)["data"] if status == 200 else []
            place = next((r["place_code"] for r in rows if PLACE_CODE.match(r.get("place_code") or "")), None)
            if place:
                urls.append(f"/api/v1/tabulations?{query}&place={place}")
    return urls[:limit]


async def _client(port: int, total: int, concurrency: int) -> dict:
    """A lean client (plain asyncio streams, one kept-alive connection per worker), so that the
    client's own cost stays small next to the server's on a 2-core machine."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(concurrency)]
    urls = await discover_urls(*conns[0], port)
    for url in urls:  # warm the server's cache: every timed request is a cached one
        assert await _fetch(*conns[0], port, url) == 200, url

    async def worker(reader, writer):
        nonlocal errors
        for i in counter:
            t0 = time.perf_counter()
            try:
                ok = await _fetch(reader, writer, port, urls[i % len(urls)]) == 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
            latencies.append(time.perf_counter() - t0)
            errors += not ok

    start = time.perf_counter()
    await asyncio.gather(*(worker(r, w) for r, w in conns))
    elapsed = time.perf_counter() - start
    for _, w in conns:
        w.close()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {"requests": total, "concurrency": concurrency, "urls": len(urls), "seconds": round(elapsed, 3),
            "rps": round(total / elapsed, 1), "p50_ms": round(pct(50), 2), "p95_ms": round(pct(95), 2),
            "p99_ms": round(pct(99), 2), "errors": errors}


def run_server_and_load(home: Path, total: int, concurrency: int) -> dict:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen([sys.executable, "-m", "iceledger", "serve", "--public", "--home", str(home), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"server stopped: {server.stderr.read().decode()}") from None
                if time.time() > deadline:
                    raise SystemExit("server did not start within 60 s") from None
                time.sleep(0.2)
        out = subprocess.run([sys.executable, __file__, "--client", "--port", str(port), "--requests", str(total),
                              "--concurrency", str(concurrency)], env=env, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise SystemExit(f"client failed: {out.stderr}")
        return json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait(timeout=30)


def record(result: dict) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    head = "## API load"
    line = (f"| {dt.date.today()} | {platform.node()} ({os.cpu_count()} cores, {platform.machine()}) | {result['requests']:,} "
            f"| {result['concurrency']} | {result['rps']:,} | {result['p50_ms']} | {result['p95_ms']} | {result['p99_ms']} "
            f"| {result['errors']} |")
    if head not in text:
        text = text.rstrip("\n") + (f"\n\n{head}\n\n`python bench/api_load.py --record` (bench/api_load.py): a real "
                                    "`iceledger serve --public` process on 127.0.0.1, cached tabulation and time-series "
                                    "requests from a second process (asyncio streams, kept-alive connections). Targets on 2 cores: at least "
                                    f"{TARGET_RPS} requests/s, p95 at most {TARGET_P95_MS:.0f} ms, no errors.\n\n"
                                    "| date | machine | requests | concurrency | requests/s | p50 ms | p95 ms | p99 ms | errors |\n"
                                    "|---|---|---|---|---|---|---|---|---|\n")
    start = text.index(head)
    nxt = text.find("\n## ", start + len(head))
    section = text[start:] if nxt < 0 else text[start:nxt]
    rows = [i for i, x in enumerate(section.split("\n")) if x.startswith("| ")]
    lines = section.rstrip("\n").split("\n")
    lines.insert(rows[-1] + 1 if rows else len(lines), line)  # a new row goes under the table, above any notes
    section = "\n".join(lines) + "\n"
    text = text[:start] + section + ("" if nxt < 0 else text[nxt:])
    path.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, help="an iceledger home holding public.duckdb (default: build one)")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    ap.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        print(json.dumps(asyncio.run(_client(args.port, args.requests, args.concurrency))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home
        if home is None:
            home = Path(tmp) / "home"
            print("building a small SYNTHETIC publication (demo scale 0.2)...", flush=True)
            build_publication(home)
        result = run_server_and_load(home.resolve(), args.requests, args.concurrency)
    ok = result["rps"] >= TARGET_RPS and result["p95_ms"] <= TARGET_P95_MS and result["errors"] == 0
    print(f"{result['requests']:,} requests at concurrency {result['concurrency']} in {result['seconds']} s, over "
          f"{result['urls']} URLs found in /api/v1/lattice")
    print(f"requests/s {result['rps']:,}  (target >= {TARGET_RPS})")
    print(f"latency p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms (target <= {TARGET_P95_MS:.0f})  p99 {result['p99_ms']} ms")
    print(f"errors {result['errors']}")
    print("targets met" if ok else "TARGETS MISSED")
    if args.record:
        record(result)
        print("recorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()

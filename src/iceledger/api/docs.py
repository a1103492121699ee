"""/api/docs: the OpenAPI description rendered as one plain HTML page on the server (no script,
nothing fetched from elsewhere, so it works offline). The machine-readable form is /api/openapi.json."""

from __future__ import annotations

from html import escape

from jinja2 import Environment

PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>iceledger API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/static/docs.css"></head>
<body><main>
<h1>{{ title }}</h1>
<p>{{ description }}</p>
{% if mode != 'public' %}<p class="notice">Local analyst mode: exact figures from the ledger, not passed through the
disclosure gate. Never share them.</p>{% endif %}
<p>Machine-readable description: <a href="/api/openapi.json">/api/openapi.json</a>.
Errors are <code>{"ok": false, "error": {"code", "message", "fix", "location"}, "meta": {...}}</code>
with status 400 (your request), 404 (no such thing), 405, 414 or 500 (ours).</p>
{% for ep in endpoints %}<section>
<h2><span class="get">GET</span> <code>{{ ep.path }}</code></h2>
<p>{{ ep.summary }}</p>{% if ep.description %}<p>{{ ep.description }}</p>{% endif %}
{% if ep.params %}<table><tr><th>parameter</th><th>in</th><th>type</th><th>meaning</th></tr>
{% for p in ep.params %}<tr><td><code>{{ p.name }}</code></td><td>{{ p.where }}</td><td>{{ p.type }}</td><td>{{ p.description }}</td></tr>
{% endfor %}</table>{% endif %}</section>
{% endfor %}</main></body></html>""")


def render_docs(spec: dict, mode: str) -> str:
    endpoints = []
    for path, ops in sorted(spec.get("paths", {}).items()):
        op = ops.get("get")
        if not op:
            continue
        params = []
        for p in op.get("parameters", []):
            schema = p.get("schema", {})
            kind = schema.get("type") or "/".join(s.get("type", "") for s in schema.get("anyOf", []) if s.get("type") != "null")
            params.append({"name": p["name"], "where": p.get("in"), "type": kind, "description": p.get("description", "")})
        endpoints.append({"path": path, "summary": op.get("summary", ""), "description": op.get("description", ""),
                          "params": params})
    info = spec.get("info", {})
    return PAGE.render(title=escape(info.get("title", "API")), description=info.get("description", ""), mode=mode,
                       endpoints=endpoints)


def describe_as_answered(app) -> dict:
    """The app's OpenAPI description as the API answers: FastAPI lists a 422 for every endpoint with parameters, but a
    parameter that fails validation is answered 400 in our envelope (api.app), so the 422 and its schemas go."""
    if app.openapi_schema is None:
        spec = app.__class__.openapi(app)
        for ops in spec["paths"].values():
            for op in ops.values():
                op.get("responses", {}).pop("422", None)
        schemas = spec.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = spec
    return app.openapi_schema


def openapi_spec() -> dict:
    """The API's OpenAPI description, without opening any database."""
    from fastapi import FastAPI

    from iceledger.api.routes import router

    app = FastAPI(title="iceledger API", version="1", openapi_url="/api/openapi.json")
    app.include_router(router)
    return describe_as_answered(app)


def render_api_markdown() -> str:
    """docs/api.md: every endpoint and parameter, generated from the OpenAPI description."""
    spec = openapi_spec()
    lines = ["# HTTP API reference", "",
             "Generated from the OpenAPI description by `python -m iceledger.docsgen`; do not edit by hand. "
             "A running server shows the same at `/api/docs` and `/api/openapi.json`.", "",
             "Every answer is one JSON envelope: `{\"ok\": true, \"data\": ..., \"meta\": {...}}`, or "
             "`{\"ok\": false, \"error\": {\"code\", \"message\", \"fix\", \"location\"}, \"meta\": {...}}` with status 400 "
             "(a parameter or value is wrong: the message names it, the fix lists what is allowed), 404, 405, 414 or 500. "
             "`meta` says the publication, the mode (`public` or `local_analyst`), whether figures are exact and whether "
             "the publication holds synthetic series (`has_synthetic`). An answer whose own rows include synthetic ones "
             "adds `synthetic_notice`; counts (`/tabulations`, `/timeseries`) add `series`: per run of fiscal years, "
             "ICE's records or the synthetic sample, the releases and their citations. Every count row carries "
             "`is_synthetic`. Responses carry an ETag (answer `If-None-Match` with 304) and Cache-Control.", ""]
    for path, ops in sorted(spec["paths"].items()):
        op = ops.get("get")
        if not op:
            continue
        lines += [f"## `GET {path}`", "", op.get("summary", "")]
        if op.get("description"):
            lines += ["", " ".join(op["description"].split())]
        params = op.get("parameters", [])
        if params:
            lines += ["", "| parameter | in | meaning |", "|---|---|---|"]
            for p in params:
                desc = p.get("description", "").replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `{p['name']}` | {p.get('in')} | {desc} |")
        lines.append("")
    return "\n".join(lines)

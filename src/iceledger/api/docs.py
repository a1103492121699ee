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

"""The read-only HTTP API over a publication (publish/query.py): `create_app` in app.py."""

"""The API unit tests use the session's published home and the app over it (``published`` and ``client``
in tests/conftest.py)."""

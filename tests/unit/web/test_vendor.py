"""The vendored front-end libraries are the unmodified npm files the manifest names, with licences."""

from __future__ import annotations

import hashlib
import json

from iceledger.web.static import STATIC

VENDOR = STATIC / "vendor"


def test_vendored_files_match_their_recorded_hashes():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    names = {f["package"]: f["version"] for f in manifest["files"]}
    assert names == {"vega": "6.2.0", "vega-lite": "6.5.0", "vega-embed": "7.3.0"}
    for f in manifest["files"]:
        body = (VENDOR / f["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == f["sha256"], f["file"]
        assert f["licence"] == "BSD-3-Clause"
        assert "Redistribution and use" in (VENDOR / f["licence_file"]).read_text()


def test_vendored_versions_are_what_the_files_say():
    assert 'version="6.2.0"' in (VENDOR / "vega.min.js").read_text()
    assert '"6.5.0"' in (VENDOR / "vega-lite.min.js").read_text()[:2000]


def test_no_file_in_static_is_unaccounted_for():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    listed = {f["file"] for f in manifest["files"]} | {f["licence_file"] for f in manifest["files"]} | {"MANIFEST.json"}
    assert {p.name for p in VENDOR.iterdir()} == listed

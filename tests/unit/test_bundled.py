"""Every bundled file matches its manifest, and nothing is bundled without one."""

from iceledger.sources.bundled import check_bundled, sources


def test_bundled_files_match_their_manifests():
    assert check_bundled() == []


def test_sources_have_licence_and_origin():
    for s in sources().values():
        assert s.licence and s.origin and s.title, s.id


def test_record_level_sources_carry_their_foia_number_rights_and_a_release_manifest():
    """Each bundled ICE release: its source names the FOIA request and the rights note, and its release
    manifest lists exactly the source's files with the same sha256 (so `ingest --manifest` verifies them)."""
    from iceledger.pipeline.release_store import load_manifest
    from iceledger.settings import DATA_DIR

    records = [s for s in sources().values() if s.release_manifest]
    assert {s.id for s in records} == {"uwchr-2019-icfo-53623", "uwchr-seattle-uw-v-dhs"}
    for s in records:
        assert s.foia_request and "private ledger" in s.rights and "public" in s.rights, s.id
        manifest = load_manifest(DATA_DIR / s.release_manifest)
        assert manifest.release_id == s.id and manifest.synthetic is False
        in_manifest = {(DATA_DIR / f.path).resolve().relative_to(DATA_DIR.resolve()).as_posix(): f.sha256 for f in manifest.files}
        assert in_manifest == {f.path: f.sha256 for f in s.files}, s.id

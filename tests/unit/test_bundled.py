"""Every bundled file matches its manifest, and nothing is bundled without one."""

from iceledger.sources.bundled import check_bundled, sources


def test_bundled_files_match_their_manifests():
    assert check_bundled() == []


def test_sources_have_licence_and_origin():
    for s in sources().values():
        assert s.licence and s.origin and s.title, s.id

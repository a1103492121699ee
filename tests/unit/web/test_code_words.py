"""The dashboard words a code as the metadata declares it, where the declaration's description is the
label (criminality: ICE's three categories); other code lists' descriptions are longer explanations."""

from __future__ import annotations

from iceledger.metadata import code_list
from iceledger.web.labels import VALUES

WORDED_AS_DECLARED = ("criminality",)


def test_labels_word_codes_as_the_metadata_does():
    for name in WORDED_AS_DECLARED:
        declared = code_list(name).descriptions
        assert VALUES[name] == {v: declared[v] for v in code_list(name).values}, name

"""The dashboard words a code as its code list declares it: the `label` column of metadata/codes/*.csv is
the one declaration of the English words (web/labels.py types none of them again), every code of a list the
pages show has one, and every one of those words has a Spanish translation in the catalogue the pages use."""

from __future__ import annotations

import dataclasses

import pytest

from iceledger.metadata import CodeList, code_list, code_lists
from iceledger.web import i18n
from iceledger.web.i18n import Formatter
from iceledger.web.labels import CODE_LISTS, VALUES

# shown by the place pages' cooperation panel (templates/glance.html, through WebData.code_label)
PANEL_CODE_LISTS = ("detainer_answer", "designation_answer", "g287_answer", "g287_model")


def shown() -> list[str]:
    """Every code list whose codes the pages word: the categories' lists, the panel's, and any list with a label."""
    labelled = [name for name, cl in code_lists().items() if cl.labels]
    return sorted(set(CODE_LISTS.values()) | set(PANEL_CODE_LISTS) | set(labelled))


def unlabelled(cl: CodeList) -> list[str]:
    return [v for v in cl.values if not (cl.labels.get(v) or "").strip()]


def untranslated(labels, catalogue) -> list[str]:
    """Labels with no Spanish words in ``catalogue`` (a babel Catalog)."""
    out = []
    for label in labels:
        m = catalogue.get(label)
        if m is None or not (m.string or "").strip():
            out.append(label)
    return out


def spanish():
    from babel.messages.pofile import read_po

    with i18n.po_path("es").open("rb") as fh:
        return read_po(fh, locale=i18n.LOCALES["es"])


def test_the_lists_shown_are_the_ones_expected():
    names = shown()
    assert {"criminality", "method_group", "gender", "lift_group", "funnel_outcome", "g287_status", "policy_kind",
            "citation_kind", "operation_status", "figure_metric", "detainer_answer"} <= set(names)
    assert all(name in code_lists() for name in names)


@pytest.mark.parametrize("name", shown())
def test_every_code_of_a_shown_list_has_a_label(name):
    cl = code_list(name)
    assert cl.values, name
    assert unlabelled(cl) == [], f"add a `label` to metadata/codes/{name}.csv for these codes"


def test_the_pages_take_the_words_from_the_code_lists():
    for category, name in CODE_LISTS.items():
        assert VALUES[category] == code_list(name).labels, category
    # criminality's labels are ICE's three categories as its description words them
    assert VALUES["criminality"] == code_list("criminality").descriptions
    assert VALUES["lift_reason"]["declined"] == "Declined by the local agency"
    assert VALUES["metric"]["administrative_arrests"] == "Administrative arrests"


def test_every_label_has_spanish_words_and_the_pages_use_them():
    catalogue = spanish()
    es = Formatter("es")
    for name in shown():
        labels = code_list(name).labels.values()
        assert untranslated(labels, catalogue) == [], f"{name}: run `make translations` and translate these"
        for label in labels:
            assert es.gettext(label) == catalogue.get(label).string != "", label
    assert es.gettext(code_list("gender").labels["Female"]) == "Mujer"
    assert es.gettext(code_list("operation_status").labels["announced"]) == "Anunciado"


def test_a_missing_label_or_translation_is_caught():
    """The checks above can fail: one label dropped from a real list, or one word the catalogue lacks."""
    cl = code_list("funnel_outcome")
    dropped = dataclasses.replace(cl, labels={k: v for k, v in cl.labels.items() if k != "custody_unknown"})
    assert unlabelled(dropped) == ["custody_unknown"]
    blank = dataclasses.replace(cl, labels=cl.labels | {"custody_unknown": " "})
    assert unlabelled(blank) == ["custody_unknown"]
    assert untranslated(["Custody not known", "A label nobody translated"], spanish()) == ["A label nobody translated"]

"""Words for the codes the data carries (measures, categories, statuses), translated when shown: the
words of a code list's codes are its `label` column in metadata/codes/*.csv; the rest are marked here
for translation with ``N_``. A code with no entry is shown as the data writes it."""

from __future__ import annotations

from iceledger.publish.query import NOT_SHOWN, OTHER, PublicData
from iceledger.web.i18n import Formatter


def N_(msg: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    return msg


MEASURES = {
    "arrests": N_("Arrests"), "detainers": N_("Detainers"), "book_ins": N_("Detention book-ins"),
    "removals": N_("Removals"), "encounters": N_("Encounters"),
    "release_comparison": N_("Releases side by side"),  # the comparisons' cells in the suppression audit
}
MEASURE_HELP = {
    "arrests": N_("Administrative arrests by ICE's Enforcement and Removal Operations (ERO)."),
    "detainers": N_("Detainers lodged: ICE's requests that a jail hold a person up to 48 hours past release so ICE "
                    "can take custody. An ICE officer signs them, not a judge."),
    "book_ins": N_("Book-ins into ICE detention: the start of each detention stay."),
    "removals": N_("Removals and returns carried out by ICE."),
    "encounters": N_("Encounters: contacts recorded by ERO that may or may not lead to an arrest."),
}
CATEGORIES = {
    "criminality": N_("criminal history"), "method_group": N_("how the arrest was made"), "gender": N_("gender"),
    "citizenship": N_("country of citizenship"), "lift_reason": N_("how the detainer ended"),
    "funnel_outcome": N_("outcome"),
}
# The categories whose values are codes of a code list: their words are the list's `label` column
# (metadata/codes/NAME.csv, read through the publication's query layer), extracted for translation by
# web/babel.cfg. Declared there once; nothing here types them again.
CODE_LISTS = {
    "criminality": "criminality", "method_group": "method_group", "gender": "gender", "lift_reason": "lift_group",
    "funnel_outcome": "funnel_outcome", "g287_status": "g287_status", "policy_kind": "policy_kind",
    "citation_kind": "citation_kind", "operation_status": "operation_status", "metric": "figure_metric",
}
VALUES = {category: PublicData.code_labels(name) for category, name in CODE_LISTS.items()} | {
    # values no code list declares: the levels of places counted and searched, the kinds of sources
    # (data/sources/*.yaml) and the verdicts of claims (claims/result.py)
    "level": {"aor": N_("ICE field office (AOR)"), "state": N_("state"), "county": N_("county"), "city": N_("city"),
              "facility": N_("facility"), "national": N_("United States")},
    "source_kind": {"government web page": N_("government web page"), "government record": N_("government record"),
                    "software package data": N_("software package data"), "compiled dataset": N_("compiled dataset"),
                    "hand-compiled facts": N_("hand-compiled facts")},
    "verdict": {"supported": N_("Supported"), "contradicted": N_("Contradicted"),
                "not_testable": N_("Not testable with the loaded data")},
}


def measure_label(f: Formatter, measure: str) -> str:
    return f.gettext(MEASURES.get(measure, measure))


def category_label(f: Formatter, category: str, value: str | None = None, threshold: int | None = None) -> str:
    """The category's own name (no value), or the words for one of its values."""
    if value is None:
        return f.gettext(CATEGORIES[category]) if category in CATEGORIES else category
    if category == "verdict" and value == NOT_SHOWN:  # the gate withheld it: it rests on a small count
        return f.gettext("Not shown: rests on fewer than %(n)s", n=f.number(threshold + 1))
    if value == OTHER:
        return f.gettext("Other or not recorded")
    words = VALUES.get(category, {}).get(value)
    return f.gettext(words) if words else str(value)


def withheld_label(f: Formatter, threshold: int) -> str:
    """The words for a withheld count. It may be small (1..threshold) or withheld to protect a small one,
    and the page must not say which (that would let a reader work the small one out), so the words
    cover both; they never say or imply zero."""
    return f.gettext("fewer than %(n)s or withheld", n=f.number(threshold + 1))

# US states and territories whose Spanish names differ (USA.gov en español), found by either name and
# shown in Spanish on Spanish pages; the names are ref_states.state_name, translated when shown.
STATE_NAMES = (
    N_("American Samoa"), N_("Commonwealth of the Northern Mariana Islands"), N_("District of Columbia"), N_("Hawaii"),
    N_("Louisiana"), N_("Michigan"), N_("Mississippi"), N_("Missouri"), N_("New Hampshire"), N_("New Jersey"),
    N_("New Mexico"), N_("New York"), N_("North Carolina"), N_("North Dakota"), N_("Oregon"), N_("Pennsylvania"),
    N_("South Carolina"), N_("South Dakota"), N_("United States Virgin Islands"), N_("West Virginia"),
)

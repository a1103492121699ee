"""Words for the codes the data carries (measures, categories, statuses), marked for translation
with ``N_`` and translated when shown. A code with no entry is shown as the data writes it."""

from __future__ import annotations

from iceledger.publish.query import NOT_SHOWN, OTHER
from iceledger.web.i18n import Formatter

NOT_RECORDED = OTHER  # a place or category outside its declared list, or blank (publish/codes.py)


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
VALUES = {
    # worded as metadata/codes/criminality.csv describes the codes (a test keeps the two the same)
    "criminality": {"1 Convicted Criminal": N_("Convicted of a criminal offence"), "2 Pending Criminal Charges":
                    N_("Criminal charges pending"),
                    "3 Other Immigration Violator": N_("No criminal conviction or pending charge recorded")},
    "method_group": {"at_large": N_("At large (in the community)"), "custodial": N_("Custodial (from a jail or prison)"),
                     "287g": N_("Through a 287(g) agreement"), "other": N_("Other")},
    "gender": {"Female": N_("Female"), "Male": N_("Male"), "Unknown": N_("Unknown")},
    "lift_reason": {"declined": N_("Declined by the local agency"), "booked_into_detention":
                    N_("Booked into ICE detention"), "other": N_("Other reason"), "missing": N_("Reason not recorded")},
    "funnel_outcome": {"not_in_custody": N_("No ICE custody within 30 days"),
                       "in_custody_not_removed": N_("ICE custody, not removed"),
                       "in_custody_removed": N_("ICE custody, then removed"),
                       "in_custody_removal_unknown": N_("ICE custody, removal not known"),
                       "custody_unknown": N_("Custody not known")},
    "level": {"aor": N_("ICE field office (AOR)"), "state": N_("state"), "county": N_("county"), "city": N_("city"),
              "facility": N_("facility"), "national": N_("United States")},
    "g287_status": {"participating": N_("Participating"), "pending": N_("Pending"),
                    "not in latest list": N_("Not in ICE's latest list")},
    "policy_kind": {"judicial_warrant_required": N_("Holds only with a judicial warrant or court order"),
                    "listed_offences_only": N_("Holds only for listed offences"),
                    "notification_only": N_("Notifies ICE of release only"), "unknown": N_("Not stated"),
                    "bars_ice_from_jail": N_("Bars ICE from the jail"),
                    "state_law": N_("State law limiting cooperation with ICE"),
                    "state_directive": N_("State directive limiting cooperation with ICE"),
                    "anti_sanctuary_mandate": N_("State law requiring cooperation with ICE")},
    "citation_kind": {"copy_of_government_release": N_("copy of a government release"),
                      "dhs_press_release": N_("DHS press release"), "ice_press_release": N_("ICE press release"),
                      "ice_report": N_("ICE report"), "ice_spreadsheet": N_("ICE spreadsheet"),
                      "ice_web_page": N_("ICE web page"), "news_report": N_("news report"),
                      "research_dataset": N_("research data set"), "research_report": N_("research report"),
                      "secondary_report": N_("secondary report")},
    "source_kind": {"government web page": N_("government web page"), "government record": N_("government record"),
                    "software package data": N_("software package data"), "compiled dataset": N_("compiled dataset"),
                    "hand-compiled facts": N_("hand-compiled facts")},
    "operation_status": {"announced": N_("Announced"), "reported_unconfirmed": N_("Reported, not confirmed")},
    "metric": {"administrative_arrests": N_("Administrative arrests"), "arrests_change": N_("Change in arrests"),
               "arrests_change_pct": N_("Change in arrests (%)"), "arrests_noncriminal": N_("Arrests without a criminal record"),
               "arrests_with_convictions": N_("Arrests of people with convictions"),
               "arrests_with_criminal_history": N_("Arrests of people with a criminal history"),
               "at_large_arrests": N_("At-large arrests"), "countries_of_citizenship": N_("Countries of citizenship"),
               "detainers": N_("Detainers"), "detainers_declined": N_("Detainers declined"),
               "dui_convictions": N_("Drunk-driving convictions"), "final_orders": N_("Final orders of removal"),
               "fugitives": N_("Fugitives"), "gang_affiliated": N_("Gang-affiliated"),
               "initial_book_ins": N_("Initial book-ins"), "jurisdictions_listed": N_("Jurisdictions listed"),
               "operation_arrests": N_("Arrests in the operation"), "operation_planned_targets": N_("Planned targets"),
               "previously_removed": N_("Previously removed"), "removals": N_("Removals"),
               "significant_criminality": N_("Significant criminality"), "title42_expulsions": N_("Title 42 expulsions")},
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

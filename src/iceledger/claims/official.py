"""Checks against what the agency published: a figure in ref_official_figures (or the percent change
between two), or a fact about an operation in ref_operations / ref_operation_places.

A figure or fact about an operation the agency never confirmed (status reported_unconfirmed or
cancelled) is not an official figure: such a check is not testable, and says so. Nor is a figure of
any kind but an official publication (an official's remark, data given to a newspaper, a news
estimate, a third party's count, a derived number): it is compared and shown, but only what the
agency itself published can support or contradict a claim as an official figure.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from iceledger.claims import registry_sql
from iceledger.claims.claim_files import LoadedClaim
from iceledger.claims.claimed_places import check_places
from iceledger.claims.facts import TABLES, blank, check_fact
from iceledger.claims.result import Check
from iceledger.claims.vocabulary import CONTRADICTED, SUPPORTED, as_decimal, compare, format_date, format_number
from iceledger.metadata import code_list

OFFICIAL_KIND = "official_publication"
FACT_COLUMNS = {"start_date": "operation_start_date", "end_date": "operation_end_date", "duration_days": "duration_days",
                "announced_count": "announced_count", "status": "operation_status"}
FACT_WORDS = {"start_date": "first day", "end_date": "last day", "duration_days": "length in days",
              "announced_count": "announced count", "status": "status"}


def check_official(engine, lc: LoadedClaim) -> list[Check]:
    """The published-figure check(s) of a claim: one, or one per level for a list of places."""
    off = lc.claim.measure.official
    if off is None:
        return []
    fact = off.registry_fact
    if fact:
        needed = TABLES[fact]
    elif off.figure:
        needed = [registry_sql.FIGURES, registry_sql.OPERATIONS]
    else:
        needed = [registry_sql.OPERATIONS] + ([registry_sql.PLACES] if off.fact == "places" else [])
    missing = registry_sql.missing_tables(engine, *needed)
    if missing:
        return [blank(lc, f"the registry table{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"{'are' if len(missing) > 1 else 'is'} not in this ledger",
                      "run `iceledger build`, which loads the registries")]
    if fact:
        return [check_fact(engine, lc, fact)]
    return [check_figure(engine, lc)] if off.figure else check_operation(engine, lc)


def view_figure(row: dict) -> dict:
    """A figure as a result shows it."""
    period = f"{row['period_start_date'] or '?'} to {row['period_end_date'] or '?'}"
    return {"figure_id": row["figure_id"], "value": row["figure_value"], "qualifier": row["value_qualifier"],
            "unit": row["figure_unit"], "period": period, "place": row["geography_text"], "figure_kind": row["figure_kind"],
            "publisher": row["publisher_name"], "source_title": row["source_title"], "source_date": row["source_date"],
            "citation_kind": row["citation_kind"], "source_url": row["source_url"], "retrieved_via": row["retrieved_via"],
            "source_confidence": row["source_confidence"], "quoted_wording": row["quoted_wording"],
            "operation_slug": row["operation_slug"], "operation_name": row["operation_name"],
            "operation_status": row["operation_status"], "registry": registry_sql.FIGURES}


def kind_words(kind: str) -> str:
    """'of kind news_estimate (a number a news organisation reported ...)', from the figure_kind code list."""
    text = code_list("figure_kind").descriptions.get(kind, kind)
    return f"of kind {kind} ({text[:1].lower()}{text[1:]})"


def describe_figure(f: dict) -> str:
    qualifier = {"more_than": "more than ", "about": "about ", "nearly": "nearly "}.get(f["qualifier"] or "", "")
    unit = "%" if f["unit"] == "percent" else f" {f['unit']}" if f["unit"] else ""
    return f"{f['publisher']} published {qualifier}{format_number(f['value'])}{unit} for {f['period']} (figure {f['figure_id']})"


def unconfirmed(lc: LoadedClaim, name: str, status: str, shown: dict, query: str, related=()) -> Check:
    what = registry_sql.status_description(status).rstrip(".")
    held = "what was reported"
    if shown.get("figure_id"):
        held = (f"a reported {format_number(shown['value'])} ({shown['publisher']}, {shown['citation_kind'].replace('_', ' ')}, "
                f"figure {shown['figure_id']})")
    return blank(lc, f"{name} is recorded as {status} ({what.lower()}), so nothing the agency published can test the claim; "
                     f"the registry holds only {held}",
                 f"the agency publishes figures about {name}: add them to data/figures/official-figures.csv with their "
                 f"address and name the figure in the claim", official=shown, query=query, related=list(related))


def check_figure(engine, lc: LoadedClaim) -> Check:
    claim, off = lc.claim, lc.claim.measure.official
    ids = list(dict.fromkeys([off.figure, *([off.change_from] if off.change_from else []), *off.related]))
    sql = registry_sql.figure_query(ids)
    rows = {r["figure_id"]: r for r in registry_sql.fetch(engine, sql)}
    for field_name, fid in [("figure", off.figure), ("change_from", off.change_from)] + [("related", r) for r in off.related]:
        if fid and fid not in rows:
            raise lc.error("unknown_figure", f"there is no published figure {fid!r}",
                           "see `iceledger figures list` for the figure ids (they never change once published)",
                           "measure", "official", field_name)
    fig = view_figure(rows[off.figure])
    related = [view_figure(rows[i]) for i in off.related]
    if fig["operation_slug"] and fig["operation_status"] != "announced":
        return unconfirmed(lc, fig["operation_name"] or fig["operation_slug"], fig["operation_status"], fig, sql, related)
    value, how = fig["value"], describe_figure(fig)
    if off.change_from:
        base = view_figure(rows[off.change_from])
        value = ((as_decimal(value) / as_decimal(base["value"]) - 1) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        how = (f"{how}, against {format_number(base['value'])} for {base['period']} (figure {base['figure_id']}): "
               f"a change of {format_number(value)}%")
        fig = {**fig, "value": value, "change_from": base}
    outcome = compare(claim.comparison, value, claim.expected, claim.tolerance)
    if fig["qualifier"] not in (None, "exact"):
        how += f" (published as {fig['qualifier'].replace('_', ' ')} that number)"
    if fig["figure_kind"] != OFFICIAL_KIND:
        return blank(lc, f"{how}; {outcome.detail}. But figure {fig['figure_id']} is {kind_words(fig['figure_kind'])}, not a "
                         "number the agency published, so it cannot decide the claim as an official figure",
                     "cite a figure the agency itself published (kind official_publication in `iceledger figures list`), "
                     "or check the claim against ICE's records", value=value, official=fig, related=related, query=sql)
    return Check("official", SUPPORTED if outcome.holds else CONTRADICTED, True, claim.comparison, claim.expected,
                 claim.tolerance, value=value, explanation=f"{how}; {outcome.detail}.", official=fig, related=related, query=sql)


def check_operation(engine, lc: LoadedClaim) -> list[Check]:
    claim, off = lc.claim, lc.claim.measure.official
    op, sql = registry_sql.fetch_operation(engine, off.operation)
    if op is None:
        raise lc.error("unknown_operation", f"there is no operation {off.operation!r}",
                       "see `iceledger operations list` for the slugs", "measure", "official", "operation")
    shown = {"registry": registry_sql.OPERATIONS, "operation_slug": op["operation_slug"], "operation_name": op["operation_name"],
             "operation_status": op["operation_status"], "fact": off.fact, "date_basis": op["date_basis"],
             "source_url": op["source_url"], "figure_id": None}
    if op["operation_status"] != "announced" and off.fact != "status":
        return [unconfirmed(lc, op["operation_name"], op["operation_status"], shown, sql)]
    if off.fact == "places":
        return check_places(engine, lc, op, shown, sql)
    value = op[FACT_COLUMNS[off.fact]]
    shown["value"] = value
    if value is None:
        return [blank(lc, f"the operations registry does not record {op['operation_name']}'s {FACT_WORDS[off.fact]}",
                      "add it, with its source, to data/operations/operations.csv", official=shown, query=sql)]
    outcome = compare(claim.comparison, value, claim.expected, claim.tolerance)
    shown_value = format_date(value) if off.fact.endswith("_date") else value
    text = f"the operations registry gives {op['operation_name']}'s {FACT_WORDS[off.fact]} as {shown_value}; {outcome.detail}."
    return [Check("official", SUPPORTED if outcome.holds else CONTRADICTED, True, claim.comparison, claim.expected,
                  claim.tolerance, value=value, explanation=text, official=shown, query=sql)]

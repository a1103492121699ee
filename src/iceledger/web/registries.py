"""Tables from the registries (real, cited reference data): facilities, 287(g) agreements, policies,
official figures, and an operation's announced counts against the records.

A place's policies come from its cooperation status (``WebData.place_cooperation``), whose facts say
whose they are (the place's own, its state's, a city's within it: ``scope_words``), so a county never
shows another county's terms as its own. English text quoted from a source is shown as written, marked
as English, with a Spanish gloss beside it on Spanish pages (``glosses``).
"""

from __future__ import annotations

from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter
from iceledger.web.labels import N_, category_label
from iceledger.web.table import Column, Table, origin_of, records_source, registry_source

SCOPES = {"place": "", "state": N_("the state"), "city": N_("a city in this place"), "county": N_("a county in this place"),
          "area": N_("an area in this place"), "area_including": N_("an area that includes this place")}


def scope_words(f: Formatter, fact: dict, level: str) -> str:
    """Whose a fact is, seen from a place page ("" when it is the place's own): its state, a county, city or area
    in it, or (on a county page) an area ICE named that includes the county."""
    of = fact["place_level"]
    key = "place" if of == level else "area_including" if of == "area" and level == "county" else of
    return f.gettext(SCOPES[key]) if SCOPES.get(key) else ""


def facilities(data: WebData, f: Formatter, *, aor: str | None = None, state: str | None = None,
               county: str | None = None) -> Table:
    rows = data.facilities(aor=aor, state=state, county=county)
    out = [{"name": {"text": r["detention_facility"], "href": f"/facility/{r['detention_facility_code']}"},
            "code": r["detention_facility_code"], "city": r["facility_city"], "state": r["facility_state_code"],
            "type": r["facility_type_detailed"] or r["facility_type"], "last": r["facility_last_use_date"]} for r in rows]
    src = registry_source(data, f, {r["source_id"] for r in rows})
    return Table("facilities", f.gettext("Detention facilities"), [
        Column("name", f.gettext("Facility"), "link", "en"), Column("code", f.gettext("ICE code"), "code"),
        Column("city", f.gettext("City")), Column("state", f.gettext("State")), Column("type", f.gettext("Type"), "code"),
        Column("last", f.gettext("Last recorded use"), "date")], out, **src,
        params={"aor": aor, "state": state, "county": county},
        empty=f.gettext("ICE's facility lists name no detention facility here."))


def lists_searched(data: WebData, f: Formatter) -> str:
    """The 287(g) lists a place was looked up in, with their dates."""
    g = data.g287_lists
    if not g or not g["n"]:
        return f.gettext("No 287(g) lists are loaded.")
    return f.gettext("ICE's 287(g) participating and pending agency lists: %(n)s lists from %(first)s to %(last)s",
                     n=f.number(g["n"]), first=f.date(g["first_date"]), last=f.date(g["last_date"]))


def agreements(data: WebData, f: Formatter, *, aor: str | None = None, state: str | None = None,
               county: str | None = None) -> Table:
    rows = data.agreements(aor=aor, state=state, county=county)
    out = [{"agency": r["agency_name"], "model": r["g287_model_code"],
            "status": category_label(f, "g287_status", r["g287_status"]),
            "signed": r["g287_signed_date"], "first": r["g287_first_seen_date"], "last": r["g287_last_seen_date"]}
           for r in rows]
    src = registry_source(data, f, {r["source_id"] for r in rows}, searched=lists_searched(data, f))
    return Table("agreements", f.gettext("287(g) agreements of agencies here"), [
        Column("agency", f.gettext("Agency"), lang="en"), Column("model", f.gettext("Model"), "code"), Column("status", f.gettext("Status")),
        Column("signed", f.gettext("Signed (as ICE's latest list gives it)"), "date"),
        Column("first", f.gettext("First listed"), "date"), Column("last", f.gettext("Last listed"), "date")], out, **src,
        params={"aor": aor, "state": state, "county": county},
        empty=f.gettext("No agency here appears on the 287(g) lists searched: %(lists)s.", lists=lists_searched(data, f)),
        note=f.gettext("Models: JEM jail enforcement, TFM task force, WSO warrant service officer. ICE overwrites the "
                       "signing date when an agreement is renewed, so it is not the date the agency first joined."))


def policies(data: WebData, f: Formatter, *, level: str, code: str) -> Table:
    """Every policy and state law on the place's timeline, with its dates, whatever the day the panel shows."""
    laws = [x for x in data.place_cooperation(level, code)["timeline"] if x["cooperation_kind"] in ("local_policy", "state_law")]
    out = []
    for r in laws:
        whose = scope_words(f, r, level)
        out.append({"jurisdiction": r["party_name"] + (f" ({whose})" if whose else ""),
                    "from": r["from_date"], "to": r["to_date"], "kind": category_label(f, "policy_kind", r["cooperation_code"]),
                    "instrument": r["policy_instrument"], "terms": r["policy_terms"],
                    "source": {"text": r["said_by"] or f.gettext("source"), "href": r["source_url"]}})
    src = registry_source(data, f, {r["source_id"] for r in laws},
                          searched=f.gettext("iceledger's registry of local policies (%(n)s jurisdictions)",
                                             n=f.number(data.jurisdictions_registered)))
    return Table("policies", f.gettext("Policies on ICE detainers"), [
        Column("jurisdiction", f.gettext("Whose policy")), Column("kind", f.gettext("Policy")),
        Column("from", f.gettext("In effect from"), "date"), Column("to", f.gettext("Until"), "date"),
        Column("instrument", f.gettext("Instrument"), lang="en"), Column("terms", f.gettext("Terms, as quoted"), "english"),
        Column("source", f.gettext("Source"), "url", "en")],
        out, **src, params={"level": level, "code": code},
        empty=f.gettext("No recorded policy: iceledger's registry of %(n)s jurisdictions holds no policy on detainers "
                        "for this place or its state.", n=f.number(data.jurisdictions_registered)))


def figures(data: WebData, f: Formatter, *, operation: str | None = None, aor: str | None = None,
            state: str | None = None) -> Table:
    rows = data.official_figures(operation=operation, aor=aor, state=state)
    out = [{"figure": r["figure_id"], "what": category_label(f, "metric", r["metric_code"]),
            "where": r["geography_text"], "from": r["period_start_date"], "to": r["period_end_date"],
            "value": r["figure_value"], "publisher": r["publisher_name"],
            "source": {"text": category_label(f, "citation_kind", r["citation_kind"]), "href": r["source_url"]}}
           for r in rows]
    src = registry_source(data, f, {r["source_id"] for r in rows})
    return Table("figures", f.gettext("Official figures"), [
        Column("what", f.gettext("What")), Column("where", f.gettext("Where"), "english"),
        Column("from", f.gettext("From"), "date"), Column("to", f.gettext("To"), "date"),
        Column("value", f.gettext("Figure"), "number"), Column("publisher", f.gettext("Published by"), lang="en"),
        Column("source", f.gettext("Source"), "url")], out, **src,
        params={"operation": operation, "aor": aor, "state": state},
        empty=f.gettext("No official figures are registered for this place."))


def operation_areas(data: WebData, f: Formatter, *, slug: str) -> Table:
    """Announced count per place against the arrests in ICE's records for that AOR in the window, and on
    the same weekdays of the weeks before (their mean; a dash when one of those weeks is withheld)."""
    window = {r["aor_code"]: r for r in data.operation_windows(slug) if r["week_offset"] == 0}
    before = {a["aor_code"]: a["baseline_mean"] for a in data.operation_window(slug).get("areas", [])}
    names = data.place_names("aor")
    out = []
    for p in data.operation_places(slug):
        w = window.get(p["aor_code"])
        out.append({"place": p["place_text"], "aor": {"text": names.get(p["aor_code"], p["aor_code"] or ""),
                                                      "href": f"/area/aor/{p['aor_code']}" if p["aor_code"] else None},
                    "announced": p["announced_count"],
                    "records": {"value": w["cell_count"], "withheld": w["is_withheld"]} if w else None,
                    "before": before.get(p["aor_code"]),
                    "source": {"text": f.gettext("source"), "href": p["source_url"]}})
    src, _ = records_source(data, f, release_ids=data.window_releases(slug))
    return Table("operation-areas", f.gettext("Announced arrests against the records, by area"), [
        Column("place", f.gettext("Place as announced"), "english"), Column("aor", f.gettext("ICE field office (AOR)"), "link"),
        Column("announced", f.gettext("Announced"), "number"), Column("records", f.gettext("In the records, same days"), "count"),
        Column("before", f.gettext("Same weekdays, mean of the weeks before"), "number"),
        Column("source", f.gettext("Source"), "url")], out, src, "/data#releases", origin_of(list(window.values())),
        params={"slug": slug},
        note=f.gettext("Records are arrests in the area's whole AOR on the operation's days, any operation; a dash "
                       "means the window could not be computed for this place."))

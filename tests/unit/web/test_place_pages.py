"""Place pages say only what is true of the place, and any place can be found in one step.

Over HTTP against the real app and the session's publication; expected values are read from the
publication itself (its registries), never from the page code."""

from __future__ import annotations

import html
import json
import re


def text(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return r.text


def section(page: str, element_id: str) -> str:
    """The element with that id, to its closing tag (its kind of element is not nested in itself here)."""
    m = re.search(rf'<(\w+)[^>]*\bid="{element_id}".*?</\1>', page, re.S)
    assert m, element_id
    return m.group(0)


def plain(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped and spaces collapsed."""
    spaced = re.sub(r"</?(?:p|li|ul|dd|dt|dl|details|summary|form|section|h2)\b[^>]*>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", spaced))).strip()


def answers(page: str) -> dict:
    """The status codes a place page carries: its day and the three answers (data attributes)."""
    glance = section(page, "glance")
    return {"on": re.search(r'data-on="([^"]*)"', glance).group(1),
            **{part: re.search(rf'id="glance-{el}" data-answer="([^"]*)"', glance).group(1) or None
               for part, el in (("detainers", "policy"), ("g287", "287g"), ("designations", "lists"))}}


LATEST_LISTS = "ICE's 287(g) lists held here: 24, from Jan 13, 2021 to Jul 18, 2025."
DESIGNATION_LISTS = ("Justice Department Publishes List of Sanctuary Jurisdictions (DOJ, Aug 5, 2025)",
                     "Sanctuary Jurisdictions Defying Federal Immigration Law (DHS, May 29, 2025; withdrawn in June 2025, "
                     "day not established)", "Operation Safe City (ICE press release of 2017-09-28) (ICE, Sep 28, 2017)")


def test_harris_county_shows_texas_law_as_the_states_and_no_other_countys_policy(client):
    harris = text(client, "/area/county/48201?on=2025-06-01")  # Harris County, TX: no policy of its own registered
    assert answers(harris) == {"on": "2025-06-01", "detainers": "must_honour_detainers", "g287": "no",
                               "designations": "not_listed"}
    assert "Travis County" not in harris and "court order" not in harris
    policy = plain(section(harris, "glance-policy"))
    assert policy.startswith("Required by state law to honour ICE detainers")
    assert ("State law requiring cooperation with ICE: Texas (the state), Senate Bill 4, 85th Legislature (2017): "
            "Local law enforcement must honour ICE detainers") in policy
    assert "(since Sep 1, 2017; says State of Texas (the statute))" in policy and "Harris County" not in policy
    g287 = plain(section(harris, "glance-287g"))  # no Harris County agency on ICE's lists (2021-2025); the state's are labelled
    assert g287.startswith("No agency here is on ICE's 287(g) list: ICE's list of May 29, 2025, the latest on or before "
                           "Jun 1, 2025.")
    assert ("State agencies with agreements statewide (not counted as this county's): Texas National Guard (TFM, task "
            "force): on ICE's lists from May 16, 2025 to Jul 18, 2025 (18 lists); says ICE") in g287
    assert LATEST_LISTS in g287
    lists = plain(section(harris, "glance-lists"))
    assert lists.startswith("On no government list held here") and all(x in lists for x in DESIGNATION_LISTS[1:])
    assert "Justice Department" not in lists  # published on 2025-08-05, after the day asked
    travis = text(client, "/area/county/48453?on=2025-06-01")  # Travis County, TX: its sheriff's two routes
    assert answers(travis)["detainers"] == "limits_detainers"
    policy = plain(section(travis, "glance-policy"))
    assert "Holds only with a judicial warrant or court order: Travis County, Travis County Sheriff" in policy
    assert "Willing to accept requests accompanied by a court order (since January 2017;" in policy
    assert "Texas (the state), Senate Bill 4" in policy
    assert "iceledger does not decide which one applies" in policy  # the state's mandate and the county's limits, both shown
    assert 'id="glance-conflict"' not in harris
    johnson = text(client, "/area/county/19103")  # Johnson County, IA, home of Iowa City
    assert "Iowa City (a city in this place)" in section(johnson, "glance-policy")


def test_a_california_county_shows_the_california_values_act_as_the_states(client):
    la = text(client, "/area/county/06037?on=2025-06-01")
    assert answers(la)["detainers"] == "limits_detainers"
    policy = plain(section(la, "glance-policy"))
    assert ("State law limiting cooperation with ICE: California (the state), Senate Bill 54 of 2017, the California "
            "Values Act (Government Code sections 7284 to 7284.12)") in policy
    assert "(since Jan 1, 2018; says State of California (the statute))" in policy
    assert "the TRUST Act" in policy and "(since Jan 1, 2014;" in policy
    before = text(client, "/area/county/06037?on=2013-06-01")  # before the TRUST Act took effect
    assert answers(before)["detainers"] == "no_recorded_policy"
    assert "In effect on other days" in section(before, "glance-policy")


def test_a_county_with_nothing_recorded_says_so_and_names_what_was_searched(client):
    page = text(client, "/area/county/01001")  # Autauga County, AL: no policy, agreement or listing recorded
    assert answers(page) == {"on": "2025-08-05", "detainers": "no_recorded_policy", "g287": "no",
                             "designations": "not_listed"}
    policy = plain(section(page, "glance-policy"))
    assert policy.startswith("No recorded policy on ICE detainers")
    assert "a place without a recorded policy may still have one" in policy
    assert "Searched: iceledger's registry of local policies (50 jurisdictions), for this place, the cities in it and its state." in policy
    g287 = plain(section(page, "glance-287g"))
    assert g287.startswith("No agency here is on ICE's 287(g) list: ICE's list of Jul 18, 2025") and LATEST_LISTS in g287
    lists = plain(section(page, "glance-lists"))
    assert "4 lists held here were published by Aug 5, 2025:" in lists and all(x in lists for x in DESIGNATION_LISTS)
    assert "Weekly Declined Detainer Outcome Report (January 28 to February 3 2017)" in lists


def test_a_countys_own_287g_agreements_with_their_dates(client):
    harrison = text(client, "/area/county/48203")  # Harrison County, TX: its sheriff on ICE's lists since May 2025
    assert answers(harrison)["g287"] == "yes"
    assert ("Harrison County Sheriff's Office (WSO, warrant service officer): on ICE's lists from May 16, 2025 to "
            "Jul 18, 2025 (18 lists); says ICE") in plain(section(harrison, "glance-287g"))
    assert answers(text(client, "/area/county/48203?on=2025-01-10"))["g287"] == "no"  # before it was listed
    cobb = text(client, "/area/county/13067")  # Cobb County, GA: listed in January 2021 only
    g287 = plain(section(cobb, "glance-287g"))
    assert answers(cobb)["g287"] == "no"
    assert "Earlier: Cobb County Sheriff's Office (JEM, jail enforcement): on ICE's list of Jan 13, 2021 only; says ICE" in g287
    assert answers(text(client, "/area/county/13067?on=2021-02-01"))["g287"] == "yes"
    assert answers(text(client, "/area/county/13067?on=2020-12-31"))["g287"] == "unknown"  # before the first list held


def test_government_lists_name_the_place_or_its_state(client):
    cook = text(client, "/area/county/17031")
    assert answers(cook)["designations"] == "listed"
    assert ("Justice Department Publishes List of Sanctuary Jurisdictions (DOJ, Aug 5, 2025, source): Cook County, IL; "
            "Illinois (the state); Chicago, IL (a city in this place).") in plain(section(cook, "glance-lists"))
    la_county = plain(section(text(client, "/area/county/06037"), "glance-lists"))  # DOJ lists California and the city
    assert "(DOJ, Aug 5, 2025, source): California (the state); Los Angeles, CA (a city in this place)." in la_county
    assert ("(DHS, May 29, 2025; withdrawn in June 2025, day not established, source): Los Angeles County; California "
            "(the state); Baldwin Park (a city in this place);") in la_county
    assert "; and 1 more." in la_county  # DHS named ten cities of the county, and the county and its state
    assert 'id="glance-one-time"' not in text(client, "/area/county/06037")
    travis = text(client, "/area/county/48453")  # named only in ICE's weekly report of March 2017
    assert answers(travis)["designations"] == "listed"
    lists = plain(section(travis, "glance-lists"))
    assert "Named only in one-time publications (a weekly report, a press release) as of their dates" in lists
    assert "(ICE, Mar 20, 2017; a one-time publication, not a standing list, source): Travis County, Texas (San Antonio)." in lists


def test_states_and_aors_answer_for_themselves_and_count_their_counties(client):
    tx = text(client, "/area/state/TX?on=2025-06-01")
    assert answers(tx) == {"on": "2025-06-01", "detainers": "must_honour_detainers", "g287": "yes",
                           "designations": "not_listed"}
    policy = plain(section(tx, "glance-policy"))
    assert policy.startswith("The state itself: Required by state law to honour ICE detainers")
    assert "Its 254 counties on Jun 1, 2025: 253 Required by state law to honour ICE detainers 1 Limits ICE detainers" in policy
    assert "Local policies in effect: Holds only with a judicial warrant or court order: Travis County (a county in this place)" in policy
    ca = text(client, "/area/state/CA?on=2025-06-01")
    assert answers(ca)["detainers"] == "limits_detainers" and answers(ca)["designations"] == "listed"
    lists = plain(section(ca, "glance-lists"))  # the state named once per list, not twice
    assert lists.startswith("The state itself: On a government list Sanctuary Jurisdictions Defying Federal Immigration "
                            "Law (DHS, May 29, 2025; withdrawn in June 2025, day not established, source): California.")
    hou = text(client, "/area/aor/HOU?on=2025-06-01")  # an AOR has no laws of its own and no list names one
    assert answers(hou) == {"on": "2025-06-01", "detainers": None, "g287": "yes", "designations": None}
    assert "At a glance: the counties of ICE's Houston area" in plain(section(hou, "glance"))  # not the city of Houston
    assert "Its 57 counties on Jun 1, 2025: 57 Required by state law to honour ICE detainers" in plain(section(hou, "glance-policy"))


def test_the_as_of_picker_is_a_plain_form_that_keeps_its_day(client):
    page = text(client, "/area/county/48453?on=2016-06-01&fy=2019")
    form = re.search(r'<form class="filters asof"[^>]*>.*?</form>', page, re.S).group(0)
    assert 'method="get"' in form and 'name="on" value="2016-06-01"' in form and 'name="fy" value="2019"' in form
    assert answers(page)["detainers"] == "no_recorded_policy"  # Travis's policy is known from January 2017
    assert "The status on June 1, 2016." in plain(section(page, "glance-day"))
    es = text(client, "/area/county/48453?on=2016-06-01&lang=es")
    form = re.search(r'<form class="filters asof"[^>]*>.*?</form>', es, re.S).group(0)
    assert 'name="lang" value="es"' in form and 'value="2016-06-01"' in form
    hou = text(client, "/area/aor/HOU?on=2016-06-01&lang=es")  # the fiscal-year picker keeps the day too
    assert 'name="on" value="2016-06-01"' in re.search(r'<form class="filters" method="get">.*?</form>', hou, re.S).group(0)
    assert answers(text(client, "/area/county/48453?on=June+2016"))["on"] == "2025-08-05"  # not a day: the latest


def test_spanish_at_a_glance_is_wholly_spanish(client):
    """No interface text of the catalogue is left in English in the Spanish panel; only sources' own words (marked
    lang="en") are."""
    from babel.messages.pofile import read_po

    from iceledger.web.i18n import TRANSLATIONS

    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        english = {piece.strip() for m in read_po(fh) if m.id for msgid in ([m.id] if isinstance(m.id, str) else m.id)
                   for piece in re.split(r"%\(\w+\)s", msgid) if len(piece.strip()) >= 10}
    for path in ("/area/county/48201", "/area/county/06037", "/area/county/01001", "/area/county/13067",
                 "/area/county/48453?on=2016-06-01", "/area/state/TX", "/area/aor/HOU"):
        page = text(client, path + ("&" if "?" in path else "?") + "lang=es")
        words = plain(re.sub(r'<span lang="en">.*?</span>', "", section(page, "glance"), flags=re.S))
        left = sorted(e for e in english if e in words)
        assert left == [], (path, left)
    harris = plain(section(text(client, "/area/county/48201?lang=es&on=2025-06-01"), "glance"))
    assert "Obligado por ley estatal a atender las órdenes de retención de ICE" in harris
    assert "Texas (el estado)" in harris and "Ninguna agencia de aquí está en la lista 287(g) de ICE" in harris


def test_states_and_aors_link_every_county(client, public_db):
    counties = public_db.execute("SELECT count(*) FROM ref_counties JOIN ref_states USING (state_fips) "
                                 "WHERE state_code = 'TX' AND valid_to IS NULL").fetchone()[0]
    assert counties == 254
    tx = text(client, "/area/state/TX")
    assert len(set(re.findall(r'href="/area/county/(48\d{3})"', tx))) == counties
    chi = public_db.execute("SELECT count(*) FROM ref_county_aor WHERE is_current AND aor_code = 'CHI'").fetchone()[0]
    assert len(set(re.findall(r'href="/area/county/(\d{5})"', text(client, "/area/aor/CHI")))) == chi


def test_search_finds_a_place_in_one_step(client):
    for q, where in (("dona ana", "/area/county/35013"), ("DOÑA ANA COUNTY", "/area/county/35013"),
                     ("Nuevo México", "/area/state/NM"), ("texas", "/area/state/TX"), ("chicago field office", "/area/aor/CHI")):
        r = client.get("/search", params={"q": q}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == where, (q, r.status_code, r.headers.get("location"))
    es = client.get("/search", params={"q": "nueva york", "lang": "es"}, follow_redirects=False)
    assert es.headers["location"] == "/area/state/NY?lang=es"
    harris = text(client, "/search?q=harris")  # two Harris Counties (TX, GA): the page lists them
    assert 'href="/area/county/48201"' in harris and 'href="/area/county/13145"' in harris
    assert 'href="/area/county/48201"' in text(client, "/search?q=harris+tx").split('id="search-results"')[1][:400]
    for path in ("/", "/areas", "/claims", "/facility/ABQHOLD", "/data"):
        assert 'action="/search"' in text(client, path)


def test_map_shapes_link_to_their_pages_and_the_legend_explains_grey(client):
    spec = json.loads(html.unescape(re.search(r'data-spec="([^"]*)"', text(client, "/map?level=aor")).group(1)))
    painted = [layer for layer in spec["layer"] if "href" in layer.get("encoding", {})]
    assert painted and all(layer["encoding"]["href"] == {"field": "url"} for layer in painted)
    assert spec["datasets"]["areas"][0]["url"].startswith("/area/aor/")
    legend = [layer["encoding"]["color"]["scale"]["domain"] for layer in spec["layer"]
              if "datum" in layer.get("encoding", {}).get("color", {})]
    assert ["fewer than 11 or withheld", "no published count"] in legend

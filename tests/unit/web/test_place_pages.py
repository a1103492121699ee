"""Place pages say only what is true of the place, and any place can be found in one step.

Over HTTP against the real app and the session's publication; expected values are read from the
publication itself (its registries), never from the page code."""

from __future__ import annotations

import html
import json
import re

from markupsafe import escape

from iceledger.web.i18n import Formatter


def text(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return r.text


def section(page: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}".*?</(?:dd|section|p|ul)>', page, re.S)
    assert m, element_id
    return m.group(0)


def test_a_county_never_shows_another_countys_policy(client, public_db):
    harris = text(client, "/area/county/48201")  # Harris County, TX: no policy of its own registered
    assert "Travis County" not in harris and "court order" not in harris
    texas = public_db.execute("SELECT count(*) FROM ref_policies JOIN ref_jurisdictions USING (jurisdiction_id) "
                              "WHERE jurisdiction_id = 'tx'").fetchone()[0]
    glance = section(harris, "glance-policy")
    assert ("The state&#39;s policy (Texas)" in glance) == bool(texas)  # the state's law, labelled as the state's
    assert ("No recorded policy" in glance) == (not texas)
    assert "Harris County" not in glance
    travis = text(client, "/area/county/48453")  # Travis County, TX: its sheriff's two routes
    assert "Holds only with a judicial warrant or court order" in section(travis, "glance-policy")
    assert "Willing to accept requests accompanied by a court order" in travis
    johnson = text(client, "/area/county/19103")  # Johnson County, IA, home of Iowa City
    assert "Iowa City (a city in this place)" in section(johnson, "glance-policy")


def test_287g_says_which_lists_were_searched_and_when(client, public_db):
    n, first, last = public_db.execute("SELECT count(DISTINCT g287_snapshot_id), min(g287_snapshot_date), "
                                       "max(g287_snapshot_date) FROM ref_287g_snapshots").fetchone()
    f = Formatter("en")
    harris = section(text(client, "/area/county/48201"), "glance-287g")
    assert f"{n} lists searched, from {f.date(first)} to {f.date(last)}" in harris
    es = text(client, "/area/county/48201?lang=es")  # it once gave its source as "ninguna" (none)
    assert "ninguna</a>" not in es and f"{n} listas consultadas" in section(es, "glance-287g")
    fips, agency = public_db.execute("SELECT agency_county_fips, agency_name FROM ref_287g_agreements WHERE "
                                     "agency_county_fips IS NOT NULL ORDER BY agency_county_fips LIMIT 1").fetchone()
    county = text(client, f"/area/county/{fips}")
    assert str(escape(agency)) in county and "appears on ICE" in section(county, "glance-287g")


def test_government_lists_name_the_place_or_its_state(client, public_db):
    cook = section(text(client, "/area/county/17031"), "glance-lists")
    assert "Justice Department Publishes List of Sanctuary Jurisdictions" in cook
    la_county = section(text(client, "/area/county/06037"), "glance-lists")  # California is on the list; LA County is not
    assert "names California" in la_county and "(the state)" in la_county
    lists = public_db.execute("SELECT count(*) FROM ref_designation_lists").fetchone()[0]
    harris = section(text(client, "/area/county/48201"), "glance-lists")
    assert f"Not named on any of the {lists} lists searched" in harris


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

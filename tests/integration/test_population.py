"""Resident population added with `iceledger population add`, loaded again by `iceledger build`, and
used for rates: UWCHR's per-AOR population estimates (test-only real figures) in iceledger's layout,
and a file in the Census Bureau's county-estimates layout whose figures are made up for the test."""

from __future__ import annotations

import csv
import json

import pytest
from tests.conftest import copy_home
from tests.integration.lesa_helpers import query
from tests.integration.measures_ledger import HandLedger
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.errors import InputError
from iceledger.measures import MeasureSpec, measure
from iceledger.pipeline.population_add import add_population
from iceledger.sources.geography.bundled_geo import geography
from iceledger.sources.population import read_population_file

SOURCE = dict(title="test", origin="test", licence="test")


def census_layout(path, years=(2021, 2022), per_county=1000):
    """Every county of the county registry valid today and every state, Census-style (made-up counts)."""
    geo = geography()
    counties = [c for c in geo.counties.values() if c.is_valid_on(None)]
    with path.open("w", newline="", encoding="latin-1") as fh:
        w = csv.writer(fh)
        w.writerow(["SUMLEV", "REGION", "DIVISION", "STATE", "COUNTY", "STNAME", "CTYNAME", "ESTIMATESBASE2020",
                    *[f"POPESTIMATE{y}" for y in years], "NPOPCHG2021"])
        for s in sorted(geo.states.values(), key=lambda s: s.fips):
            mine = [c for c in counties if c.state_fips == s.fips]
            if s.kind not in ("state", "district"):
                continue
            w.writerow(["040", "1", "1", s.fips, "000", s.name, s.name, "0", *[per_county * len(mine)] * len(years), "0"])
            for c in mine:
                w.writerow(["050", "1", "1", s.fips, c.fips[2:], s.name, c.full_name, "0", *[per_county] * len(years), "0"])
    return counties


def test_census_layout_gives_states_counties_and_sums(tmp_path):
    path = tmp_path / "co-est-test-alldata.csv"
    counties = census_layout(path)
    rows, findings = read_population_file(path)
    got = {(r.level, r.code, r.year): r for r in rows}
    assert got[("county", "48201", 2022)].population == 1000 and got[("county", "48201", 2022)].basis == "given"
    tx = sum(1 for c in counties if c.state_fips == "48")
    assert got[("state", "TX", 2021)].population == 1000 * tx
    geo = geography()
    den = [r.county_fips for r in geo.county_aor if r.is_current and r.aor_code == "DEN"]
    assert got[("aor", "DEN", 2022)].population == 1000 * len(den) and got[("aor", "DEN", 2022)].basis == "summed"
    states = [s for s in geo.states.values() if s.kind in ("state", "district")]
    assert len(states) == 51
    assert got[("nation", "US", 2021)].population == 1000 * sum(1 for c in counties if c.state_fips in {s.fips for s in states})
    # Puerto Rico is not in the Census layout, so Miami's AOR (which has it) is not summed, and says so
    assert ("aor", "MIA", 2021) not in got
    incomplete = next(f for f in findings if f.code == "population_aor_incomplete")
    assert "MIA" in incomplete.detail["aors"]


@pytest.fixture(scope="module")
def uwchr_csv(testonly, tmp_path_factory):
    """UWCHR's AOR population estimates (real, test-only) written in iceledger's population layout."""
    out = tmp_path_factory.mktemp("pop") / "uwchr-aor-population.csv"
    with (testonly / "uwchr-aor_demog_indicators.psv").open() as fh, out.open("w", newline="") as dst:
        w = csv.writer(dst)
        w.writerow(["place_level", "place_code", "year", "population"])
        for r in csv.DictReader(fh, delimiter="|"):
            w.writerow(["aor", r["aor"], r["year"], r["total_pop"]])
    return out


def test_added_population_gives_rates_and_survives_a_build(tmp_path, registry_build, uwchr_csv):
    from iceledger.pipeline.build import build

    settings = copy_home(registry_build[0], tmp_path / "home")
    L = HandLedger(settings.ledger_path).release("test-rates", era="L1")
    L.add("core_arrests", "test-rates", [dict(apprehension_datetime=f"2019-0{m}-10 10:00:00", apprehension_aor="SEA",
                                              person_id=f"p{m}", apprehension_method="Located") for m in range(1, 6)])
    L.close()
    src, rows, _ = add_population(settings, uwchr_csv, source_id="uwchr-aor-population", **SOURCE)
    assert len(rows) == 192 and src.sha256
    seattle_2019 = next(r.population for r in rows if r.code == "SEA" and r.year == 2019)
    r = measure(MeasureSpec(count="arrests", by="aor_code", rate=True, date_from="2019-01-01", date_to="2019-12-31"),
                home=settings.home)
    sea = next(x for x in r.rows if x["aor_code"] == "SEA")
    assert sea["n"] == 5 and sea["population"] == seattle_2019 and sea["population_year"] == 2019
    assert sea["rate_per_100k"] == round(5 * 100_000 / seattle_2019, 2)
    assert sea["population_source"] == "uwchr-aor-population"
    build(settings)  # the stored file is loaded again; its source is cited like every registry row
    assert query(settings, "SELECT count(*) FROM ref_population WHERE source_id = 'uwchr-aor-population'")[0][0] == 192
    assert query(settings, "SELECT source_kind FROM ref_sources WHERE source_id = 'uwchr-aor-population'") == [("population",)]


def test_bad_population_files_are_refused_and_change_nothing(tmp_path, registry_build):
    settings = copy_home(registry_build[0], tmp_path / "home")
    before = settings.ledger_path.read_bytes()
    cases = {
        "bad_population": "place_level,place_code,year,population\nstate,TX,2020,29145505\nstate,CA,2020,about 39 million\n",
        "bad_place_code": "place_level,place_code,year,population\nstate,Texas,2020,29145505\n",
        "bad_place_level": "place_level,place_code,year,population\ncity,Houston,2020,2304580\n",
        "duplicate_row": "place_level,place_code,year,population\naor,SEA,2019,1\naor,sea,2019,2\n",
        "unknown_layout": "name,pop\nTexas,29145505\n",
    }
    for code, text in cases.items():
        path = tmp_path / f"{code}.csv"
        path.write_text(text)
        with pytest.raises(InputError) as exc:
            add_population(settings, path, source_id="bad", **SOURCE)
        assert exc.value.code == code, (code, exc.value.message)
        assert exc.value.location.file == path.name
    assert exc.value.location.row == 1
    assert settings.ledger_path.read_bytes() == before
    assert not (settings.home / "population" / "bad").exists()


def test_cli_add_and_list(tmp_path, registry_build):
    settings = copy_home(registry_build[0], tmp_path / "home")
    path = tmp_path / "pop.csv"
    path.write_text("place_level,place_code,year,population\nnation,US,2020,1000\nstate,WA,2020,100\n")
    runner = CliRunner()
    out = runner.invoke(app, ["population", "add", str(path), "--source-id", "test-pop", "--title", "t", "--origin", "o",
                              "--licence", "l", "--retrieved", "2026-11-28", "--home", str(settings.home), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["data"]["by_level"] == {"nation (given)": 1, "state (given)": 1}
    out = runner.invoke(app, ["population", "list", "--home", str(settings.home), "--json"])
    assert [(r["level"], r["places"]) for r in json.loads(out.output)["data"]] == [("nation", 1), ("state", 1)]

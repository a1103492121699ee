"""Layouts are data: every edition's layout loads, names declared columns, and a broken layout says where."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from iceledger.errors import BuildError
from iceledger.metadata import code_list, table
from iceledger.sources.detention_stats.layout import (
    DIMENSIONS,
    LAYOUT_DIR,
    canonical,
    dimension_column,
    load_layout,
    load_layouts,
)


def test_one_layout_per_bundled_edition():
    layouts = load_layouts()
    assert [(lay.fiscal_year, lay.edition, len(lay.blocks)) for lay in layouts] == [
        (2019, "FY19", 14), (2020, "EOFY2020", 16), (2021, "FY21 YTD", 16)]
    assert [lay.is_year_to_date for lay in layouts] == [False, False, True]


def test_every_dimension_has_a_declared_column():
    columns = table("ref_detstats_values").columns
    for dim in DIMENSIONS:
        assert dimension_column(dim) in columns, dim
    assert "aor_code" in columns and "detstats_month_date" in columns


def test_blocks_use_known_measures_and_declared_attributes():
    measures = set(code_list("detstats_measure").values)
    for lay in load_layouts():
        for block in lay.blocks:
            assert set(block.measures()) <= measures, (lay.path, block.code)
            for col in block.columns:
                if col.attribute:
                    assert col.attribute in table("ref_detstats_facilities").columns


def test_label_map_canonicalises_ice_variants():
    assert canonical("agency", "ICE Average  ") == "ICE"
    assert canonical("agency", "Average ") == "Total"
    assert canonical("release_reason", "Order of supervision") == "Order of Supervision"
    assert canonical("month", "FY Overall") == "Total"
    assert canonical("month", "Oct") == "10"
    assert canonical("criminality", "Convicted Criminal") == "Convicted Criminal"


def test_release_reason_hierarchy_is_declared():
    parents = load_layouts()[0].block("releases_by_reason_criminality").parents()["release_reason"]
    assert parents["Bond Set by ICE"] == parents["Bond Set by IJ"] == "Bonded Out"
    assert parents["Bonded Out"] == parents["Paroled"] == "Total"
    assert parents["Total"] is None
    removals = load_layouts()[0].block("removals").parents()["facility_type"]
    assert removals == {"Total": None, "FRC": None}  # removals with an FRC detention are a subset, not a part


def _broken(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load((LAYOUT_DIR / "fy2019.yaml").read_text())
    edit(raw)
    path = tmp_path / "fy2019.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.mark.parametrize("edit, words", [
    (lambda r: r["blocks"][0].update(colour="red"), "unknown keys ['colour']"),
    (lambda r: r["blocks"][0].update(measure=None, columns=[{"label": "FRC"}]), "has no measure"),
    (lambda r: r["blocks"][1]["columns"][1].update(measure="arrests"), "unknown measure 'arrests'"),
    (lambda r: r["blocks"][0]["rows"].update(dimension="county"), "unknown dimension 'county'"),
    (lambda r: r["blocks"][0].update(sheet="summary"), "sheet 'summary' is not listed"),
    (lambda r: r["cross_checks"][0]["cells"][0].update(block="no_such_block"), "no block 'no_such_block'"),
])
def test_a_broken_layout_names_the_file_and_the_block(tmp_path, edit, words):
    with pytest.raises(BuildError) as err:
        load_layout(_broken(tmp_path, edit))
    assert words in str(err.value)
    assert err.value.location.file == "fy2019.yaml"

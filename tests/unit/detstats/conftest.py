"""The three bundled workbooks, read once per test session (they ship in data/official/)."""

from __future__ import annotations

import pytest

from iceledger.sources.detention_stats.layout import load_layouts
from iceledger.sources.detention_stats.load import read_workbook


@pytest.fixture(scope="session")
def workbooks():
    """Fiscal year → Workbook (layout, extracted blocks, findings, check counts)."""
    return {lay.fiscal_year: read_workbook(lay) for lay in load_layouts()}


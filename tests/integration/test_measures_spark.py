"""The same measures on Spark (local mode, over a Parquet export) return what DuckDB returns.

Needs pyspark and Java 17 or 21. Outside CI the tests skip with the reason when either is missing;
in CI (ICELEDGER_CI=1) a missing one is a failure.
"""

from __future__ import annotations

import os

import pytest
from measures_ledger import add_test_registries, enforcement_ledger

from iceledger.errors import BuildError
from iceledger.measures import (
    FunnelSpec,
    MeasureSpec,
    PopulationSpec,
    WindowSpec,
    detention_population,
    funnel,
    measure,
    operation_window,
)
from iceledger.measures.engine import open_engine
from iceledger.measures.spark import find_java_home
from iceledger.settings import load_settings

pytestmark = pytest.mark.spark
IN_CI = os.environ.get("ICELEDGER_CI") == "1"

CASES = [
    ("arrests by month, AOR, method group", measure, MeasureSpec(count="arrests", by="month,aor_code,method_group")),
    ("arrests by week, with duplicates", measure, MeasureSpec(count="arrests", by="week", count_duplicates=True, namespace="L2")),
    ("people by fiscal year", measure, MeasureSpec(count="arrests", unit="people", namespace="L2", by="fy")),
    ("share by criminality", measure, MeasureSpec(count="arrests", by="aor_code,criminality", share=True)),
    ("year earlier by month", measure, MeasureSpec(count="arrests", by="month", compare="year_earlier")),
    ("before and after", measure, MeasureSpec(count="arrests", by="aor_code", compare="before_after", compare_date="2025-01-20",
                                              date_from="2024-10-01", date_to="2025-01-31")),
    ("synthetic included", measure, MeasureSpec(count="arrests", by="release_id", synthetic="include")),
    ("stays by facility", measure, MeasureSpec(count="stays", by="facility")),
    ("detainers by county (registry)", measure, MeasureSpec(count="detainers", by="county,lift_reason")),
    ("policy period", measure, MeasureSpec(count="arrests", by="policy_period", policy="test-state")),
    ("rates", measure, MeasureSpec(count="arrests", by="aor_code", rate=True, date_from="2024-10-01", date_to="2025-09-30")),
    ("funnel by AOR", funnel, FunnelSpec(by="aor_code", within_days=30)),
    ("funnel by facility and month", funnel, FunnelSpec(by="facility,month", within_days=60)),
    ("detention population", detention_population, PopulationSpec(by="month", date_from="2025-01-01", date_to="2025-02-28")),
    ("operation window", operation_window, WindowSpec(date_from="2025-01-19", date_to="2025-01-21", weeks=2)),
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    try:
        import pyspark  # noqa: F401

        find_java_home()
    except (ImportError, BuildError) as exc:
        if IN_CI:
            pytest.fail(f"the Spark tests must run in CI: {exc}")
        pytest.skip(f"Spark unavailable here: {exc}")
    settings = load_settings(tmp_path_factory.mktemp("spark") / "home").ensure()
    enforcement_ledger(settings.ledger_path)
    add_test_registries(settings.ledger_path)
    duck = open_engine(settings, "duckdb")
    spark = open_engine(settings, "spark")
    yield duck, spark
    duck.close()


@pytest.mark.parametrize("name,fn,spec", CASES, ids=[c[0] for c in CASES])
def test_spark_returns_what_duckdb_returns(engines, name, fn, spec):
    duck, spark = engines
    a, b = fn(spec, engine=duck), fn(spec, engine=spark)
    assert b.provenance["engine"] == "spark" and a.provenance["engine"] == "duckdb"
    assert a.rows, name
    assert b.columns == a.columns
    assert b.rows == a.rows
    assert b.provenance["quality"] == a.provenance["quality"]
    assert b.provenance["releases"] == a.provenance["releases"]
    assert "`" in b.provenance["sql"][0]["sql"]  # Spark SQL, not DuckDB's


def test_parquet_export_is_reused(engines, tmp_path):
    duck, spark = engines
    assert spark.where.startswith("the Parquet export at")
    assert {"core_arrests", "releases", "ref_facilities", "ingest_run_tables"} <= spark.tables

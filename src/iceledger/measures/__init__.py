"""Measures: counts, shares, changes, rates, the detainer funnel, detention population and length
of stay, operation windows, and two releases side by side (compare.py), as Ibis expressions over the
canonical tables that run on DuckDB (default) or Spark. Every result carries its provenance.

    from iceledger.measures import measure, MeasureSpec
    measure(MeasureSpec(count="arrests", by=["month", "aor_code"]), home="var")
"""

from iceledger.measures.compare import CompareSpec, compare_releases
from iceledger.measures.count import measure
from iceledger.measures.detention import detention_population
from iceledger.measures.engine import Engine, open_engine
from iceledger.measures.export import export_parquet
from iceledger.measures.funnel import funnel
from iceledger.measures.ref_tables import NotAvailable
from iceledger.measures.result import MeasureResult
from iceledger.measures.spec import FunnelSpec, LedgerQuery, MeasureSpec, PopulationSpec, WindowSpec
from iceledger.measures.window import operation_window

__all__ = [
    "CompareSpec", "Engine", "FunnelSpec", "LedgerQuery", "MeasureResult", "MeasureSpec", "NotAvailable", "PopulationSpec",
    "WindowSpec", "compare_releases", "detention_population", "export_parquet", "funnel", "measure", "open_engine",
    "operation_window",
]

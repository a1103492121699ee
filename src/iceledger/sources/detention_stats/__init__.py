"""ICE's published detention statistics workbooks (FY19, EOFY2020, FY21 YTD).

layout.py reads the per-edition layouts (layouts/fy*.yaml) and the label map (labels.csv);
extract.py finds and reads each block; consistency.py compares ICE's figures with each other;
load.py is the build step `detstats`; query.py answers the CLI. See docs/detention-stats.md.
"""

"""ICE ERO-LESA workbooks, CSV exports and the Deportation Data Project's cleaned files."""

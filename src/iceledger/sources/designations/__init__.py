"""Government designations of jurisdictions read from their published lists (DHS 2025)."""

"""Source families: one module per family; spreadsheet shapes and column maps live beside them as data."""

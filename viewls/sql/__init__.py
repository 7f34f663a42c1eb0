"""The SQL layer: DataFusion dialect, tolerant parsing, lineage and canonical form."""

"""Materialization: selected views built into Parquet through the one session factory."""

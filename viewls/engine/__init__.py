"""The one DataFusion pipeline: session factory, function registry, planning."""

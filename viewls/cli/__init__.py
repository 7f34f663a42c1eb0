"""The headless command line: check, schema, graph, udfs."""

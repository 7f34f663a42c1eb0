"""Schema derivation: plan (never execute) view SQL against schema-only tables.

The planner owns one session whose tables are empty and carry just the schemas of
extracts and already-derived views, so planning a view costs the same whether its
inputs hold a kilobyte or a terabyte.
"""

from __future__ import annotations

import pyarrow as pa

from viewls.engine.session import create_session, sql_options


def quote(name: str) -> str:
    """A table name exactly as given: DataFusion would otherwise lowercase or split it."""
    return '"' + name.replace('"', '""') + '"'


class PlanError(Exception):
    """DataFusion refused to plan; the message is DataFusion's own."""


class Planner:
    def __init__(self) -> None:
        self._ctx = create_session()
        self._options = sql_options()
        self._tables: dict[str, pa.Schema] = {}

    def set_table(self, name: str, schema: pa.Schema) -> None:
        """Make ``name`` resolve to an empty table with ``schema``."""
        if self._tables.get(name) == schema:
            return
        if name in self._tables:
            self._ctx.deregister_table(quote(name))
        # An empty in-memory table; from_arrow registers it at half the cost of a batch list.
        self._ctx.from_arrow(pa.Table.from_batches([], schema=schema), quote(name))
        self._tables[name] = schema

    def drop_table(self, name: str) -> None:
        if self._tables.pop(name, None) is not None:
            self._ctx.deregister_table(quote(name))

    def plan(self, sql: str) -> pa.Schema:
        try:
            return self._ctx.sql_with_options(sql, self._options).schema()
        except Exception as failure:  # DataFusion raises plain Exceptions for every refusal
            raise PlanError(str(failure)) from None

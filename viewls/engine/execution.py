"""Sessions that run views: the session the planner uses, with real data behind the names.

Extracts are scanned from their files exactly as their schemas were read; an upstream
view is read from its materialized output when that is up to date, and otherwise
computed inline from the SQL the check proved (a DataFusion view, never written).
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path

import pyarrow as pa
from datafusion import DataFrame

from viewls.engine.planner import quote
from viewls.engine.session import create_session, sql_options
from viewls.project.extracts import ExtractInfo, scan


class ExecutionError(Exception):
    """DataFusion refused to run a view; the message is DataFusion's own."""


class ExecutionSession:
    def __init__(self) -> None:
        self._ctx = create_session()
        self._options = sql_options()

    def add_extract(self, info: ExtractInfo) -> None:
        if info.files and info.format is not None:
            frame = reduce(DataFrame.union, (scan(self._ctx, info.format, file) for file in info.files))
        else:  # no data yet: the declared columns stand in for it, with no rows
            frame = self._ctx.from_arrow(pa.Table.from_batches([], schema=info.schema))
        self._register(info.name, frame)

    def add_output(self, name: str, path: Path) -> None:
        """``name`` reads a materialized dataset."""
        self._register(name, self._ctx.read_parquet(str(path)))

    def add_computed(self, name: str, sql: str) -> None:
        """``name`` is computed from ``sql`` wherever a view reads it."""
        self._register(name, self.query(sql))

    def query(self, sql: str) -> DataFrame:
        try:
            return self._ctx.sql_with_options(sql, self._options)
        except Exception as failure:  # DataFusion raises plain Exceptions
            raise ExecutionError(str(failure)) from None

    def _register(self, name: str, frame: DataFrame) -> None:
        if self._ctx.table_exist(quote(name)):
            self._ctx.deregister_table(quote(name))
        self._ctx.register_table(quote(name), frame.into_view())

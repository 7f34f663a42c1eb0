"""Schema derivation: plan (never execute) view SQL against schema-only tables.

The planner owns one session whose tables are empty and carry just the schemas of
extracts and already-derived views, so planning a view costs the same whether its
inputs hold a kilobyte or a terabyte. Each view is planned against its inputs as tables,
never as nested views: the later stages (analyzer, optimizer, physical planner) then
cost a few times logical planning instead of growing with the depth of the DAG.
"""

from __future__ import annotations

import re

import pyarrow as pa
from datafusion import DataFrame

from viewls.engine.session import create_session, sql_options


def quote(name: str) -> str:
    """A table name exactly as given: DataFusion would otherwise lowercase or split it."""
    return '"' + name.replace('"', '""') + '"'


class PlanError(Exception):
    """DataFusion refused to plan; the message is DataFusion's own."""


class Planned:
    """A logically planned query: its schema, and what the later stages need."""

    __slots__ = ("_frame", "schema")

    def __init__(self, frame: DataFrame) -> None:
        self._frame = frame
        self.schema: pa.Schema = frame.schema()

    def same_plan(self, other: Planned) -> bool:
        """Whether both plan to the same logical plan: same names, types, nullability and
        expressions, so the same values.

        DataFusion appends the columns a sort (or unnest) needs but the query does not select
        to the projection below it in hash order, which varies from one planning to the
        next; that projection is consumed by name, so its items are compared as a set.
        """
        mine, theirs = self._frame.logical_plan(), other._frame.logical_plan()
        if mine == theirs:
            return True
        return (self.schema.equals(other.schema)
                and [f.nullable for f in self.schema] == [f.nullable for f in other.schema]
                and _by_name(mine.display_indent()) == _by_name(theirs.display_indent()))


_CONSUMED_BY_NAME = ("Sort:", "Unnest:")


_UNNEST_LISTS = re.compile(r"^(\s*Unnest: lists\[)(.*?)(\] structs\[.*)$")


def _by_name(display: str) -> list[str]:
    """A plan's lines, with the items of each projection read by name sorted, and the lists
    an unnest zips (also in hash order; each is read by name)."""
    lines = display.splitlines()
    for index in range(1, len(lines)):
        line, parent = lines[index].lstrip(), lines[index - 1].lstrip()
        if line.startswith("Projection: ") and parent.startswith(_CONSUMED_BY_NAME):
            indent = lines[index][: len(lines[index]) - len(line)]
            items = _split_items(line.removeprefix("Projection: "))
            lines[index] = indent + "Projection: " + ", ".join(sorted(items))
        elif unnest := _UNNEST_LISTS.match(lines[index]):
            lists = ", ".join(sorted(_split_items(unnest.group(2))))
            lines[index] = unnest.group(1) + lists + unnest.group(3)
    return lines


def _split_items(text: str) -> list[str]:
    """Top-level comma-separated items (commas inside brackets or quotes belong to an item)."""
    items, depth, quote, start = [], 0, None, 0
    for index, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:index].strip())
            start = index + 1
    items.append(text[start:].strip())
    return items


def _refusal(failure: Exception) -> Exception:
    """DataFusion's refusal as a PlanError; running out of this process's stack or memory
    (also when the binding reports it as a SystemError) is no verdict of DataFusion's."""
    for cause in (failure, failure.__cause__, failure.__context__):
        if isinstance(cause, RecursionError | MemoryError):
            return cause
    return PlanError(str(failure))


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

    def plan(self, sql: str) -> Planned:
        """Parse and plan ``sql`` logically (the stage that derives the schema)."""
        try:
            return Planned(self._ctx.sql_with_options(sql, self._options))
        except Exception as failure:  # DataFusion raises plain Exceptions for every refusal
            raise _refusal(failure) from None

    @staticmethod
    def complete(planned: Planned) -> None:
        """The stages a run goes through after logical planning: analyzer, optimizer and
        physical planner. Some refusals (constant folding, coercions the analyzer cannot
        make, unsupported subqueries) only surface here."""
        try:
            planned._frame.execution_plan()
        except Exception as failure:
            raise _refusal(failure) from None

    def plan_fully(self, sql: str) -> Planned:
        """Every stage a run goes through, as one step."""
        planned = self.plan(sql)
        self.complete(planned)
        return planned

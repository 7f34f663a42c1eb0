"""The fidelity guard: DataFusion plans the text as written; viewls runs its canonical SQL
only when that SQL is proven to plan to the very same logical plan.

The proof is cheapest when DataFusion's parser reads both texts to the same statement
(``ViewDefinition.canonical_as_written``, decided in the native crate): then nothing more is
planned. Otherwise the canonical SQL is planned too and the two logical plans compared.

The canonical SQL (generated from the sqlglot AST) is what fingerprints and runs are
built from, but a dialect is never finished: sqlglot may read a construct differently
from DataFusion, and generation may then drop or rename something. The logical plan of
the text as written is the arbiter. When the canonical SQL plans to anything else
(another column name, type or nullability, other expressions, or no plan at all), the
view runs as written and an information diagnostic says so: viewls never silently runs
something other than what the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from sqlglot import exp

from viewls.analysis.model import ViewDefinition
from viewls.diagnostics import Code, Diagnostic, info
from viewls.engine.planner import Planned, Planner, PlanError
from viewls.sql.spans import node_span
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class Reading:
    """How a view that DataFusion plans will run."""

    planned: Planned  # the plan of ``sql``, equal to the plan of the text as written
    sql: str  # the canonical SQL when proven exact, else the text as written
    notice: Diagnostic | None  # why the view runs as written, if it does


def read_view(definition: ViewDefinition, planner: Planner) -> Reading:
    """Plan the text as written and prove the canonical SQL against it.

    Raises PlanError when DataFusion refuses the text as written: that, not what the
    canonical SQL does, is the view's verdict.
    """
    canonical = definition.canonical
    if canonical is not None and any(d.is_error for d in definition.diagnostics):
        # Further statements or the like: the view never runs; its first query is still
        # planned for the errors DataFusion would report in it.
        return Reading(planner.plan(canonical.sql), canonical.sql, None)
    written = planner.plan(definition.sql)
    if canonical is None:
        return Reading(written, definition.sql, None)
    if definition.canonical_as_written:
        return Reading(written, canonical.sql, None)
    try:
        candidate = planner.plan(canonical.sql)
    except PlanError:
        return Reading(written, definition.sql, _notice(definition, written.schema, None))
    if candidate.same_plan(written):
        return Reading(candidate, canonical.sql, None)
    return Reading(written, definition.sql, _notice(definition, written.schema, candidate.schema))


def _notice(definition: ViewDefinition, written: pa.Schema, canonical: pa.Schema | None) -> Diagnostic:
    why, index = _difference(written, canonical)
    span = _item_span(definition, index) if index is not None else None
    return info(definition.path, span or definition.anchor, Code.RUNS_AS_WRITTEN,
                f"viewls's SQL reader (sqlglot) reads this query differently from DataFusion ({why}), "
                "so the view is checked and run exactly as written; fingerprints then follow the "
                "text, so a whitespace or comment edit rebuilds it")


def _difference(written: pa.Schema, canonical: pa.Schema | None) -> tuple[str, int | None]:
    """What differs between the two readings, and the output column concerned if one is."""
    if canonical is None:
        return "its reading does not plan", None
    if len(written) != len(canonical):
        return f"{len(canonical)} output columns instead of {len(written)}", None
    for index, (ours, theirs) in enumerate(zip(canonical, written)):
        if ours.name != theirs.name:
            return f"output column {index + 1} would be named '{ours.name}', not '{theirs.name}'", index
        if ours.type != theirs.type:
            return f"output column '{theirs.name}' would be {ours.type}, not {theirs.type}", index
        if ours.nullable != theirs.nullable:
            return f"output column '{theirs.name}' would differ in nullability", index
    return "the same columns, computed differently", None


def _item_span(definition: ViewDefinition, index: int) -> Span | None:
    """The select item that produces output column ``index`` of the outermost query."""
    items = definition.output_items()
    if any(isinstance(e, exp.Star) or isinstance(e.this, exp.Star) for e in items):
        return None
    return node_span(items[index]) if index < len(items) else None

"""The per-view pipeline: text -> definition view -> analysis against its inputs.

``parse_view`` depends on the text alone, so the host re-runs it only when a text
changes; ``analyse_view`` depends on the definition view and on what its inputs produce,
which the host passes in through an ``Environment``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa
from sqlglot import exp

from viewls.analysis import datafusion_reading
from viewls.analysis.deadline import Deadline, TimedOut
from viewls.analysis.fidelity import read_view
from viewls.analysis.model import Output, ViewDefinition, State, ViewAnalysis
from viewls.analysis.plan_errors import explain_failure
from viewls.diagnostics import Code, Diagnostic, Related, error, hint
from viewls.engine.functions import FunctionRegistry
from viewls.engine.parser import read_query
from viewls.engine.planner import Planned, Planner, PlanError, quote
from viewls.sources.draft import Draft, ViewKey
from viewls.sql.canonical import Canonical, canonicalize, normalize
from viewls.sql.lineage import Lineage, TableRef, extract_lineage
from viewls.sql.nesting import CHAIN_MESSAGE, nested_too_deeply, too_deep_a_tree
from viewls.sql.spans import node_span
from viewls.suggest import did_you_mean
from viewls.text import Span

NO_DEADLINE = Deadline(None)


def define_view(draft: Draft, deadline: Deadline = NO_DEADLINE) -> ViewDefinition:
    """What the view's source alone determines: lineage, canonical SQL, DataFusion's reading."""
    return assemble(draft, derive(draft, deadline))


@dataclass(frozen=True, slots=True)
class Derived:
    """What defining a view computes from its draft: plain data, so that a worker process
    can compute it and send it back (see ``parallel``)."""

    sql: str | None
    lineage: Lineage | None
    canonical: Canonical | None
    diagnostics: tuple[Diagnostic, ...]
    canonical_as_written: bool


def derive(draft: Draft, deadline: Deadline = NO_DEADLINE) -> Derived:
    """Never raises: a query nested too deeply for Python's stack, too large for memory or
    too slow to define is a diagnostic of its own view and stops nothing else."""
    try:
        return deadline.run(_derive_within_limits, draft)
    except TimedOut:
        return Derived(draft.sql, None, None, (_timed_out(draft.path, draft.anchor, deadline),), False)


def _derive_within_limits(draft: Draft) -> Derived:
    try:
        return _derive(draft)
    except (RecursionError, MemoryError) as failure:
        problem = _beyond_limits(draft.path, draft.text, draft.sql, draft.anchor, failure)
        return Derived(draft.sql, None, None, (problem,), False)


def _derive(draft: Draft) -> Derived:
    text, sql = draft.text, draft.sql
    lineage = canonical = None
    as_written = False
    ast, diagnostics = draft.origin.read()
    if ast is not None and (deepest := too_deep_a_tree(ast)) is not None:  # never planned
        return Derived(sql, None, None, (error(draft.path, node_span(deepest) or draft.anchor, Code.LIMIT_EXCEEDED,
                                                 CHAIN_MESSAGE),), False)
    if ast is not None:
        ast = normalize(ast)
        lineage = extract_lineage(ast, text)
        canonical = canonicalize(ast)  # last: generation may rewrite the tree it is given
        if sql is None:  # generated: the AST is the definition, its SQL is what is planned
            sql = canonical.sql
        reading = read_query(sql, canonical.sql) if not diagnostics else None
        if reading is not None:
            lineage = datafusion_reading.reconcile(lineage, reading, text)
            as_written = reading.same_as
    elif sql is not None and diagnostics and diagnostics[0].code is Code.SYNTAX_ERROR:
        reading = read_query(sql)  # DataFusion, the arbiter, may read what sqlglot cannot
        if reading is not None:
            lineage = datafusion_reading.lineage_of(reading, text)
            diagnostics = (datafusion_reading.notice(draft.path, diagnostics[0]),)
    return Derived(sql, lineage, canonical, tuple(diagnostics), as_written)


def assemble(draft: Draft, derived: Derived) -> ViewDefinition:
    return ViewDefinition(draft.key, draft.text, derived.sql, draft.anchor, draft.extent, draft.origin,
                          draft.metadata, derived.lineage, derived.canonical,
                          derived.diagnostics + draft.metadata.diagnostics, derived.canonical_as_written,
                          draft.fingerprint)


@dataclass(frozen=True, slots=True)
class Definition:
    """Where a name is defined, for related information."""

    path: Path
    span: Span


class Environment(Protocol):
    planner: Planner
    registry: FunctionRegistry
    deadline: Deadline  # each view's analysis runs within it

    def defer(self, key: ViewKey) -> bool:
        """Whether the later planning stages of a view that planned are left to run apart
        (the editor publishes what logical planning found first); False: run them now."""

    def output(self, name: str) -> Output | None: ...

    def is_bound(self, name: str) -> bool: ...

    def names(self) -> Iterable[str]: ...

    def cycle(self, view: ViewDefinition) -> list[str] | None: ...

    def config_failure(self) -> Diagnostic | None: ...

    def shadowing(self, view: ViewDefinition) -> Definition | None: ...


def analyse_view(definition: ViewDefinition, env: Environment) -> ViewAnalysis:
    """Never raises (see ``derive``)."""
    try:
        return env.deadline.run(_analyse_within_limits, definition, env)
    except TimedOut:
        return _failed(definition, _timed_out(definition.path, definition.anchor, env.deadline))


def _analyse_within_limits(definition: ViewDefinition, env: Environment) -> ViewAnalysis:
    try:
        return _analyse_view(definition, env)
    except (RecursionError, MemoryError) as failure:
        return _failed(definition, _beyond_limits(definition.path, definition.text, definition.sql,
                                                  definition.anchor, failure))


def _analyse_view(definition: ViewDefinition, env: Environment) -> ViewAnalysis:
    diagnostics = list(definition.diagnostics)
    lineage = definition.lineage
    shadow = env.shadowing(definition)
    if shadow is not None:
        diagnostics.append(_duplicate(definition, shadow))
    if lineage is None:
        return _result(definition, (), (), State.ERROR, None, diagnostics)
    dependencies = tuple(sorted(lineage.dependencies))
    required_udfs = tuple(sorted({f.name for f in lineage.functions} & env.registry.udfs))

    def done(state: State, schema: pa.Schema | None = None) -> ViewAnalysis:
        return _result(definition, dependencies, required_udfs, state, schema, diagnostics)

    missing = [ref for ref in lineage.tables if ref.qualifier or not env.is_bound(ref.name)]
    config_failure = env.config_failure() if missing else None
    if config_failure is not None:
        diagnostics.append(hint(definition.path, missing[0].span, Code.UPSTREAM_ERROR,
                                f"cannot resolve '{missing[0].name}' while viewls.toml is not valid TOML",
                                related=(Related(config_failure.path, config_failure.span, config_failure.message),)))
        return done(State.BLOCKED)
    unknown = [_unknown_table(definition, ref, env) for ref in missing]
    if unknown:
        diagnostics.extend(unknown)
        return done(State.ERROR)
    cycle = env.cycle(definition)
    if cycle is not None:
        diagnostics.append(_cycle(definition, cycle))
        return done(State.ERROR)
    blocked = _upstream_hint(definition, env)
    if blocked is not None:
        diagnostics.append(blocked)
        return done(State.BLOCKED)
    try:
        reading = read_view(definition, env.planner)
    except PlanError as failure:
        diagnostics.extend(_refusal(definition, env, str(failure), diagnostics, env.planner.plan))
        return done(State.ERROR)
    if reading.notice is not None:
        diagnostics.append(reading.notice)
    schema = reading.planned.schema
    duplicate = _duplicate_column(definition, schema)
    if duplicate is not None:
        diagnostics.append(duplicate)
        return done(State.ERROR)
    diagnostics.extend(_contract(definition, schema))
    analysis = _result(definition, dependencies, required_udfs, State.OK, schema, diagnostics, reading.sql)
    return analysis if env.defer(definition.key) else _complete_view(analysis, env, reading.planned)


def complete_view(analysis: ViewAnalysis, env: Environment, planned: Planned | None = None) -> ViewAnalysis:
    """Run the stages after logical planning (analyzer, optimizer, physical planner) on a
    view that planned, so that a view that checks clean also runs. A deferred view is
    planned again (``planned`` None) rather than kept planned: a DataFusion plan holds a
    copy of the session state, tens of kilobytes a view. Never raises (see ``derive``)."""
    definition = analysis.definition
    try:
        return env.deadline.run(_complete_within_limits, analysis, env, planned)
    except TimedOut:
        return _failed(definition, _timed_out(definition.path, definition.anchor, env.deadline))


def _complete_within_limits(analysis: ViewAnalysis, env: Environment, planned: Planned | None) -> ViewAnalysis:
    try:
        return _complete_view(analysis, env, planned)
    except (RecursionError, MemoryError) as failure:
        definition = analysis.definition
        return _failed(definition, _beyond_limits(definition.path, definition.text, definition.sql,
                                                  definition.anchor, failure))


def _complete_view(analysis: ViewAnalysis, env: Environment, planned: Planned | None) -> ViewAnalysis:
    try:
        if planned is None:
            env.planner.plan_fully(analysis.sql)
        else:
            env.planner.complete(planned)
    except PlanError as failure:
        definition = analysis.definition
        diagnostics = list(analysis.diagnostics)
        diagnostics.extend(_refusal(definition, env, str(failure), diagnostics, env.planner.plan_fully))
        return _result(definition, analysis.dependencies, analysis.required_udfs, State.ERROR, None, diagnostics)
    return analysis


def _refusal(definition: ViewDefinition, env: Environment, message: str, known: list[Diagnostic],
             plan: Callable[[str], object]) -> list[Diagnostic]:
    """DataFusion's refusal as diagnostics at the tokens it is about."""
    found = [d for d in _unknown_functions(definition, env) if (d.span, d.code) not in {(k.span, k.code) for k in known}]
    seen = {(d.span, d.code) for d in (*known, *found)}
    found.extend(d for d in explain_failure(definition.path, definition.text, definition.sql, definition.syntax_tree(),
                                                      message, plan, definition.anchor)
                 if (d.span, d.code) not in seen)
    return found


def _beyond_limits(path: Path, text: str, sql: str | None, anchor: Span, failure: BaseException) -> Diagnostic:
    """The error for a view that exhausted Python's stack or the memory available."""
    if isinstance(failure, RecursionError):  # placed in the text only when it is the query
        return nested_too_deeply(path, sql if sql == text else None, anchor)
    return error(path, anchor, Code.LIMIT_EXCEEDED,
                 "this view is too large to analyse in the memory available; split it into smaller views")


def _timed_out(path: Path, anchor: Span, deadline: Deadline) -> Diagnostic:
    return error(path, anchor, Code.LIMIT_EXCEEDED,
                 f"analysing this view took longer than {deadline.seconds:g} s ([limits] max_analysis_seconds in "
                 "viewls.toml), so it was stopped; simplify or split the view, or raise the limit")


def _failed(definition: ViewDefinition, problem: Diagnostic) -> ViewAnalysis:
    """The analysis of a view stopped by a limit: an error, whatever else it had."""
    diagnostics = [*definition.diagnostics, problem]
    return _result(definition, tuple(sorted(definition.dependencies)), (), State.ERROR, None, diagnostics)


def _result(definition, dependencies, required_udfs, state, schema, diagnostics, sql=None) -> ViewAnalysis:
    diagnostics.sort(key=lambda d: (d.span.start, d.span.end, d.code))
    cause = next((d for d in diagnostics if d.is_error or d.code is Code.UPSTREAM_ERROR), None)
    output = Output(state, schema, cause if state is not State.OK else None)
    return ViewAnalysis(definition, dependencies, required_udfs, output, tuple(diagnostics), sql)


def _duplicate(definition: ViewDefinition, shadow: Definition) -> Diagnostic:
    kind = "extract" if shadow.path.name == "viewls.toml" else "view"
    fix = "rename one of them" if definition.generated else "rename this file (a view's name is its file name)"
    return error(definition.path, definition.anchor, Code.DUPLICATE_VIEW,
                 f"another {kind} is already named '{definition.name}'; {fix}",
                 related=(Related(shadow.path, shadow.span, f"'{definition.name}' is defined here"),))


def _duplicate_column(definition: ViewDefinition, schema: pa.Schema) -> Diagnostic | None:
    """A view's columns are what dependents read by name, so each name must be unique
    (DataFusion plans such a query, but no table or view can hold its output)."""
    name = _first_repeated(schema.names)
    if name is None:
        return None
    items = definition.output_items()
    named = [item for item in items if item.alias_or_name == name and not isinstance(item, exp.Star)]
    stars = [item for item in items if isinstance(item, exp.Star) or isinstance(item.this, exp.Star)]
    culprit = named[1] if len(named) > 1 else (stars[0] if stars else None)
    span = (node_span(culprit) if culprit is not None else None) or definition.anchor
    return error(definition.path, span, Code.DUPLICATE_COLUMN,
                 f"the view outputs column '{name}' more than once; give each output column its own name "
                 f"(e.g. `t.{name} AS t_{name}`)")


def _first_repeated(names: list[str]) -> str | None:
    """The first name that occurs a second time (in linear time: a select list may be long)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


def _unknown_table(definition: ViewDefinition, ref: TableRef, env: Environment) -> Diagnostic:
    path = definition.path
    if ref.qualifier:
        return error(path, ref.span, Code.UNKNOWN_TABLE,
                     f"unknown table '{ref.qualifier}.{ref.name}': views and extracts live in the "
                     "default schema; write the bare name", suggestion=None)
    suffix, suggestion = did_you_mean(ref.name, (n for n in env.names() if n != definition.name))
    if suggestion is not None and suggestion.lower() == ref.name.lower() and suggestion != ref.name:
        suggestion = quote(suggestion)
        suffix = f"; did you mean {suggestion}? (unquoted names are lowercased)"
    return error(path, ref.span, Code.UNKNOWN_TABLE,
                 f"unknown table '{ref.name}': no view or extract has this name{suffix}",
                 suggestion=suggestion)


def _cycle(definition: ViewDefinition, cycle: list[str]) -> Diagnostic:
    successor = cycle[1]
    span = next((t.span for t in definition.lineage.tables if t.name == successor), definition.anchor)
    return error(definition.path, span, Code.DEPENDENCY_CYCLE,
                 f"dependency cycle: {' -> '.join(cycle)}; a view cannot depend on itself")


def _upstream_hint(definition: ViewDefinition, env: Environment) -> Diagnostic | None:
    """One hint for the first input whose schema is unknown, instead of a cascade of errors."""
    for ref in definition.lineage.tables:
        output = env.output(ref.name)
        if output is None or output.state is State.OK:
            continue
        why = "has errors" if output.state is State.ERROR else "depends on a view with errors"
        related = ()
        if output.cause is not None:
            related = (Related(output.cause.path, output.cause.span, output.cause.message),)
        return hint(definition.path, ref.span, Code.UPSTREAM_ERROR,
                    f"depends on '{ref.name}', which {why}; fix it there", related=related)
    return None


def _unknown_functions(definition: ViewDefinition, env: Environment) -> list[Diagnostic]:
    found = []
    registry = env.registry
    for ref in definition.lineage.functions:
        if ref.anonymous and ref.name not in registry:
            suffix, suggestion = did_you_mean(ref.name, registry.functions)
            found.append(error(definition.path, ref.span, Code.UNKNOWN_FUNCTION,
                               f"unknown function '{ref.name}'{suffix} "
                               "(neither DataFusion nor the UDF snapshot has it)", suggestion=suggestion))
    return found


def _contract(definition: ViewDefinition, schema: pa.Schema) -> list[Diagnostic]:
    columns = schema.names
    found = []
    for key in definition.metadata.ordering:
        if key.name in columns:
            continue
        suffix, suggestion = did_you_mean(key.name, columns)
        found.append(error(definition.path, key.span, Code.INVALID_CONTRACT,
                           f"ordering key '{key.name}' is not a column of this view{suffix}",
                           suggestion=suggestion))
    return found

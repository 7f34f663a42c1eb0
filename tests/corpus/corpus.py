"""Measuring viewls against DataFusion on the sqllogictest corpus (see build.py).

For each corpus query two verdicts are compared:

- DataFusion's, the arbiter: the text as written, planned through every stage (logical
  plan, optimizer, physical plan) in a session made as viewls makes its planning
  sessions, over empty tables of the schemas in scope;
- viewls's: the query analysed as a view by an in-memory ``AnalysisHost`` whose extracts
  are the tables in scope (one host per file and scope).

``classify`` names the disagreement, if any. benchmarks/fidelity.py reports the counts;
tests can use the same pieces.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pyarrow as pa

from viewls.analysis.host import AnalysisHost
from viewls.analysis.model import ViewAnalysis
from viewls.diagnostics import Code
from viewls.engine.functions import FunctionRegistry, function_registry
from viewls.engine.planner import quote
from viewls.engine.session import create_session, sql_options
from viewls.project.extracts import ExtractInfo

CORPUS = Path(__file__).with_name("sqllogictest.json.gz")
PLAN_TRIES = 16
_PARSER_ERROR = re.compile(r"ParserError|TokenizerError")


# --- the corpus --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Scope:
    tables: tuple[tuple[str, pa.Schema], ...]
    settings: tuple[str, ...]  # SET statements in effect when the query ran in the slt file


@dataclass(frozen=True, slots=True)
class Query:
    file: str  # relative to test_files; the file holding the SQL
    line: int  # 1-based line of the SQL's first line
    run: str  # the .slt file whose replay met it (differs from file for included parts)
    record: str  # "query" or "statement"
    expect: str  # "ok" or "error", as the slt file says
    sql: str
    scope: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Corpus:
    source: dict
    scopes: tuple[Scope, ...]
    queries: tuple[Query, ...]


def load(path: Path = CORPUS) -> Corpus:
    document = json.loads(gzip.decompress(path.read_bytes()))
    schemas = [pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text))) for text in document["schemas"]]
    scopes = tuple(Scope(tuple((name, schemas[index]) for name, index in scope["tables"]), tuple(scope["settings"]))
                   for scope in document["scopes"])
    return Corpus(document["source"], scopes, tuple(Query(**query) for query in document["queries"]))


# --- DataFusion, the arbiter --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Verdict:
    stage: str  # "ok", or the first stage that refused: "plan", "optimizer" or "physical"
    schema: pa.Schema | None  # of the logical plan, when there is one
    error: str | None

    @property
    def parser_error(self) -> bool:
        return self.error is not None and bool(_PARSER_ERROR.search(self.error))

    @property
    def headline(self) -> str | None:
        return headline(self.error) if self.error else None


class Arbiter:
    """A viewls-made session holding empty tables of one scope at a time."""

    def __init__(self) -> None:
        self.ctx = create_session()
        self.options = sql_options()
        self.tables: dict[str, pa.Schema] = {}

    def use(self, scope: Scope) -> None:
        """Register exactly ``scope``'s tables, as ``Planner.set_table`` registers them."""
        wanted = dict(scope.tables)
        for name in [n for n, schema in self.tables.items() if not _same(wanted.get(n), schema)]:
            self.ctx.deregister_table(quote(name))
            del self.tables[name]
        for name, schema in wanted.items():
            if name not in self.tables:
                self.ctx.from_arrow(pa.Table.from_batches([], schema=schema), quote(name))
                self.tables[name] = schema

    def verdict(self, sql: str) -> Verdict:
        try:
            df = self.ctx.sql_with_options(sql, self.options)
        except BaseException as failure:  # noqa: BLE001 - a Rust panic is a BaseException
            return Verdict("plan", None, _message(failure))
        schema = df.schema()
        for stage, step in (("optimizer", df.optimized_logical_plan), ("physical", df.execution_plan)):
            try:
                step()
            except BaseException as failure:  # noqa: BLE001
                return Verdict(stage, schema, _message(failure))
        return Verdict("ok", schema, None)

    def plan_change(self, written: str, runs: str) -> str | None:
        """How the plan of ``runs`` differs from that of ``written``, or None.

        DataFusion lists the hidden columns a sort needs in hash order, which varies from
        one planning to the next, so plans are re-planned a few times before they differ.
        """
        seen_written, seen_runs = set(), set()
        for _ in range(PLAN_TRIES):
            seen_written.add(self.logical_plan(written))
            seen_runs.add(self.logical_plan(runs))
            if seen_written & seen_runs:
                return None
        return plan_difference(min(seen_written), min(seen_runs))

    def logical_plan(self, sql: str) -> str:
        """The unoptimized plan with its schemas: equal plans compute equal values."""
        try:
            return self.ctx.sql_with_options(sql, self.options).logical_plan().display_indent_schema()
        except BaseException as failure:  # noqa: BLE001
            return f"<does not plan: {headline(_message(failure))}>"


def _same(schema: pa.Schema | None, other: pa.Schema) -> bool:
    return schema is not None and schema.equals(other, check_metadata=True)


def _message(failure: BaseException) -> str:
    if isinstance(failure, (KeyboardInterrupt, SystemExit)):
        raise failure
    return str(failure) or type(failure).__name__


def headline(message: str) -> str:
    return next((line.strip() for line in message.splitlines() if line.strip()), message)


# --- viewls -------------------------------------------------------------------------------

def runs_sql(analysis: ViewAnalysis) -> str:
    """The SQL viewls would run for a clean view: the one place that decides it.

    ``ViewAnalysis.sql`` where viewls records it (its fidelity guard may run a view as
    written), else the canonical SQL, which is what viewls before the guard runs.
    """
    return getattr(analysis, "sql", None) or analysis.definition.canonical.sql


@dataclass(frozen=True, slots=True)
class Finding:
    """viewls's verdict on one query."""

    errors: tuple[tuple[str, str], ...]  # (code, message) of each error diagnostic
    schema: pa.Schema | None
    runs: str | None  # runs_sql, when clean
    crash: str | None = None  # the traceback, when analysis raised
    fallback: str | None = None  # one of FALLBACKS, when viewls runs the text as written
    why: str | None = None  # the canonical SQL (guard fallback) or sqlglot's error (unread)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.errors)


def view_names(queries: list[Query], scope: Scope) -> dict[Query, str]:
    """``q<line>`` per query, underscored until it collides with no table in scope."""
    taken = {name.lower() for name, _ in scope.tables}
    names = {}
    for query in queries:
        name = f"q{query.line:05d}"
        while name in taken:
            name = "_" + name
        names[query] = name
    return names


def analyse_group(queries: list[Query], scope: Scope, root: Path,
                  registry: FunctionRegistry) -> dict[Query, Finding]:
    """One host for queries sharing a file and a scope; a crash costs only its own views."""
    names = view_names(queries, scope)
    extracts = [ExtractInfo(name, None, (), schema, (), ()) for name, schema in scope.tables]
    views = {root / "views" / f"{names[q]}.sql": q.sql for q in queries}
    try:
        host = AnalysisHost(root, "", extracts, views, registry)
        snapshot = host.snapshot()
    except Exception:  # noqa: BLE001 - one view brought the host down: analyse each alone
        if len(queries) == 1:
            return {queries[0]: Finding((), None, None, traceback.format_exc())}
        return {q: f for query in queries for q, f in analyse_group([query], scope, root, registry).items()}
    return {query: _finding(snapshot.document_view(root / "views" / f"{names[query]}.sql")) for query in queries}


# Why viewls runs a view as written (a runs-as-written notice): its fidelity guard found
# the canonical SQL plans differently, or sqlglot could not read the view at all.
GUARD_FALLBACK = "runs as written (guard fallback)"
UNREAD = "unread by sqlglot"
FALLBACKS = (GUARD_FALLBACK, UNREAD)


def _finding(analysis: ViewAnalysis) -> Finding:
    errors = tuple((str(d.code), d.message) for d in analysis.diagnostics if d.is_error)
    if errors:
        return Finding(errors, None, None)
    fallback = why = None
    notice = next((d for d in analysis.diagnostics if d.code is Code.RUNS_AS_WRITTEN), None)
    if notice is not None:
        canonical = analysis.definition.canonical
        fallback, why = (UNREAD, notice.message) if canonical is None else (GUARD_FALLBACK, canonical.sql)
    try:
        return Finding((), analysis.schema, runs_sql(analysis), fallback=fallback, why=why)
    except Exception:  # noqa: BLE001
        return Finding((), analysis.schema, None, traceback.format_exc())


# --- comparing ----------------------------------------------------------------------------

AGREE = "agreement"
CATEGORIES = (
    "false error", "false error (duplicate-column only)", "missed error", "late failure checked clean",
    "silent schema change", "silent plan change", "wrong reason", "viewls crashed", AGREE,
)


@dataclass(frozen=True, slots=True)
class Outcome:
    query: Query
    verdict: Verdict
    finding: Finding
    category: str
    detail: str | None = None  # what differs, for schema and plan changes and guard fallbacks


def classify(query: Query, verdict: Verdict, finding: Finding, arbiter: Arbiter) -> Outcome:
    """Where viewls and DataFusion disagree about ``query`` (``arbiter`` holds its scope)."""
    def outcome(category: str, detail: str | None = None) -> Outcome:
        return Outcome(query, verdict, finding, category, detail)

    if finding.crash:
        return outcome("viewls crashed")
    if verdict.stage == "ok":
        if finding.errors:
            return outcome("false error (duplicate-column only)" if finding.codes == {"duplicate-column"}
                           else "false error")
        return _compare_clean(query, verdict, finding, arbiter, outcome)
    if not finding.errors:
        return outcome("missed error" if verdict.stage == "plan" else "late failure checked clean")
    if "syntax-error" in finding.codes and not verdict.parser_error:
        return outcome("wrong reason")
    return outcome(AGREE)


def _compare_clean(query, verdict, finding, arbiter, outcome) -> Outcome:
    difference = schema_difference(verdict.schema, finding.schema)
    if difference:
        return outcome("silent schema change", difference)
    change = arbiter.plan_change(query.sql, finding.runs)
    if change:
        return outcome("silent plan change", change)
    if finding.fallback == GUARD_FALLBACK:
        return outcome(AGREE, arbiter.plan_change(query.sql, finding.why))
    return outcome(AGREE)


def schema_difference(expected: pa.Schema, actual: pa.Schema | None) -> str | None:
    """The first field that differs in name, type or nullability (metadata aside)."""
    if actual is None:
        return "viewls derived no schema"
    if expected.equals(actual, check_metadata=False):
        return None
    if len(expected) != len(actual):
        return f"{len(expected)} columns as written, {len(actual)} from viewls"
    for want, got in zip(expected, actual):
        if not want.equals(got, check_metadata=False):
            return f"as written: {_field(want)}\nviewls runs: {_field(got)}"
    return "schemas differ"


def _field(field: pa.Field) -> str:
    return f"{field.name}: {field.type}{'' if field.nullable else ' not null'}"


def plan_difference(written: str, runs: str) -> str:
    """The first differing line of the two plans."""
    pairs = zip(written.splitlines(), runs.splitlines())
    first = next(((w, r) for w, r in pairs if w != r), (written, runs))
    return f"as written: {first[0].strip()}\nviewls runs: {first[1].strip()}"


# --- the whole run ------------------------------------------------------------------------

def groups(corpus: Corpus) -> Iterator[tuple[Scope, list[Query]]]:
    """Queries by (file, scope) in corpus order; lines are unique within a group."""
    key = lambda query: (query.file, query.scope)  # noqa: E731
    for (_, scope), queries in groupby(sorted(corpus.queries, key=key), key):
        yield corpus.scopes[scope], list(queries)


def measure(corpus: Corpus, root: Path, select=lambda query: True) -> Iterator[Outcome]:
    """Every selected query's outcome, group by group."""
    arbiter = Arbiter()
    registry = function_registry()
    for scope, queries in groups(corpus):
        queries = [query for query in queries if select(query)]
        if not queries:
            continue
        findings = analyse_group(queries, scope, root, registry)
        arbiter.use(scope)
        for query in queries:
            yield classify(query, arbiter.verdict(query.sql), findings[query], arbiter)

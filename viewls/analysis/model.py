"""Plain data of an analysis: what each view is, reads and produces.

Everything here is immutable, so a snapshot can be read from any thread while the
host computes the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

import pyarrow as pa
from sqlglot import exp

from viewls.diagnostics import Code, Diagnostic, Related
from viewls.project.metadata import ViewMetadata
from viewls.sql.canonical import Canonical, fingerprint, normalize
from viewls.sources.draft import Origin, ViewKey
from viewls.sql.lineage import Lineage
from viewls.text import Span


class State(Enum):
    OK = "ok"  # planned; the schema is known
    ERROR = "error"  # its own errors leave the schema unknown
    BLOCKED = "blocked"  # an upstream error leaves the schema unknown


@dataclass(frozen=True, slots=True, eq=False)
class ViewDefinition:
    """Everything derived from one view's source alone, whatever kind of source it is.

    The AST itself is not kept: it is large (thousands of views would hold hundreds of
    megabytes), and everything analysis needs is derived from it here. Code that needs
    the tree (locating an error, an editor feature) asks ``syntax_tree()`` for a fresh one.
    """

    key: ViewKey
    text: str  # the source file's text: every span of the view indexes it
    # The query as written, which DataFusion plans as the arbiter: a SQL file's text; for a
    # generated view, its canonical SQL (None: no query could be read).
    sql: str | None
    anchor: Span  # where the view is named or starts
    extent: Span  # the source text that defines it
    origin: Origin
    metadata: ViewMetadata
    lineage: Lineage | None
    canonical: Canonical | None
    diagnostics: tuple[Diagnostic, ...]
    # DataFusion's parser reads the canonical SQL as the very statement written, so the
    # two plan alike: the fidelity guard need not plan the canonical SQL to prove it.
    canonical_as_written: bool = False
    fingerprint: object = None  # the draft's: equal means the very same definition

    @property
    def path(self) -> Path:
        return self.key.path

    @property
    def name(self) -> str:
        return self.key.name

    @property
    def start(self) -> Span:
        """Where going to the view's definition lands: its file's start, its spec row's."""
        return Span(self.extent.start, self.extent.start)

    @property
    def generated(self) -> bool:
        """Produced from a spec row or by code, not written as a SQL file of its own."""
        return bool(self.origin.described)

    @property
    def dependencies(self) -> frozenset[str]:
        return self.lineage.dependencies if self.lineage is not None else frozenset()

    def syntax_tree(self) -> exp.Expression | None:
        """A fresh normalized AST of the query, as analysis saw it; none for a query beyond
        a limit (too deep a tree for editor features' walks, as for analysis)."""
        if any(d.code is Code.LIMIT_EXCEEDED for d in self.diagnostics):
            return None
        ast = self.origin.tree()
        return normalize(ast) if ast is not None else None

    def output_items(self) -> list[exp.Expression]:
        """The select items of the outermost query (of the first branch of a set operation),
        which name the view's columns; none for VALUES or an unreadable query."""
        query = self.syntax_tree()
        while isinstance(query, exp.SetOperation):
            query = query.this
        return query.expressions if isinstance(query, exp.Select) else []


@dataclass(frozen=True, slots=True)
class Output:
    """What dependents see of an input; compared for early cutoff, so keep it small."""

    state: State
    schema: pa.Schema | None
    # The first error explaining an unknown schema, for dependents' upstream hints.
    cause: Diagnostic | None = None


@dataclass(frozen=True, slots=True, eq=False)
class ViewAnalysis:
    definition: ViewDefinition
    dependencies: tuple[str, ...]
    required_udfs: tuple[str, ...]
    output: Output
    diagnostics: tuple[Diagnostic, ...]
    # The SQL DataFusion runs for this view: its canonical SQL when proven to plan exactly
    # like the text as written, else the text as written (None: the view does not plan).
    sql: str | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def path(self) -> Path:
        return self.definition.path

    @property
    def key(self) -> ViewKey:
        return self.definition.key

    @property
    def schema(self) -> pa.Schema | None:
        return self.output.schema

    @property
    def fingerprint(self) -> str | None:
        """Changes with anything DataFusion would run differently: the canonical AST's
        fingerprint, or for a view run as written, its text's."""
        canonical = self.definition.canonical
        if canonical is not None and self.sql in (None, canonical.sql):
            return canonical.fingerprint
        return fingerprint(self.sql) if self.sql is not None else None


@dataclass(frozen=True, eq=False)
class SourceAnalysis:
    """One source file: its text, its own diagnostics and the views it defines."""

    path: Path
    text: str
    views: tuple[ViewAnalysis, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def view_at(self, offset: int) -> ViewAnalysis | None:
        """The view defined where ``offset`` is (a SQL file's one view anywhere in it)."""
        return next((view for view in self.views
                     if view.definition.extent.start <= offset <= view.definition.extent.end), None)

    @property
    def document_view(self) -> ViewAnalysis | None:
        """The view whose query is this whole file's text (a SQL file), for editor features
        that work on SQL text."""
        if len(self.views) == 1 and self.views[0].definition.sql == self.text:
            return self.views[0]
        return None

    def reported(self) -> list[Diagnostic]:
        """The file's diagnostics as users see them: a generated view's are prefixed with its
        name, and instances of one template row failing alike at the same characters are
        reported once, the other instances listed in related information."""
        found = list(self.diagnostics)
        alike: dict[tuple, list[tuple[str, Diagnostic]]] = {}
        for view in self.views:
            definition = view.definition
            if not definition.generated:
                found.extend(view.diagnostics)
                continue
            for diagnostic in view.diagnostics:
                group = (definition.origin.group, diagnostic.span, diagnostic.code, diagnostic.severity)
                alike.setdefault(group, []).append((view.name, diagnostic))
        for instances in alike.values():
            name, first = instances[0]
            related = first.related + tuple(
                Related(other.path, other.span, f"also in '{other_name}': {other.message}")
                for other_name, other in instances[1:])
            found.append(replace(first, message=f"view '{name}': {first.message}", related=related))
        return sorted(found, key=lambda d: (d.span, d.code))

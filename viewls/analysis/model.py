"""Plain data of an analysis: what each view is, reads and produces.

Everything here is immutable, so a snapshot can be read from any thread while the
host computes the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pyarrow as pa
from sqlglot import exp

from viewls.diagnostics import Diagnostic
from viewls.project.metadata import ViewMetadata
from viewls.sql.canonical import Canonical, fingerprint, normalize
from viewls.sql.lineage import Lineage
from viewls.sql.parse import parse_query


class State(Enum):
    OK = "ok"  # planned; the schema is known
    ERROR = "error"  # its own errors leave the schema unknown
    BLOCKED = "blocked"  # an upstream error leaves the schema unknown


@dataclass(frozen=True, slots=True, eq=False)
class ParsedView:
    """Everything derived from one view file's text alone.

    The AST itself is not kept: it is large (thousands of views would hold hundreds of
    megabytes), and everything analysis needs is derived from it here. Code that needs
    the tree (locating an error, an editor feature) re-parses the text on demand.
    """

    path: Path
    name: str
    text: str
    metadata: ViewMetadata
    lineage: Lineage | None
    canonical: Canonical | None
    diagnostics: tuple[Diagnostic, ...]
    # DataFusion's parser reads the canonical SQL as the very statement written, so the
    # two plan alike: the fidelity guard need not plan the canonical SQL to prove it.
    canonical_as_written: bool = False

    @property
    def dependencies(self) -> frozenset[str]:
        return self.lineage.dependencies if self.lineage is not None else frozenset()

    def syntax_tree(self) -> exp.Expression | None:
        """A fresh normalized AST of the query, as analysis saw it."""
        ast = parse_query(self.path, self.text).ast
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
    parsed: ParsedView
    dependencies: tuple[str, ...]
    required_udfs: tuple[str, ...]
    output: Output
    diagnostics: tuple[Diagnostic, ...]
    # The SQL DataFusion runs for this view: its canonical SQL when proven to plan exactly
    # like the text as written, else the text as written (None: the view does not plan).
    sql: str | None = None

    @property
    def name(self) -> str:
        return self.parsed.name

    @property
    def path(self) -> Path:
        return self.parsed.path

    @property
    def schema(self) -> pa.Schema | None:
        return self.output.schema

    @property
    def fingerprint(self) -> str | None:
        """Changes with anything DataFusion would run differently: the canonical AST's
        fingerprint, or for a view run as written, its text's."""
        canonical = self.parsed.canonical
        if canonical is not None and self.sql in (None, canonical.sql):
            return canonical.fingerprint
        return fingerprint(self.sql) if self.sql is not None else None

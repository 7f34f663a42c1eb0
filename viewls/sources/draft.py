"""What a source says about one view, before analysis derives anything from it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple, Protocol

from sqlglot import exp

from viewls.diagnostics import Diagnostic
from viewls.project.metadata import ViewMetadata
from viewls.text import Span, moved


class ViewKey(NamedTuple):
    """Identifies a view definition across edits: its source file, its name and, for
    the rare second definition of a name in one file, its rank."""

    path: Path
    name: str
    rank: int = 0


class Origin(Protocol):
    """How a definition was produced, and how to produce its AST again.

    Analysis keeps no AST (thousands of them would hold hundreds of megabytes); an
    editor feature or an error explanation asks its origin for a fresh one.
    """

    # What produced the view, for messages: "" for a view written as one SQL file,
    # else e.g. "template row '{source}_ids' (source = 'orders')".
    described: str
    # Definitions produced alike (the instances of one template row) share it, so that one
    # failure common to them is reported once.
    group: object

    def tree(self) -> exp.Expression | None:
        """A fresh AST, every node positioned in the source file's text."""

    def read(self) -> tuple[exp.Expression | None, tuple[Diagnostic, ...]]:
        """``tree()`` and the diagnostics of reading the query (None: it cannot be read)."""


@dataclass(frozen=True, slots=True, eq=False)
class Draft:
    key: ViewKey
    text: str  # the source file's text, which every span indexes
    # The query as its author wrote it, which DataFusion plans as the arbiter; None for a
    # generated view, whose query exists only as an AST (its canonical SQL is what runs).
    sql: str | None
    metadata: ViewMetadata
    anchor: Span  # where the view is named or starts, for diagnostics about it as a whole
    extent: Span  # the source text that defines it (hover, code lens, symbols)
    origin: Origin  # reads the query only when the host needs the definition anew
    # Equal fingerprints: the same definition, wherever in its file it now stands: the host
    # keeps it (moved), re-deriving nothing. None: always derive anew.
    fingerprint: object = field(default=None)
    # How far every position above is from where it stands in ``text``: a source that read
    # the view apart (a spec row alone) places it only when it is derived anew.
    shift: int = 0

    @property
    def start(self) -> int:
        """Where the view's text starts in its file."""
        return self.extent.start + self.shift

    def placed(self) -> Draft:
        """The draft with its positions in ``text``."""
        if not self.shift:
            return self
        delta, path = self.shift, self.path
        return replace(self, anchor=moved(self.anchor, delta, path), extent=moved(self.extent, delta, path),
                       metadata=moved(self.metadata, delta, path), origin=moved(self.origin, delta, path), shift=0)

    @property
    def path(self) -> Path:
        return self.key.path

    @property
    def name(self) -> str:
        return self.key.name


@dataclass(frozen=True, slots=True)
class SourceReading:
    """Everything one source file yields."""

    drafts: tuple[Draft, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # about the file itself (TOML syntax, unknown keys)
    # The drafts depend on the extracts' names (a template over extracts matching a glob).
    reads_extract_names: bool = False
    # Other files the drafts depend on (the builder modules of spec rows).
    reads_files: frozenset[Path] = frozenset()

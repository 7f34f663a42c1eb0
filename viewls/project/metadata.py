"""View metadata headers: ``-- @key: value`` lines before a view's query.

Contracts are metadata only, so this module never learns about columns beyond the
ordering keys it is told about; those are validated later against the schema derived
from the query. It runs on every keystroke, so it reads only the leading comment
block and stops at the first line of SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from viewls.diagnostics import Code, Diagnostic, error, warning
from viewls.suggest import did_you_mean
from viewls.text import Span

KEYS = ("description", "ordering", "evidence")

# Keys that would declare a view's columns, which are derived from its query instead.
_COLUMN_KEYS = frozenset(
    {"columns", "column", "cols", "col", "schema", "fields", "field", "types", "type"}
)

_HEADER_LINE = re.compile(
    r"--[ \t]*@(?P<key>[A-Za-z_][\w-]*)[ \t]*(?P<colon>:?)[ \t]*(?P<value>.*?)\s*$"
)
_BREAK = re.compile(r"\r\n?|\n")
_ORDERING_KEY = re.compile(
    r'(?P<name>"(?:[^"]|"")+"|[^\s"]+)(?:\s+(?P<direction>asc|desc))?', re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class OrderingKey:
    """``name`` is the column as SQL resolves it: folded to lowercase unless quoted."""

    name: str
    descending: bool
    span: Span  # the name as written, quotes included


@dataclass(frozen=True, slots=True)
class ViewMetadata:
    description: str | None
    ordering: tuple[OrderingKey, ...]
    evidence: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


def parse_metadata(path: Path, text: str) -> ViewMetadata:
    """The metadata in the header of the view file ``path`` whose content is ``text``."""
    reader = _HeaderReader(path)
    for start, end in _header_lines(text):
        match = _HEADER_LINE.match(text, start, end)
        if match:
            reader.line(match)
    return ViewMetadata(
        description="\n".join(reader.description) or None,
        ordering=tuple(reader.ordering),
        evidence=tuple(reader.evidence),
        diagnostics=tuple(reader.diagnostics),
    )


def metadata_of(path: Path, description: str | None, ordering: Iterable[tuple[str, Span]],
                evidence: Iterable[str]) -> ViewMetadata:
    """Metadata given as values (a spec row, a builder) rather than header lines, with the
    same checks; ``ordering`` items come with where each was written."""
    reader = _HeaderReader(path)
    for item, span in ordering:
        reader.add_ordering(item.strip(), span)
    return ViewMetadata(description or None, tuple(reader.ordering),
                        tuple(dict.fromkeys(evidence)), tuple(reader.diagnostics))


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line, its line break excluded: lines end where LSP and
    editors end them (``\n``, ``\r\n``, a lone ``\r``), so every reader of the text agrees."""
    start = 0
    for match in _BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _header_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each comment line before the first line holding SQL."""
    for start, end in _lines(text):
        line = text[start:end]
        content = line.lstrip()
        if content and not content.startswith("--"):
            return
        if content:
            yield start + len(line) - len(content), end


class _HeaderReader:
    """Accumulates values and diagnostics over the header's ``@key`` lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description: list[str] = []
        self.ordering: list[OrderingKey] = []
        self.ordering_span: Span | None = None
        self.evidence: list[str] = []
        self.diagnostics: list[Diagnostic] = []

    def report(self, make, span: Span, message: str, suggestion: str | None = None) -> None:
        diagnostic = make(self.path, span, Code.INVALID_CONTRACT, message, suggestion=suggestion)
        self.diagnostics.append(diagnostic)

    def line(self, match: re.Match[str]) -> None:
        key, key_span = match["key"], Span(*match.span("key"))
        if key.lower() in _COLUMN_KEYS:
            message = (
                "contracts are metadata-only: a view's columns are derived from its query; "
                f"remove '@{key}'"
            )
            self.report(error, key_span, message)
        elif key not in KEYS:
            hint, best = did_you_mean(key, KEYS)
            self.report(warning, key_span, f"unknown metadata key '@{key}'{hint}", best)
        elif not match["colon"]:
            self.report(warning, key_span, f"expected ':' after '@{key}', e.g. '-- @{key}: ...'")
        elif not match["value"]:
            self.report(warning, key_span, f"'@{key}' has no value; add one or remove the line")
        else:
            getattr(self, f"read_{key}")(match["value"], match.start("value"), key_span)

    def read_description(self, value: str, start: int, key_span: Span) -> None:
        self.description.append(value)

    def read_evidence(self, value: str, start: int, key_span: Span) -> None:
        for tag, _ in self.items(value, start, "evidence tag"):
            if tag not in self.evidence:
                self.evidence.append(tag)

    def read_ordering(self, value: str, start: int, key_span: Span) -> None:
        if self.ordering_span is not None:
            message = "'@ordering' is declared twice; list all ordering keys on one line"
            self.report(warning, key_span, message)
            return
        self.ordering_span = key_span
        for item, span in self.items(value, start, "ordering key"):
            self.add_ordering(item, span)

    def add_ordering(self, item: str, span: Span) -> None:
        key = self.ordering_key(item, span)
        if key and any(seen.name == key.name for seen in self.ordering):
            self.report(warning, key.span, f"'{key.name}' is already an ordering key")
        elif key:
            self.ordering.append(key)

    def ordering_key(self, item: str, span: Span) -> OrderingKey | None:
        match = _ORDERING_KEY.fullmatch(item)
        if not match:
            self.report(error, span, f"invalid ordering key '{item}'; write 'column [ASC|DESC]'")
            return None
        name = match["name"]
        name = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
        descending = (match["direction"] or "").lower() == "desc"
        return OrderingKey(name, descending, Span(span.start, span.start + match.end("name")))

    def items(self, value: str, start: int, what: str) -> Iterator[tuple[str, Span]]:
        """Comma-separated items of ``value`` (at offset ``start``) with their spans."""
        for comma, piece in _split_commas(value):
            stripped = piece.strip()
            offset = start + comma + len(piece) - len(piece.lstrip())
            if not stripped:
                self.report(warning, Span(offset, offset), f"empty {what}; remove the extra ','")
                continue
            yield stripped, Span(offset, offset + len(stripped))


def _split_commas(value: str) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` for each comma-separated piece; commas inside quotes don't split."""
    offset = 0
    for match in re.finditer(r'"(?:[^"]|"")*"|,', value):
        if match.group() == ",":
            yield offset, value[offset : match.start()]
            offset = match.end()
    yield offset, value[offset:]


def query_start(text: str) -> Span:
    """The first word of the query, past the metadata header and comments."""
    for offset, line_end in _lines(text):
        line = text[offset:line_end]
        stripped = line.strip()
        if stripped and not stripped.startswith("--"):
            start = offset + len(line) - len(line.lstrip())
            end = start
            while end < len(text) and not text[end].isspace():
                end += 1
            return Span(start, end)
    return Span(0, 0)

"""The one place where core positions meet LSP positions.

The core speaks in character offsets; LSP in (line, UTF-16 code unit) pairs. Every
conversion in either direction goes through this module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from viewls.diagnostics import Diagnostic, Severity
from viewls.text import LineIndex, Span

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


class Document:
    """A text with its line index, converting offsets to and from LSP positions, whose
    characters count in the position encoding negotiated with the client (UTF-16 unless
    the client offered another: Neovim prefers UTF-8)."""

    __slots__ = ("text", "_index", "_encoding")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self._index = LineIndex(text)
        self._encoding = encoding

    def position(self, offset: int) -> types.Position:
        line, column = self._index.position(offset)
        start = self._index.offset(line, 0)
        return types.Position(line=line, character=self.units(self.text[start:start + column]))

    def units(self, text: str) -> int:
        """The length of ``text`` in the negotiated code units."""
        if self._encoding == UTF32 or text.isascii():
            return len(text)
        # surrogatepass: a lone surrogate (JSON allows "\ud800") is one UTF-16 code unit.
        if self._encoding == UTF8:
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text.encode("utf-16-le", "surrogatepass")) // 2

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.start), end=self.position(span.end))

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position (clamped to the text)."""
        line_start = self._index.offset(position.line, 0)
        if position.line >= self._index.line_count:
            return len(self.text)
        line_end = self._index.line_span(position.line).end
        units = 0
        offset = line_start
        while offset < line_end and units < position.character:
            units += self.units(self.text[offset])
            offset += 1
        return offset


def uri(path: Path) -> str:
    return path.as_uri()


def path_of(uri: str) -> Path | None:
    """The file behind a URI; None for URIs that are not files."""
    path = to_fs_path(uri)
    return Path(path).resolve() if path else None


def diagnostic(d: Diagnostic, document: Document,
               documents: Callable[[Path], Document | None]) -> types.Diagnostic:
    related = []
    for r in d.related:
        other = documents(r.path)
        if other is not None:
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri(r.path), range=other.range(r.span)), message=r.message))
    return types.Diagnostic(
        range=document.range(d.span),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=str(d.code),
        source="viewls",
        related_information=related or None,
        data={"suggestion": d.suggestion} if d.suggestion is not None else None,
    )

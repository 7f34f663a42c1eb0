"""Source text positions.

The core speaks in character offsets into a file's text (Python ``str`` indices).
Lines and columns are derived on output only: 1-based characters for the CLI,
UTF-16 code units for LSP (converted in ``viewls.lsp`` alone).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` in one file's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span {self.start}..{self.end}")

    def cover(self, other: Span) -> Span:
        """The smallest span holding both."""
        return Span(min(self.start, other.start), max(self.end, other.end))


class LineIndex:
    """Maps offsets to (line, column) pairs, both 0-based, columns in characters.

    Lines end as LSP (and editors) end them: at \\n, \\r\\n or a lone \\r, and nowhere
    else (str.splitlines also breaks at \\f, \\v, \\x85, U+2028, ...).
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        if "\r" in text and text.count("\r") != text.count("\r\n"):
            starts = [0, *(match.end() for match in _BREAK.finditer(text))]
        else:  # \n alone ends every line (the usual case; \r\n ends where its \n does)
            starts = [0]
            find = text.find
            at = find("\n")
            while at != -1:
                starts.append(at + 1)
                at = find("\n", at + 1)
        self._starts = starts
        self._text = text

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self._text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def offset(self, line: int, column: int) -> int:
        if line >= len(self._starts):
            return len(self._text)
        line = max(line, 0)
        return min(self._starts[line] + max(column, 0), self._end(line))

    def line_span(self, line: int) -> Span:
        """The span of a line without its line break."""
        return Span(self._starts[line], self._end(line))

    def _end(self, line: int) -> int:
        if line + 1 >= len(self._starts):
            return len(self._text)
        end = self._starts[line + 1] - 1
        return end - 1 if self._text[end] == "\n" and end > 0 and self._text[end - 1] == "\r" else end


_BREAK = re.compile(r"\r\n?|\n")


def find_word(text: str, name: str, start: int = 0) -> Span | None:
    """The first occurrence of ``name`` from ``start`` as a whole word, quoted or not, in
    any case: where SQL text names something a message or a parser only knows by name."""
    pattern = re.compile(r'(?<![\w"])("?)' + re.escape(name) + r'\1(?![\w"])', re.IGNORECASE)
    match = pattern.search(text, start)
    return Span(match.start(), match.end()) if match else None


def moved(value, delta: int, path: object):
    """``value`` with every span in the file ``path`` moved by ``delta`` characters: what an
    unchanged definition becomes when an edit before it shifts its text.

    Walks frozen dataclasses and tuples; a dataclass naming another file (a related
    location, an upstream cause) is left as it is; a value with ``moved_by`` moves itself.
    """
    if not delta:
        return value
    if isinstance(value, Span):
        return Span(value.start + delta, value.end + delta)
    if isinstance(value, tuple):
        items = [moved(item, delta, path) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if hasattr(value, "moved_by"):
        return value.moved_by(delta)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    if getattr(value, "path", path) != path:
        return value
    changes = {}
    for field in dataclasses.fields(value):
        old = getattr(value, field.name)
        new = moved(old, delta, path)
        if new is not old:
            changes[field.name] = new
    return dataclasses.replace(value, **changes) if changes else value

"""Source text positions.

The core speaks in character offsets into a file's text (Python ``str`` indices).
Lines and columns are derived on output only: 1-based characters for the CLI,
UTF-16 code units for LSP (converted in ``viewls.lsp`` alone).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` in one file's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span {self.start}..{self.end}")


class LineIndex:
    """Maps offsets to (line, column) pairs, both 0-based, columns in characters."""

    __slots__ = ("_starts", "_length")

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        at = find("\n")
        while at != -1:
            starts.append(at + 1)
            at = find("\n", at + 1)
        self._starts = starts
        self._length = len(text)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self._length))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def offset(self, line: int, column: int) -> int:
        if line >= len(self._starts):
            return self._length
        start = self._starts[max(line, 0)]
        end = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else self._length
        return min(start + max(column, 0), end)

    def line_span(self, line: int) -> Span:
        """The span of a line without its newline."""
        start = self._starts[line]
        end = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else self._length
        return Span(start, end)

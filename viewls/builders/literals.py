"""Where a builder's SQL text sits in its module, when it is written there as a literal.

A builder that returns `"SELECT ..."` as written in its module lets a diagnostic inside the
query land on the exact characters, as in a SQL file. Only a plain literal qualifies: the
query must be the literal's value character for character as written (no escapes, no
implicit concatenation), and no other literal in the module may hold the same text.
"""

from __future__ import annotations

import ast

from viewls.text import LineIndex, Span


class Literals:
    """The module's string literals by value, each with the span of its characters (None if
    the value is written more than once or not verbatim)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: dict[str, Span | None] | None = None

    def find(self, value: str) -> Span | None:
        if self._spans is None:
            self._spans = self._collect()
        return self._spans.get(value)

    def _collect(self) -> dict[str, Span | None]:
        """Parsed on first use: most modules never return a literal query."""
        try:
            tree = ast.parse(self._text)
        except (SyntaxError, ValueError):
            return {}
        lines = LineIndex(self._text)
        spans: dict[str, Span | None] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
                span = _verbatim(self._text, lines, node)
                spans[node.value] = None if node.value in spans else span
        return spans


def _verbatim(text: str, lines: LineIndex, node: ast.Constant) -> Span | None:
    """The span of the node's value inside its quotes, if the source writes it verbatim."""
    row = node.lineno - 1
    if row >= lines.line_count:
        return None
    line = lines.line_span(row)
    before = text[line.start : line.end].encode()[: node.col_offset]  # col_offset counts UTF-8 bytes
    quote = line.start + len(before.decode(errors="replace"))
    for _ in range(2):  # past a prefix: r, u, f, rb, ...
        if text[quote : quote + 1] not in ("'", '"'):
            quote += 1
    delimiter = text[quote : quote + 3] if text[quote : quote + 3] in ('"""', "'''") else text[quote : quote + 1]
    if delimiter not in ('"', "'", '"""', "'''"):
        return None
    begin = quote + len(delimiter)
    end = begin + len(node.value)
    if text[begin:end] != node.value or text[end : end + len(delimiter)] != delimiter:
        return None
    return Span(begin, end)

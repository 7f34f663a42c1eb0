"""LineIndex counts lines as LSP does: a line ends at \\n, \\r\\n or a lone \\r, never at the
other characters Python's str.splitlines breaks at."""

from __future__ import annotations

import pytest

from viewls.text import LineIndex, Span

TEXTS = [
    "",
    "SELECT 1",
    "a\nbb\n",
    "a\r\nbb\r\nccc",
    "a\rbb\rccc\r",
    "a\r\n\rb\n\r\nc\r\r\n",
    "page\x0cbreak\vtab\x1c\x1d\x1e\x85\u2028\u2029 one line\nsecond",
]


def lsp_lines(text: str) -> list[str]:
    """The lines LSP sees, without their breaks."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@pytest.mark.parametrize("text", TEXTS)
def test_lines_break_at_lsp_line_breaks_only(text):
    index = LineIndex(text)
    lines = lsp_lines(text)
    assert index.line_count == len(lines)
    assert [text[span.start:span.end] for span in map(index.line_span, range(index.line_count))] == lines


@pytest.mark.parametrize("text", TEXTS)
def test_positions_and_offsets_round_trip(text):
    index = LineIndex(text)
    for line in range(index.line_count):
        span = index.line_span(line)
        for offset in range(span.start, span.end + 1):
            assert index.position(offset) == (line, offset - span.start)
            assert index.offset(line, offset - span.start) == offset


def test_columns_past_the_end_of_a_line_stop_before_its_break():
    index = LineIndex("ab\r\ncd\ref")
    assert index.offset(0, 99) == 2 and index.offset(1, 99) == 6 and index.offset(2, 99) == 9
    assert index.line_span(0) == Span(0, 2) and index.line_span(1) == Span(4, 6)
    assert index.offset(7, 0) == 9
    assert index.position(5) == (1, 1) and index.position(8) == (2, 1)


def test_a_form_feed_or_unicode_separator_does_not_start_a_line():
    text = "SELECT '\x0c' AS a,\u2028x\nbb FROM t"
    index = LineIndex(text)
    assert index.position(text.index("bb")) == (1, 0)
    assert index.position(text.index("x")) == (0, text.index("x"))

"""The text model: bytes decoded strictly, editor text made valid without moving a position."""

from __future__ import annotations

import pytest

from viewls.diagnostics import Code
from viewls.source_text import decode, normalize
from viewls.text import LineIndex, Span

# (bytes, the text analysed or shown, the problem's span and message, or None)
DECODED = [
    (b"SELECT 1", "SELECT 1", None),
    (b"\xef\xbb\xbfSELECT 1", "SELECT 1", None),  # a byte order mark is not text
    (b"\xef\xbb\xbf\xef\xbb\xbfSELECT 1", " SELECT 1", None),  # a second one is a stray U+FEFF
    (b"-- c\r\nSELECT 1\rFROM t", "-- c\r\nSELECT 1\nFROM t", None),  # a lone CR ends a line for DataFusion too
    (b"-- a\n-- b\nSELECT 'se\xf1or'", "-- a\n-- b\nSELECT 'se\ufffdor'",
     (Span(20, 21), "not UTF-8: byte 0xF1 at line 3, column 11; save the file as UTF-8")),
    (b"-- a\rSELECT '\xe9'", "-- a\nSELECT '\ufffd'",
     (Span(13, 14), "not UTF-8: byte 0xE9 at line 2, column 9; save the file as UTF-8")),
    (b"\xef\xbb\xbf\xff", "\ufffd", (Span(0, 1), "not UTF-8: byte 0xFF at line 1, column 1; save the file as UTF-8")),
    (b"SELECT '\xed\xa0\x80'", "SELECT '\ufffd\ufffd\ufffd'",  # an encoded surrogate is not UTF-8
     (Span(8, 9), "not UTF-8: byte 0xED at line 1, column 9; save the file as UTF-8")),
]


@pytest.mark.parametrize(("data", "text", "problem"), DECODED)
def test_bytes_are_decoded_strictly_and_the_first_bad_byte_is_named(data, text, problem):
    source = decode(data)
    assert source.text == text
    assert [(p.span, p.message) for p in source.problems] == ([problem] if problem else [])
    assert all(p.code is Code.UNREADABLE_FILE for p in source.problems)


@pytest.mark.parametrize(("buffer", "text", "spans"), [
    ("SELECT 1 AS x", "SELECT 1 AS x", []),
    ("\ufeffSELECT 1 AS x", " SELECT 1 AS x", []),
    ("-- c\r'abc'\r\n\rSELECT 1", "-- c\n'abc'\r\n\nSELECT 1", []),
    ("SELECT \ud800 AS x", "SELECT \ufffd AS x", [Span(7, 8)]),
    ("SELECT '\udc00\ud83d' AS x, '😀'", "SELECT '\ufffd\ufffd' AS x, '😀'", [Span(8, 9)]),  # the first
])
def test_editor_text_is_normalized_without_moving_a_position(buffer, text, spans):
    source = normalize(buffer)
    assert source.text == text and len(source.text) == len(buffer)
    assert len(source.text.encode("utf-16-le")) == len(buffer.encode("utf-16-le", "surrogatepass"))
    lines, original = LineIndex(source.text), LineIndex(buffer)
    assert all(lines.position(offset) == original.position(offset) for offset in range(len(buffer) + 1))
    assert [p.span for p in source.problems] == spans
    for problem in source.problems:
        assert problem.message.startswith(f"invalid text: lone surrogate U+{ord(buffer[problem.span.start]):04X}")
    assert source.readable == (not spans)

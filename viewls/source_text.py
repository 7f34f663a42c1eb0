"""The one text model: how bytes from disk and strings from an editor become the text
viewls analyses, in ``check``, ``materialize`` and the language server alike.

- Bytes are UTF-8, decoded strictly: a file that is not UTF-8 is not analysed (a
  replacement character would silently change its strings), and a diagnostic names the
  first offending byte. A leading UTF-8 byte order mark is not text (editors hide it).
- Every change to the text keeps its length in code points, UTF-16 code units and UTF-8
  bytes, and its lines (which end at ``\\n``, ``\\r\\n`` or a lone ``\\r``, as LSP says):
  no position moves, whether counted by ``check`` or by an editor.
- A lone ``\\r`` (an old Mac line end) is read as ``\\n``: editors and LSP end a line
  there, but DataFusion's ``--`` comments run to a ``\\n``, so the text would not mean
  what the editor shows. ``\\r\\n`` stays as written.
- An editor's buffer may hold what no file can: a lone UTF-16 surrogate (JSON allows
  ``"\\ud800"``), or a leading U+FEFF the editor did not hide. A surrogate becomes U+FFFD
  (reported at its character, and the text is not analysed); a leading U+FEFF, a byte
  order mark rather than text, becomes a space (one UTF-8 byte where the mark has three:
  the one exception to lengths kept, on the first line of a client counting UTF-8).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from viewls.diagnostics import Code
from viewls.text import LineIndex, Span

_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_CR = re.compile(r"\r(?!\n)")


@dataclass(frozen=True, slots=True)
class TextProblem:
    """Why a text cannot be analysed, and where (``Span(0, 0)``: the file as a whole)."""

    span: Span
    message: str
    code: Code = Code.UNREADABLE_FILE


@dataclass(frozen=True, slots=True)
class SourceText:
    """A file's text as analysed; with problems, it is shown but never analysed."""

    text: str
    problems: tuple[TextProblem, ...] = ()

    @property
    def readable(self) -> bool:
        return not self.problems


def unreadable(message: str, code: Code = Code.UNREADABLE_FILE) -> SourceText:
    """A file whose text could not be read at all."""
    return SourceText("", (TextProblem(Span(0, 0), message, code),))


def as_source(value: str | SourceText) -> SourceText:
    """Text entering analysis: a ``SourceText`` read from disk as it is, an editor's
    string normalized."""
    return value if isinstance(value, SourceText) else normalize(value)


def normalize(text: str) -> SourceText:
    """Text as analysed: a leading U+FEFF becomes a space, a lone ``\\r`` a ``\\n``, each
    lone surrogate U+FFFD (the first, a problem at its character); positions are unchanged."""
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        text = _LONE_CR.sub("\n", text)
    if not _has_surrogate(text):
        return SourceText(text)
    first = _SURROGATE.search(text)  # the first, as a file's first byte that is not UTF-8
    problem = TextProblem(Span(first.start(), first.end()),
                          f"invalid text: lone surrogate U+{ord(first.group()):04X} is not a character "
                          "(the editor sent text no file can hold); delete it")
    return SourceText(_SURROGATE.sub("\ufffd", text), (problem,))


def _has_surrogate(text: str) -> bool:
    """Fast on every keystroke: ASCII is known in O(1), other text encodes at C speed."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def decode(data: bytes) -> SourceText:
    """A file's bytes, decoded strictly as UTF-8 (a leading byte order mark dropped)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return normalize(data.decode("utf-8"))  # strict UTF-8 never yields a surrogate
    except UnicodeDecodeError as failure:
        bad = failure.start
    text = normalize(data.decode("utf-8", errors="replace")).text  # shown, never analysed
    offset = len(data[:bad].decode("utf-8"))
    line, column = LineIndex(text).position(offset)
    message = (f"not UTF-8: byte 0x{data[bad]:02X} at line {line + 1}, column {column + 1}; "
               "save the file as UTF-8")
    return SourceText(text, (TextProblem(Span(offset, offset + 1), message),))

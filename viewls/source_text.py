"""The one text model: how bytes from disk and strings from an editor become the text
viewls analyses, in ``check``, ``materialize`` and the language server alike.

- Bytes are UTF-8, decoded strictly: a file that is not UTF-8 is not analysed (a
  replacement character would silently change its strings), and a diagnostic names the
  first offending byte. A leading UTF-8 byte order mark is not text (editors hide it).
- Text is kept exactly as written: no line-ending translation (lines end at ``\\n``,
  ``\\r\\n`` or a lone ``\\r``, as LSP says, see ``viewls.text.LineIndex``).
- An editor's buffer may hold what no file can: a lone UTF-16 surrogate (JSON allows
  ``"\\ud800"``), or a leading U+FEFF the editor did not hide. Each is replaced by a
  character of the same length in code points and UTF-16 code units, so no position
  moves: a surrogate by U+FFFD (reported, and the text is not analysed), a leading
  U+FEFF by a space (it is a byte order mark, not text).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from viewls.diagnostics import Code
from viewls.text import LineIndex, Span

_SURROGATE = re.compile("[\ud800-\udfff]")


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
    string made valid Unicode."""
    return value if isinstance(value, SourceText) else from_editor(value)


def from_editor(text: str) -> SourceText:
    """An editor's buffer: a leading U+FEFF becomes a space, each lone surrogate U+FFFD
    (a problem at its character); positions are unchanged."""
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    if not _SURROGATE.search(text):
        return SourceText(text)
    problems = tuple(
        TextProblem(Span(match.start(), match.end()),
                    f"invalid text: lone surrogate U+{ord(match.group()):04X} is not a character "
                    "(the editor sent text no file can hold); delete it")
        for match in _SURROGATE.finditer(text))
    return SourceText(_SURROGATE.sub("\ufffd", text), problems)


def decode(data: bytes) -> SourceText:
    """A file's bytes, decoded strictly as UTF-8 (a leading byte order mark dropped)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return from_editor(data.decode("utf-8"))  # strict UTF-8 never yields a surrogate
    except UnicodeDecodeError as failure:
        bad = failure.start
    text = from_editor(data.decode("utf-8", errors="replace")).text  # shown, never analysed
    offset = len(data[:bad].decode("utf-8"))
    line, column = LineIndex(text).position(offset)
    message = (f"not UTF-8: byte 0x{data[bad]:02X} at line {line + 1}, column {column + 1}; "
               "save the file as UTF-8")
    return SourceText(text, (TextProblem(Span(offset, offset + 1), message),))

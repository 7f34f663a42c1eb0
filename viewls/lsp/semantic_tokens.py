"""textDocument/semanticTokens/full and /range: the analysis' token kinds in LSP encoding.

The legend uses standard token types so every theme colours them: a view is a
``class``, an extract a ``struct``, a CTE a ``namespace`` (as in document symbols), a
function a ``function`` (built-ins add ``defaultLibrary``, native UDFs do not), a column
a ``property``, a table alias a ``variable``; ``declaration`` marks where a CTE, an alias
or an output column is defined. Tokens never overlap and are split at line ends, as
clients without multiline token support require.
"""

from __future__ import annotations

from collections.abc import Iterator

from lsprotocol import types

from viewls.ide.semantic_tokens import SemanticToken, semantic_tokens
from viewls.lsp.convert import Document
from viewls.lsp.server import ViewlsServer
from viewls.text import Span

_TYPES = ["class", "struct", "namespace", "function", "property", "variable"]
_MODIFIERS = ["declaration", "defaultLibrary"]
LEGEND = types.SemanticTokensLegend(token_types=_TYPES, token_modifiers=_MODIFIERS)

_DECLARATION = 1 << _MODIFIERS.index("declaration")
# Analysis kind -> (token type index, modifier bits).
_KINDS = {
    "view": (_TYPES.index("class"), 0),
    "extract": (_TYPES.index("struct"), 0),
    "cte": (_TYPES.index("namespace"), 0),
    "udf": (_TYPES.index("function"), 0),
    "function": (_TYPES.index("function"), 1 << _MODIFIERS.index("defaultLibrary")),
    "column": (_TYPES.index("property"), 0),
    "alias": (_TYPES.index("variable"), 0),
}


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    async def on_full(ls: ViewlsServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        settled = await ls.settled_file(params.text_document.uri)
        if settled is None:
            return types.SemanticTokens(data=[])
        _, snapshot, path, document = settled
        return types.SemanticTokens(data=_encode(document, semantic_tokens(snapshot, path)))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    async def on_range(ls: ViewlsServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
        settled = await ls.settled_file(params.text_document.uri)
        if settled is None:
            return types.SemanticTokens(data=[])
        _, snapshot, path, document = settled
        start, end = document.offset(params.range.start), document.offset(params.range.end)
        tokens = [t for t in semantic_tokens(snapshot, path) if t.span.end > start and t.span.start < end]
        return types.SemanticTokens(data=_encode(document, tokens))


def _encode(document: Document, tokens: list[SemanticToken]) -> list[int]:
    """The relative five-integer encoding of ``tokens`` (in source order), one entry per line piece."""
    data: list[int] = []
    line = character = 0
    for token in tokens:
        kind, modifiers = _KINDS[token.kind]
        if token.declaration:
            modifiers |= _DECLARATION
        for piece in _line_pieces(document.text, token.span):
            start, end = document.position(piece.start), document.position(piece.end)
            if end.character == start.character:
                continue
            data += [start.line - line, start.character - character if start.line == line else start.character,
                     end.character - start.character, kind, modifiers]
            line, character = start.line, start.character
    return data


def _line_pieces(text: str, span: Span) -> Iterator[Span]:
    """``span`` cut at line breaks (which belong to no piece)."""
    start = span.start
    while (newline := text.find("\n", start, span.end)) != -1:
        yield Span(start, newline - 1 if newline > start and text[newline - 1] == "\r" else newline)
        start = newline + 1
    yield Span(start, span.end)

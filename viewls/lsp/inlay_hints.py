"""textDocument/inlayHint: output column types, from the settled snapshot."""

from __future__ import annotations

from lsprotocol import types

from viewls.ide.inlay_hints import inlay_hints
from viewls.lsp.server import ViewlsServer
from viewls.text import Span


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    async def on_inlay_hint(ls: ViewlsServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        settled = await ls.settled_file(params.text_document.uri)
        if settled is None:
            return []
        _, snapshot, path, document = settled
        start = document.offset(params.range.start)
        within = Span(start, max(start, document.offset(params.range.end)))
        return [types.InlayHint(position=document.position(hint.offset), label=hint.label,
                                kind=types.InlayHintKind.Type)
                for hint in inlay_hints(snapshot, path, within)]

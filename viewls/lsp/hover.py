"""textDocument/hover: reads a snapshot, converts positions, nothing else."""

from __future__ import annotations

from lsprotocol import types

from viewls.ide.hover import hover
from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ViewlsServer, params: types.HoverParams) -> types.Hover | None:
        analysed = ls.analysed(params.text_document.uri)
        if analysed is None:
            return None
        project, source, document = analysed
        found = hover(project.snapshot, source.path, document.offset(params.position))
        if found is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
                           range=document.range(found.span))

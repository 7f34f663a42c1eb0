"""textDocument/hover: reads a snapshot, converts positions, nothing else."""

from __future__ import annotations

from lsprotocol import types

from viewls.analysis.hover import hover
from viewls.lsp.convert import Document
from viewls.lsp.server import ViewlsServer
from viewls.lsp.sync import path_of


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ViewlsServer, params: types.HoverParams) -> types.Hover | None:
        path = path_of(params.text_document.uri)
        project = ls.project_for(path) if path else None
        snapshot = project.snapshot if project is not None else None
        if snapshot is None:
            return None
        view = snapshot.files.get(path)
        if view is None:
            return None
        document = Document(view.parsed.text)
        found = hover(snapshot, path, document.offset(params.position))
        if found is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
                           range=document.range(found.span))

"""Document synchronization (incremental): the editor's buffers are what gets analysed."""

from __future__ import annotations

from lsprotocol import types

from viewls.lsp.convert import path_of
from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ViewlsServer, params: types.DidOpenTextDocumentParams) -> None:
        _update(ls, params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ViewlsServer, params: types.DidChangeTextDocumentParams) -> None:
        _update(ls, params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ViewlsServer, params: types.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        project = ls.project_for(path) if path else None
        if project is None:
            return
        project.open.pop(path, None)
        project.announced.discard(path)
        ls.schedule(project, path, project.disk_text(path))  # the saved file is the truth again


def _update(ls: ViewlsServer, uri: str, version: int | None) -> None:
    path = path_of(uri)
    project = ls.project_for(path) if path else None
    if project is None:
        return
    text = ls.workspace.get_text_document(uri).source  # pygls applied the incremental edits
    project.open[path] = (version, text)
    ls.schedule(project, path, text)

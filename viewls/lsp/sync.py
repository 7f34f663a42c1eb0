"""Document synchronization (incremental): the editor's buffers are what gets analysed."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document
from viewls.lsp.server import ViewlsServer


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path).resolve() if path else None


def analysed_view(ls: ViewlsServer, uri: str) -> tuple[Snapshot, ViewAnalysis, Document] | None:
    """The latest snapshot, the view behind ``uri`` in it, and that view's analysed text."""
    path = path_of(uri)
    project = ls.project_for(path) if path else None
    snapshot = project.snapshot if project is not None else None
    view = snapshot.files.get(path) if snapshot is not None else None
    if view is None:
        return None
    return snapshot, view, Document(view.parsed.text)


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

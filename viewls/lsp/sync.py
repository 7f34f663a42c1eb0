"""Document synchronization (incremental): the editor's buffers are what gets analysed.

pygls's own didChange handler applies a change's range to the lines of str.splitlines,
which also breaks at \\f, \\v, \\x1c-\\x1e, \\x85, U+2028 and U+2029 (and clamps, in place,
positions it finds past those lines' ends): the buffer would silently diverge from the
editor's. The changes are applied here instead, with LSP's line breaks (\\n, \\r\\n, \\r)
and the one position conversion (``Document``), and the result is stored in pygls's
document, whose text the rest of the server reads.
"""

from __future__ import annotations

from functools import partial

from lsprotocol import types

from viewls.lsp.convert import Document, path_of
from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ViewlsServer, params: types.DidOpenTextDocumentParams) -> None:
        _update(ls, params.text_document.uri, params.text_document.version)

    # Replaces pygls's built-in handler, which would apply the changes first.
    server.protocol.fm.add_builtin_feature(types.TEXT_DOCUMENT_DID_CHANGE, partial(_did_change, server))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ViewlsServer, params: types.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        project = ls.project_for(path) if path else None
        if project is None:
            return
        project.open.pop(path, None)
        project.announced.discard(path)
        ls.schedule(project, path, project.disk_source(path))  # the saved file is the truth again


def apply_change(text: str, change: types.TextDocumentContentChangeEvent, encoding: str) -> str:
    """``text`` once ``change`` is applied, its range read in the negotiated ``encoding``."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return change.text
    document = Document(text, encoding)
    start = document.offset(change.range.start)
    end = max(start, document.offset(change.range.end))
    return text[:start] + change.text + text[end:]


def _did_change(ls: ViewlsServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    text = document.source
    for change in params.content_changes:
        text = apply_change(text, change, ls.position_encoding)
    document.apply_change(types.TextDocumentContentChangeWholeDocument(text=text))
    document.version = params.text_document.version
    _update(ls, params.text_document.uri, params.text_document.version)


def _update(ls: ViewlsServer, uri: str, version: int | None) -> None:
    path = path_of(uri)
    project = ls.project_for(path) if path else None
    if project is None:
        return
    text = ls.workspace.get_text_document(uri).source
    project.open[path] = (version, text)
    ls.schedule(project, path, text)

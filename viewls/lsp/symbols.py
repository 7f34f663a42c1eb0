"""textDocument/documentSymbol and workspace/symbol."""

from __future__ import annotations

from lsprotocol import types

from viewls.analysis.host import read_text
from viewls.analysis.symbols import document_symbols, workspace_symbols
from viewls.lsp.convert import Document, uri
from viewls.lsp.server import ViewlsServer
from viewls.lsp.sync import path_of

_KINDS = {"view": types.SymbolKind.Class, "extract": types.SymbolKind.Struct,
          "cte": types.SymbolKind.Namespace, "column": types.SymbolKind.Field}


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_document_symbol(ls: ViewlsServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        path = path_of(params.text_document.uri)
        project = ls.project_for(path) if path else None
        snapshot = project.snapshot if project is not None else None
        view = snapshot.files.get(path) if snapshot is not None else None
        if view is None:
            return []
        document = Document(view.parsed.text)
        return [types.DocumentSymbol(name=s.name, kind=_KINDS[s.kind], detail=s.detail or None,
                                     range=document.range(s.span), selection_range=document.range(s.span))
                for s in document_symbols(snapshot, path)]

    @server.feature(types.WORKSPACE_SYMBOL)
    def on_workspace_symbol(ls: ViewlsServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        found = []
        for project in ls.projects.values():
            snapshot = project.snapshot
            if snapshot is None:
                continue
            texts = {}
            for symbol in workspace_symbols(snapshot, params.query):
                if symbol.path not in texts:
                    view = snapshot.files.get(symbol.path)
                    texts[symbol.path] = Document(view.parsed.text if view else read_text(symbol.path))
                found.append(types.WorkspaceSymbol(
                    name=symbol.name, kind=_KINDS[symbol.kind], container_name=project.root.name,
                    location=types.Location(uri=uri(symbol.path), range=texts[symbol.path].range(symbol.span))))
        return found

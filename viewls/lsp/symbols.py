"""textDocument/documentSymbol and workspace/symbol."""

from __future__ import annotations

from lsprotocol import types

from viewls.analysis.host import read_text
from viewls.analysis.symbols import document_symbols, workspace_symbols
from viewls.lsp.convert import Document, uri
from viewls.lsp.server import ViewlsServer
from viewls.lsp.sync import analysed_view

_KINDS = {"view": types.SymbolKind.Class, "extract": types.SymbolKind.Struct,
          "cte": types.SymbolKind.Namespace, "column": types.SymbolKind.Field}


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_document_symbol(ls: ViewlsServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        analysed = analysed_view(ls, params.text_document.uri)
        if analysed is None:
            return []
        snapshot, view, document = analysed
        return [types.DocumentSymbol(name=s.name, kind=_KINDS[s.kind], detail=s.detail or None,
                                     range=document.range(s.span), selection_range=document.range(s.span))
                for s in document_symbols(snapshot, view.path)]

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

"""textDocument/documentSymbol and workspace/symbol."""

from __future__ import annotations

from lsprotocol import types

from viewls.ide.symbols import document_symbols, workspace_symbols
from viewls.lsp.convert import uri
from viewls.lsp.server import ViewlsServer

_KINDS = {"view": types.SymbolKind.Class, "extract": types.SymbolKind.Struct,
          "cte": types.SymbolKind.Namespace, "column": types.SymbolKind.Field}


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_document_symbol(ls: ViewlsServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        analysed = ls.analysed(params.text_document.uri)
        if analysed is None:
            return []
        project, source, document = analysed

        def convert(s) -> types.DocumentSymbol:
            return types.DocumentSymbol(name=s.name, kind=_KINDS[s.kind], detail=s.detail or None,
                                        range=document.range(s.extent or s.span), selection_range=document.range(s.span),
                                        children=[convert(child) for child in s.children] or None)

        return [convert(s) for s in document_symbols(project.snapshot, source.path)]

    @server.feature(types.WORKSPACE_SYMBOL)
    def on_workspace_symbol(ls: ViewlsServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        found = []
        for project in ls.projects.values():
            snapshot = project.snapshot
            if snapshot is None:
                continue
            documents = {}
            for symbol in workspace_symbols(snapshot, params.query):
                if symbol.path not in documents:
                    documents[symbol.path] = project.document(symbol.path)
                document = documents[symbol.path]
                if document is None:
                    continue
                found.append(types.WorkspaceSymbol(
                    name=symbol.name, kind=_KINDS[symbol.kind], container_name=project.root.name,
                    location=types.Location(uri=uri(symbol.path), range=document.range(symbol.span))))
        return found

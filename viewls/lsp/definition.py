"""textDocument/definition: reads a snapshot, converts positions, nothing else."""

from __future__ import annotations

from lsprotocol import types

from viewls.analysis.host import read_text
from viewls.analysis.navigation import definition
from viewls.lsp.convert import Document, uri
from viewls.lsp.server import ViewlsServer
from viewls.lsp.sync import analysed_view


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: ViewlsServer, params: types.DefinitionParams) -> list[types.Location]:
        analysed = analysed_view(ls, params.text_document.uri)
        if analysed is None:
            return []
        snapshot, view, document = analysed
        locations = []
        for target in definition(snapshot, view.path, document.offset(params.position)):
            other = snapshot.files.get(target.path)
            text = other.parsed.text if other is not None else read_text(target.path)
            locations.append(types.Location(uri=uri(target.path), range=Document(text).range(target.span)))
        return locations

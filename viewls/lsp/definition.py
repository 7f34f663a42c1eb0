"""textDocument/definition: reads a snapshot, converts positions, nothing else."""

from __future__ import annotations

from lsprotocol import types

from viewls.ide.navigation import definition
from viewls.lsp.convert import uri
from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: ViewlsServer, params: types.DefinitionParams) -> list[types.Location]:
        analysed = ls.analysed(params.text_document.uri)
        if analysed is None:
            return []
        project, source, document = analysed
        locations = []
        for target in definition(project.snapshot, source.path, document.offset(params.position)):
            other = project.document(target.path)
            if other is not None:
                locations.append(types.Location(uri=uri(target.path), range=other.range(target.span)))
        return locations

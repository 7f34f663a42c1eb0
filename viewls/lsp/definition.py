"""textDocument/definition: reads a snapshot, converts positions, nothing else."""

from __future__ import annotations

from lsprotocol import types

from viewls.analysis.host import read_text
from viewls.analysis.navigation import definition
from viewls.lsp.convert import Document, uri
from viewls.lsp.server import ViewlsServer
from viewls.lsp.sync import path_of


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: ViewlsServer, params: types.DefinitionParams) -> list[types.Location]:
        path = path_of(params.text_document.uri)
        project = ls.project_for(path) if path else None
        snapshot = project.snapshot if project is not None else None
        view = snapshot.files.get(path) if snapshot is not None else None
        if view is None:
            return []
        offset = Document(view.parsed.text).offset(params.position)
        locations = []
        for target in definition(snapshot, path, offset):
            other = snapshot.files.get(target.path)
            text = other.parsed.text if other is not None else read_text(target.path)
            locations.append(types.Location(uri=uri(target.path), range=Document(text).range(target.span)))
        return locations

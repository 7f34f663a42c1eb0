"""textDocument/references: waits until every recorded edit is analysed (the answer must
match the buffers exactly), then converts. Also answers in viewls.toml, on an extract's
entry."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from viewls.analysis.references import references
from viewls.lsp.convert import Document, uri
from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(ls: ViewlsServer, params: types.ReferenceParams) -> list[types.Location]:
        found = await ls.settled_file(params.text_document.uri)
        if found is None:
            return []
        project, snapshot, path, document = found
        offset = document.offset(params.position)
        # Off the event loop: every file that reads a view is parsed again.
        found = await asyncio.to_thread(references, snapshot, path, offset, params.context.include_declaration)
        documents: dict[Path, Document | None] = {}
        locations = []
        for location in found:
            if location.path not in documents:
                documents[location.path] = project.document(location.path)
            target = documents[location.path]
            if target is not None:
                locations.append(types.Location(uri=uri(location.path), range=target.range(location.span)))
        return locations


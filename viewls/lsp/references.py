"""textDocument/references: waits until every recorded edit is analysed (the answer must
match the buffers exactly), then converts. Also answers in viewls.toml, on an extract's
entry."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from viewls.analysis.references import references
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document, path_of, uri
from viewls.lsp.server import ViewlsServer
from viewls.lsp.workspace import Project
from viewls.project.config import CONFIG_FILE


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(ls: ViewlsServer, params: types.ReferenceParams) -> list[types.Location]:
        found = await settled_file(ls, params.text_document.uri)
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
                documents[location.path] = document_of(project, snapshot, location.path)
            target = documents[location.path]
            if target is not None:
                locations.append(types.Location(uri=uri(location.path), range=target.range(location.span)))
        return locations


async def settled_file(ls: ViewlsServer, file_uri: str) -> tuple[Project, Snapshot, Path, Document] | None:
    """The project of a view file or viewls.toml, its snapshot once every recorded edit is
    analysed, the file's path and its text as analysed."""
    path = path_of(file_uri)
    project = await ls.project_of(file_uri)
    if project is None and path is not None and path.name == CONFIG_FILE:
        project = ls.projects.get(path.parent)
    if project is None:
        return None
    snapshot = await ls.settled(project)
    document = document_of(project, snapshot, path) if snapshot is not None else None
    return (project, snapshot, path, document) if document is not None else None


def document_of(project: Project, snapshot: Snapshot, path: Path) -> Document | None:
    """A file's text as ``snapshot`` analysed it (viewls.toml: as on disk)."""
    view = snapshot.files.get(path)
    return Document(view.parsed.text) if view is not None else project.document(path)

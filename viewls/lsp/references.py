"""textDocument/references: waits until every recorded edit is analysed (the answer must
match the buffers exactly), then converts. Also answers in viewls.toml, on an extract's
entry.

Spans are converted on the texts of the snapshot they were found in: the project's
latest snapshot may be newer by the time the search is done.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified

from viewls.ide.references import references
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document, uri
from viewls.lsp.server import ViewlsServer
from viewls.lsp.workspace import Project
from viewls.project.config import load_config


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(ls: ViewlsServer, params: types.ReferenceParams) -> list[types.Location]:
        found = await ls.settled_file(params.text_document.uri)
        if found is None:
            return []
        project, snapshot, path, _ = found
        documents: dict[Path, Document | None] = {}
        document = _analysed(ls, project, snapshot, path, documents)
        if document is None:
            return []
        offset = document.offset(params.position)
        # Off the event loop: every file that reads a view is parsed again.
        found = await asyncio.to_thread(references, snapshot, path, offset, params.context.include_declaration)
        locations = []
        for location in found:
            target = _analysed(ls, project, snapshot, location.path, documents)
            if target is not None:
                locations.append(types.Location(uri=uri(location.path), range=target.range(location.span)))
        return locations


def _analysed(ls: ViewlsServer, project: Project, snapshot: Snapshot, path: Path,
              cache: dict[Path, Document | None]) -> Document | None:
    """``path``'s text as ``snapshot`` analysed it, in the client's encoding. The snapshot
    does not keep viewls.toml's text: the file on disk serves if it still reads as the
    snapshot's config (same extracts at the same offsets), else the answer is stale."""
    if path not in cache:
        source = snapshot.sources.get(path)
        if source is not None:
            cache[path] = ls.document(source.text)
        elif path == snapshot.config.config_path:
            text = project.disk_text(path)
            if text is None or load_config(snapshot.root, text) != snapshot.config:
                raise JsonRpcContentModified(f"{path.name} changed on disk; try again once it is analysed")
            cache[path] = ls.document(text)
        else:
            cache[path] = None
    return cache[path]

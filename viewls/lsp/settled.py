"""The analysed view behind a URI once every recorded edit is analysed.

For answers drawn over the buffer the client shows (lenses, inlay hints, semantic
tokens): an older snapshot would place them at stale offsets, and clients do not ask
again when the analysis catches up.
"""

from __future__ import annotations

from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document, path_of
from viewls.lsp.server import ViewlsServer


async def settled_view(ls: ViewlsServer, uri: str) -> tuple[Snapshot, ViewAnalysis, Document] | None:
    project = await ls.project_of(uri)
    snapshot = await ls.settled(project) if project is not None else None
    view = snapshot.files.get(path_of(uri)) if snapshot is not None else None
    if view is None:
        return None
    return snapshot, view, Document(view.parsed.text)

"""Delivering diagnostics: pushed for files whose diagnostics changed, open or not, or,
for clients that pull, a refresh request that makes them ask again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document, diagnostic, uri
from viewls.lsp.lens_refresh import refresh_lenses

if TYPE_CHECKING:
    from viewls.lsp.workspace import Project


def publish_changed(server: LanguageServer, project: Project, snapshot: Snapshot, pull: bool) -> None:
    """Record ``snapshot`` as the project's and deliver what changed (``pull``: the client
    pulls diagnostics, so it is only told to ask again)."""
    old = project.snapshot
    changed = project.record(snapshot)
    refresh_lenses(server, old, snapshot)
    if pull:
        if changed:
            server.workspace_diagnostic_refresh(None)
        return
    # Open documents get a first publication even when clean, so the editor knows they were checked.
    unannounced = set(project.open) - project.announced
    documents: dict[Path, Document | None] = {}

    def document(path: Path) -> Document | None:
        if path not in documents:
            documents[path] = project.document(path)
        return documents[path]

    for path in sorted(changed | unannounced):
        items = lsp_diagnostics(project, path, document)
        if items is None:
            continue
        version = project.open.get(path, (None, None))[0]
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri(path), version=version, diagnostics=items))
        if path in project.open:
            project.announced.add(path)


def lsp_diagnostics(project: Project, path: Path, document=None) -> list[types.Diagnostic] | None:
    """The recorded diagnostics of ``path`` in LSP terms; None when its text is unreadable."""
    found = project.published.get(path, ())
    if not found:
        return []  # clearing needs no text: the file may be gone
    document = document or project.document
    doc = document(path)
    if doc is None:
        return None
    return [diagnostic(d, doc, document) for d in found]

"""Publishing diagnostics: only for files whose diagnostics changed, open or not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document, diagnostic, uri

if TYPE_CHECKING:
    from viewls.lsp.server import ViewlsServer
    from viewls.lsp.workspace import Project


def publish_changed(server: ViewlsServer, project: Project, snapshot: Snapshot) -> None:
    project.snapshot = snapshot
    current = {path: tuple(found) for path, found in snapshot.diagnostics().items()}
    documents: dict[Path, Document | None] = {}

    def document(path: Path) -> Document | None:
        if path not in documents:
            documents[path] = project.document(path)
        return documents[path]

    # Open documents get a first publication even when clean, so the editor knows they were checked.
    unannounced = set(project.open) - project.announced
    for path in sorted(set(project.published) | set(current) | unannounced):
        found = current.get(path, ())
        if project.published.get(path, ()) == found and path not in unannounced:
            continue
        doc = document(path)
        if doc is None:
            continue
        version = project.open.get(path, (None, None))[0]
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri(path), version=version, diagnostics=[diagnostic(d, doc, document) for d in found]))
        if path in project.open:
            project.announced.add(path)
        if found:
            project.published[path] = found
        else:
            project.published.pop(path, None)

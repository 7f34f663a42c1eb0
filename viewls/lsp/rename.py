"""textDocument/prepareRename and textDocument/rename: wait until every recorded edit is
analysed, then turn the pure rename into one WorkspaceEdit.

Renaming a view renames its file, which needs a client that applies resource operations:
without one the request fails rather than edit the references alone and break them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified

from viewls.analysis.rename import Refusal, Renaming, prepare_rename, rename
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import uri
from viewls.lsp.errors import request_failed
from viewls.lsp.server import ViewlsServer
from viewls.lsp.workspace import Project


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def on_prepare_rename(ls: ViewlsServer,
                                params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        found = await ls.settled_file(params.text_document.uri)
        if found is None:
            return None
        _, snapshot, path, document = found
        prepared = prepare_rename(snapshot, path, document.offset(params.position))
        if prepared is None:
            return None
        if isinstance(prepared, Refusal):
            raise request_failed(prepared.message)
        return types.PrepareRenamePlaceholder(range=document.range(prepared.span), placeholder=prepared.placeholder)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    async def on_rename(ls: ViewlsServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = await ls.settled_file(params.text_document.uri)
        if found is None:
            return None
        project, snapshot, path, document = found
        # Off the event loop: every file that reads a view is parsed again. Buffers edited
        # meanwhile are caught when versions are attached.
        renaming = await asyncio.to_thread(rename, snapshot, path, document.offset(params.position), params.new_name)
        if isinstance(renaming, Refusal):
            raise request_failed(renaming.message)
        if not renaming.files and renaming.move is None:
            return None
        closed = [file.path for file in renaming.files if file.path not in project.open]
        saved = await asyncio.to_thread(_disk_texts, project, closed)
        return _workspace_edit(ls, project, snapshot, renaming, saved)


def _workspace_edit(ls: ViewlsServer, project: Project, snapshot: Snapshot, renaming: Renaming,
                    saved: dict[Path, str | None]) -> types.WorkspaceEdit:
    workspace = ls.client_capabilities.workspace
    capabilities = workspace.workspace_edit if workspace is not None else None
    document_changes = bool(capabilities and capabilities.document_changes)
    # Neovim applies documentChanges but declares only resourceOperations: they imply it.
    operations = (capabilities.resource_operations if capabilities is not None else None) or ()
    renames_files = types.ResourceOperationKind.Rename in operations
    if renaming.move is not None and not renames_files:
        old, new = renaming.move
        raise request_failed(f"renaming the view renames its file ({old.name} to {new.name}), and this editor "
                             "cannot rename files through a language server; rename the file and its references by hand")
    edits, versions = {}, {}
    for file in renaming.files:
        versions[file.path] = _version(project, snapshot, file.path, saved)
        # The text the spans are in: the project's snapshot may be newer by now.
        document = ls.document(snapshot.files[file.path].parsed.text)
        edits[file.path] = [types.TextEdit(range=document.range(edit.span), new_text=edit.text) for edit in file.edits]
    if renaming.move is None and not document_changes:
        return types.WorkspaceEdit(changes={uri(path): file_edits for path, file_edits in edits.items()})
    changes: list[types.TextDocumentEdit | types.RenameFile] = [
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri(path), version=versions[path]),
            edits=file_edits)
        for path, file_edits in edits.items()]
    if renaming.move is not None:
        old, new = renaming.move
        changes.append(types.RenameFile(old_uri=uri(old), new_uri=uri(new),
                                        options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False)))
    return types.WorkspaceEdit(document_changes=changes)


def _disk_texts(project: Project, paths: list[Path]) -> dict[Path, str | None]:
    return {path: project.disk_text(path) for path in paths}


def _version(project: Project, snapshot: Snapshot, path: Path, saved: dict[Path, str | None]) -> int | None:
    """The open document's version the edits were computed on (None for a closed file);
    a buffer edited, or a closed file changed on disk, since the snapshot fails the request
    instead of being garbled."""
    if path in project.open:
        version, text = project.open[path]
    else:
        version, text = None, saved[path] if path in saved else project.disk_text(path)
    if text != snapshot.files[path].parsed.text:
        raise JsonRpcContentModified(f"{path.name} changed while renaming; try again")
    return version

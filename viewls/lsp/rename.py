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

from viewls.ide.rename import Refusal, Renaming, prepare_rename, rename, rename_view
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import path_of, uri
from viewls.lsp.errors import request_failed
from viewls.lsp.server import ViewlsServer
from viewls.lsp.workspace import Project
from viewls.source_text import as_source


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

    _register_file_renames(server)


def _register_file_renames(server: ViewlsServer) -> None:
    """workspace/willRenameFiles: a view file renamed in the editor's explorer renames the
    view, so every reference is rewritten before the file moves."""
    filters = [types.FileOperationFilter(scheme="file", pattern=types.FileOperationPattern(glob="**/*.sql"))]

    @server.feature(types.WORKSPACE_WILL_RENAME_FILES, types.FileOperationRegistrationOptions(filters=filters))
    async def on_will_rename_files(ls: ViewlsServer, params: types.RenameFilesParams) -> types.WorkspaceEdit | None:
        combined = types.WorkspaceEdit()
        for file in params.files:
            found = await ls.settled_file(file.old_uri)
            new = path_of(file.new_uri)
            if found is None or new is None:
                continue
            project, snapshot, old, _ = found
            view = snapshot.document_view(old)  # a file renamed renames the view it is
            if view is None or snapshot.views.get(view.name) is not view or new.suffix != old.suffix:
                continue
            renaming = await asyncio.to_thread(rename_view, snapshot, view.name, new.stem)
            if isinstance(renaming, Refusal):  # the editor moves the file anyway: say what was not done
                ls.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"viewls did not update the references to '{view.name}': {renaming.message}"))
                continue
            closed = [f.path for f in renaming.files if f.path not in project.open]
            saved = await asyncio.to_thread(_disk_texts, project, closed)
            _merge(combined, _workspace_edit(ls, project, snapshot, Renaming(renaming.files), saved))
        return combined if combined.changes or combined.document_changes else None


def _merge(into: types.WorkspaceEdit, edit: types.WorkspaceEdit) -> None:
    if edit.changes:
        into.changes = {**(into.changes or {}), **edit.changes}
    if edit.document_changes:
        into.document_changes = [*(into.document_changes or []), *edit.document_changes]


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
        document = ls.document(snapshot.sources[file.path].text)
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
    if text is None or as_source(text).text != snapshot.sources[path].text:  # compared as analysed
        raise JsonRpcContentModified(f"{path.name} changed while renaming; try again")
    return version

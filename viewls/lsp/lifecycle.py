"""Initialization (choose push or pull diagnostics; find and load every project of the
workspace) and shutdown."""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types

from viewls.lsp import pull_diagnostics, run_commands
from viewls.lsp.convert import path_of
from viewls.lsp.server import ViewlsServer
from viewls.lsp.watched_files import register_watchers

log = logging.getLogger(__name__)


def register(server: ViewlsServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: ViewlsServer, params: types.InitializeParams) -> None:
        if pull_diagnostics.supported(params.capabilities):
            pull_diagnostics.enable(ls)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ViewlsServer, params: types.InitializedParams) -> None:
        try:
            await register_watchers(ls)
        except Exception:  # a client that cannot register watchers still gets diagnostics
            log.exception("registering file watchers failed")
        await ls.load_folders(_folders(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders_changed(ls: ViewlsServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        for removed in params.event.removed:
            folder = path_of(removed.uri)
            for root in [r for r in ls.projects if folder and r.is_relative_to(folder)]:
                del ls.projects[root]
        await ls.load_folders([p for p in (path_of(f.uri) for f in params.event.added) if p])

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ViewlsServer, params: None) -> None:
        ls.shutdown_worker()
        run_commands.stop_runs()


def _folders(ls: ViewlsServer) -> list[Path]:
    folders = [p for p in (path_of(f.uri) for f in ls.workspace.folders.values()) if p]
    if not folders and ls.workspace.root_path:
        folders = [Path(ls.workspace.root_path).resolve()]
    return folders

"""Files changed on disk behind the editor's back: view sources created or deleted,
viewls.toml edited, extract data rewritten, modules builders import changed. Registered
dynamically where the client supports it."""

from __future__ import annotations

from lsprotocol import types

from viewls.lsp.server import ViewlsServer
from viewls.lsp.convert import path_of
from viewls.project.config import CONFIG_FILE
from viewls.project.formats import SUFFIXES

WATCHERS = ["**/*.sql", "**/*.toml", "**/*.py", f"**/{CONFIG_FILE}",
            *(f"**/*{suffix}" for suffix in sorted({s for suffixes in SUFFIXES.values() for s in suffixes}))]


async def register_watchers(ls: ViewlsServer) -> None:
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if not (watched and watched.dynamic_registration):
        return
    await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
        id="viewls-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHERS]),
    )]))


def register(server: ViewlsServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def changed(ls: ViewlsServer, params: types.DidChangeWatchedFilesParams) -> None:
        reload_config, reload_data, rebuild = set(), set(), set()
        for event in params.changes:
            path = path_of(event.uri)
            if path is None:
                continue
            if path.name == CONFIG_FILE:
                project = ls.projects.get(path.parent)
                if project is not None:
                    reload_config.add(project)
                elif event.type == types.FileChangeType.Created:
                    await ls.load_folders([path.parent])
                continue
            project = ls.project_for(path)
            if project is not None:
                if path not in project.open:  # an open buffer wins over the disk
                    ls.schedule(project, path, project.disk_source(path))
                continue
            inside = {p for p in ls.projects.values() if path.is_relative_to(p.root)}
            if path.suffix in (".py", ".toml"):  # read by builders, not an extract's data
                rebuild |= inside
            else:
                reload_data |= inside
        for project in reload_config:
            await ls.run_job(project, project.load)
        for project in reload_data - reload_config:
            await ls.run_job(project, project.reload_extracts)
        for project in rebuild - reload_config:
            await ls.run_job(project, project.refresh_builders)

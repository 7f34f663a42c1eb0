"""workspace/executeCommand: the commands viewls offers editors, one handler each.

``viewls.showGraph`` takes one optional object::

    {"uri": "file:///.../views/x.sql",  # optional: a view file; picks its project and, by default, its view
     "view": "x" | null,                # optional: a view or extract; null for the whole project
     "format": "dot" | "mermaid" | "json"}  # optional, "dot" by default

and returns the dependency graph of the view's neighbourhood (the view with all its
ancestors and descendants), or of the whole project when no view is named: DOT or
Mermaid text, or for "json" the object ``viewls graph --format json`` prints. Without a
uri, the view is looked up in every project of the workspace. Bad arguments and unknown
names fail the request with InvalidParams and a message saying what to pass.

``viewls.render`` takes ``{"uri"?, "view"?}`` the same way and returns
``{"view": name, "sql": text}``: the SQL of the view (a generated one included) as
``viewls render`` prints it, for debugging.
"""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcException

from viewls.analysis.graph_export import neighbourhood, to_dot, to_json, to_mermaid
from viewls.analysis.render import render as render_sql
from viewls.analysis.snapshot import Snapshot
from viewls.lsp.arguments import command_options
from viewls.lsp.convert import path_of
from viewls.lsp.errors import invalid_params
from viewls.lsp.server import ViewlsServer
from viewls.suggest import did_you_mean

SHOW_GRAPH = "viewls.showGraph"
RENDER = "viewls.render"

_FORMATS = {"dot": to_dot, "mermaid": to_mermaid, "json": to_json}
_KEYS = {"uri": str, "view": str, "format": str}
_RENDER_KEYS = {"uri": str, "view": str}


def register(server: ViewlsServer) -> None:
    @server.command(SHOW_GRAPH)
    async def show_graph(ls: ViewlsServer, *arguments: Any) -> str | dict:
        options = command_options(SHOW_GRAPH, arguments, _KEYS, nullable=frozenset({"view"}))
        render = _FORMATS.get(options.get("format") or "dot")
        if render is None:
            raise invalid_params(f"unknown format {options['format']!r}: use one of {', '.join(_FORMATS)}")
        snapshot, name = await _graph_of(ls, options)
        return render(snapshot, neighbourhood(snapshot, [name]) if name is not None else None)

    @server.command(RENDER)
    async def render_view(ls: ViewlsServer, *arguments: Any) -> dict:
        options = command_options(RENDER, arguments, _RENDER_KEYS)
        snapshot, name = await _graph_of(ls, options)
        view = snapshot.view(name) if name is not None else None
        if view is None:
            raise invalid_params(f'{RENDER} needs "view": the name of a view (or the "uri" of a file defining one)')
        return {"view": view.name, "sql": render_sql(snapshot, view)}


async def _graph_of(ls: ViewlsServer, options: dict[str, Any]) -> tuple[Snapshot, str | None]:
    """The snapshot to draw from and the view or extract at the centre (None: all of it)."""
    if "uri" in options:
        project = await ls.project_of(options["uri"])
        snapshot = await ls.settled(project) if project is not None else None
        source = snapshot.sources.get(path_of(options["uri"])) if snapshot is not None else None
        if source is None:
            raise invalid_params(f"{options['uri']} is not a view file of a viewls project")
        name = options.get("view", source.views[0].name if len(source.views) == 1 else None)
        if name is not None and name not in snapshot.graph:
            raise _unknown(name, snapshot.graph.nodes)
        return snapshot, name
    snapshots = [s for s in [await ls.settled(p) for p in await ls.all_projects()] if s is not None]
    name = options.get("view")
    if name is None:
        if not snapshots:
            raise invalid_params("no viewls project is open in this workspace")
        if len(snapshots) > 1:
            raise invalid_params(f"the workspace holds {len(snapshots)} viewls projects; pass 'uri' (one of its view files)")
        return snapshots[0], None
    holding = [s for s in snapshots if name in s.graph]
    if not holding:
        raise _unknown(name, [n for s in snapshots for n in s.graph.nodes])
    if len(holding) > 1:
        raise invalid_params(f"several projects have a view or extract named '{name}'; pass 'uri' (one of its view files)")
    return holding[0], name


def _unknown(name: str, names: list[str]) -> JsonRpcException:
    suffix, _ = did_you_mean(name, names)
    return invalid_params(f"unknown view or extract '{name}'{suffix}")

"""``viewls.materialize`` and ``viewls.preview``: the CLI's runs, started from the editor.

Both take one object::

    {"uri": "file:///.../views/x.sql",   # a view file: its project and, by default, its view
     "views": ["x+", "+y"],             # materialize: selectors as on the command line
     "all": false, "changed": false,    # materialize: every view / only stale ones
     "view": "x", "limit": 20}          # preview: the view (default: the uri's) and the row count

Runs use the files on disk, exactly as ``viewls materialize`` would: a view to run whose
buffer has unsaved changes is refused ("save it first"), so an output always matches a
file someone can read. Materialization reports ``$/progress`` (a client's token, or one
the server creates when the client allows) and stops at the next batch when the user
cancels the progress or the request. It runs on its own thread: analysis goes on.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability

from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import path_of
from viewls.lsp.errors import invalid_params, request_failed
from viewls.lsp.server import ViewlsServer
from viewls.lsp.workspace import Project
from viewls.materialize.outputs import OutputError, output_directory
from viewls.materialize.runner import Plan, Progress, Started, plan_run, preview, run, summarize
from viewls.materialize.selection import SelectionError, select
from viewls.materialize.values import json_rows

MATERIALIZE = "viewls.materialize"
PREVIEW = "viewls.preview"
_KEYS = {MATERIALIZE: {"uri", "views", "all", "changed"}, PREVIEW: {"uri", "view", "limit"}}

_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="viewls-run")


def register(server: ViewlsServer) -> None:
    @server.command(MATERIALIZE)
    async def materialize(ls: ViewlsServer, *arguments: Any) -> dict:
        options = _options(MATERIALIZE, arguments)
        project, snapshot, default = await _target(ls, options)
        try:
            if options.get("all"):
                selected = set(snapshot.views)
            else:
                selected = select(snapshot, options.get("views") or ([default] if default else []))
            if not selected:
                raise invalid_params(f'{MATERIALIZE} needs "views", "all" or the "uri" of a view file')
            plan = plan_run(snapshot, selected, output_directory(snapshot), bool(options.get("changed")))
        except (SelectionError, OutputError) as failure:
            raise invalid_params(str(failure)) from None
        _refuse(project, snapshot, plan)
        return await _run_with_progress(ls, snapshot, plan)

    @server.command(PREVIEW)
    async def preview_rows(ls: ViewlsServer, *arguments: Any) -> dict:
        options = _options(PREVIEW, arguments)
        project, snapshot, default = await _target(ls, options)
        name = options.get("view") or default
        limit = options.get("limit", 20)
        if name not in snapshot.views:
            raise invalid_params(f"no view named {name!r}" if name else f'{PREVIEW} needs "view" or the "uri" of a view')
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise invalid_params('"limit" must be a number of rows (0 or more)')
        directory = output_directory(snapshot)
        _refuse(project, snapshot, plan_run(snapshot, [name], directory))
        try:
            table = await asyncio.get_running_loop().run_in_executor(
                _runner, preview, snapshot, name, directory, limit)
        except Exception as failure:  # DataFusion raises plain exceptions while running
            raise request_failed(f"{name} failed: {failure}") from None
        return {"view": name, "columns": [{"name": f.name, "type": str(f.type)} for f in table.schema],
                "rows": json_rows(table)}


async def _run_with_progress(ls: ViewlsServer, snapshot: Snapshot, plan: Plan) -> dict:
    loop = asyncio.get_running_loop()
    cancel = threading.Event()
    token = await _progress_token(ls)
    if token is not None:
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title="viewls: materialize", cancellable=True, percentage=0,
            message=f"{len(plan.build)} views to build, {len(plan.up_to_date)} up to date"))
        ls.work_done_progress.tokens[token].add_done_callback(lambda _: cancel.set())

    def report(event) -> None:
        if token is None:
            return
        if isinstance(event, Started):
            message = f"{event.position}/{event.total} {event.name}"
            percentage = round(100 * (event.position - 1) / max(event.total, 1))
        elif isinstance(event, Progress):
            message, percentage = f"{event.name}: {event.rows:,} rows", None
        else:
            return
        loop.call_soon_threadsafe(ls.work_done_progress.report, token,
                                  types.WorkDoneProgressReport(message=message, percentage=percentage))

    started = time.perf_counter()
    try:
        runs = await asyncio.shield(loop.run_in_executor(_runner, run, snapshot, plan, report, cancel))
    except asyncio.CancelledError:  # $/cancelRequest: stop at the next batch
        cancel.set()
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="cancelled"))
        raise
    except OutputError as failure:
        raise request_failed(str(failure)) from None
    finally:
        if token is not None:
            ls.work_done_progress.tokens.pop(token, None)
    summary = summarize(runs, time.perf_counter() - started)
    if token is not None:
        totals = summary["summary"]
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(
            message=f"{totals['built']} rebuilt, {totals['up_to_date']} up to date"
                    + (f", {totals['failed']} failed" if totals["failed"] else "")))
    return summary


async def _progress_token(ls: ViewlsServer) -> str | None:
    """A server-created progress token when the client accepts them."""
    if not get_capability(ls.client_capabilities, "window.work_done_progress", False):
        return None
    token = f"viewls-materialize-{time.monotonic_ns()}"
    await ls.work_done_progress.create_async(token)
    return token


def _refuse(project: Project, snapshot: Snapshot, plan: Plan) -> None:
    """Fail the request when a view to run has errors or unsaved changes."""
    if plan.refused:
        problems = [f"{path.name}:{snapshot.files[path].parsed.text.count(chr(10), 0, d.span.start) + 1}: {d.message}"
                    for path, found in plan.refused.items() for d in found if d.is_error][:5]
        raise request_failed("nothing was run; these views have errors: " + "; ".join(problems))
    involved = [*plan.build, *(n for n, how in plan.sources.items() if how == "inline")]
    unsaved = sorted(snapshot.views[n].path.name for n in involved if _unsaved(project, snapshot.views[n].path))
    if unsaved:
        raise request_failed(f"save {', '.join(unsaved)} first: runs use the files on disk")


def _unsaved(project: Project, path: Path) -> bool:
    if path not in project.open:
        return False
    return project.open[path][1] != project.disk_text(path)


async def _target(ls: ViewlsServer, options: dict) -> tuple[Project, Snapshot, str | None]:
    """The project to run in (the uri's, or the only one) and the uri's view, if any."""
    if "uri" in options:
        project = await ls.project_of(options["uri"])
        if project is None:
            raise invalid_params(f"{options['uri']} is not in a viewls project")
        snapshot = await ls.settled(project)
        view = snapshot.files.get(path_of(options["uri"])) if snapshot is not None else None
        return project, snapshot, view.name if view is not None else None
    projects = await ls.all_projects()
    if len(projects) != 1:
        raise invalid_params(f'the workspace holds {len(projects)} viewls projects; pass "uri" (one of its files)')
    return projects[0], await ls.settled(projects[0]), None


def _options(command: str, arguments: tuple) -> dict:
    if not arguments or arguments == (None,):
        return {}
    if len(arguments) > 1 or not isinstance(arguments[0], dict):
        raise invalid_params(f"{command} takes one object with the keys {', '.join(sorted(_KEYS[command]))}")
    options = {k: v for k, v in arguments[0].items() if v is not None}
    unknown = sorted(set(options) - _KEYS[command])
    if unknown:
        raise invalid_params(f"unknown key {unknown[0]!r}: {command} takes {', '.join(sorted(_KEYS[command]))}")
    if "views" in options and not (isinstance(options["views"], list)
                                   and all(isinstance(v, str) for v in options["views"])):
        raise invalid_params('"views" must be a list of selectors')
    return options

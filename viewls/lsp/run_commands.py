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
from pygls.exceptions import JsonRpcException

from viewls.analysis.snapshot import Snapshot
from viewls.lsp.arguments import command_options
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
# Each key and the type its value must have.
_KEYS = {MATERIALIZE: {"uri": str, "views": list, "all": bool, "changed": bool},
         PREVIEW: {"uri": str, "view": str, "limit": int}}

# Runs have their own thread, so analysis goes on while one runs; a shutdown stops them.
_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="viewls-run")
_running: set[threading.Event] = set()


def stop_runs() -> None:
    """Cancel every run at its next batch and refuse new ones (at shutdown)."""
    for cancel in list(_running):
        cancel.set()
    _runner.shutdown(wait=False, cancel_futures=True)


def register(server: ViewlsServer) -> None:
    @server.command(MATERIALIZE)
    async def materialize(ls: ViewlsServer, *arguments: Any) -> dict:
        options = command_options(MATERIALIZE, arguments, _KEYS[MATERIALIZE])
        if not all(isinstance(v, str) for v in options.get("views", [])):
            raise invalid_params('"views" must be a list of selectors')
        project, snapshot, defined = await _target(ls, options)
        try:
            if options.get("all"):
                selected = set(snapshot.views)
            else:
                selected = select(snapshot, options.get("views") or (defined if len(defined) == 1 else []))
            if not selected:
                raise invalid_params(_needs(MATERIALIZE, '"views", "all"', defined))
            directory = output_directory(snapshot)
        except (SelectionError, OutputError) as failure:
            raise invalid_params(str(failure)) from None
        plan = await _off_loop(plan_run, snapshot, selected, directory, bool(options.get("changed")))
        _refuse(project, snapshot, plan)
        return await _run_with_progress(ls, snapshot, plan)

    @server.command(PREVIEW)
    async def preview_rows(ls: ViewlsServer, *arguments: Any) -> dict:
        options = command_options(PREVIEW, arguments, _KEYS[PREVIEW])
        project, snapshot, defined = await _target(ls, options)
        name = options.get("view") or (defined[0] if len(defined) == 1 else None)
        limit = options.get("limit", 20)
        if name not in snapshot.views:
            raise invalid_params(f"no view named {name!r}" if name else _needs(PREVIEW, '"view"', defined))
        if limit < 0:
            raise invalid_params('"limit" must be 0 or more')
        try:
            directory = output_directory(snapshot)
        except OutputError as failure:
            raise invalid_params(str(failure)) from None
        plan = await _off_loop(plan_run, snapshot, [name], directory)
        _refuse(project, snapshot, plan)
        try:
            table = await _off_loop(preview, snapshot, plan, limit)
        except Exception as failure:  # DataFusion raises plain exceptions while running
            raise request_failed(f"{name} failed: {failure}") from None
        return {"view": name, "columns": [{"name": f.name, "type": str(f.type)} for f in table.schema],
                "rows": json_rows(table)}


async def _off_loop(function, *arguments):
    """Planning reads every output's footer and running takes long: never on the event loop."""
    try:
        return await asyncio.get_running_loop().run_in_executor(_runner, function, *arguments)
    except RuntimeError as stopped:  # the executor is shut down: the server is shutting down
        raise request_failed(f"viewls is shutting down ({stopped})") from None


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
        if token is None or cancel.is_set():
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
    ending = "cancelled"
    _running.add(cancel)
    try:
        runs = await asyncio.shield(_off_loop(run, snapshot, plan, report, cancel))
        summary = summarize(runs, time.perf_counter() - started)
        totals = summary["summary"]
        ending = f"{totals['built']} rebuilt, {totals['up_to_date']} up to date" + \
            (f", {totals['failed']} failed" if totals["failed"] else "")
        return summary
    except asyncio.CancelledError:  # $/cancelRequest: stop at the next batch
        cancel.set()
        raise
    except OutputError as failure:
        ending = str(failure)
        raise request_failed(str(failure)) from None
    except JsonRpcException as failure:
        ending = str(failure)
        raise
    except Exception as failure:  # a bug: the progress must still end
        ending = f"failed: {failure}"
        raise
    finally:
        _running.discard(cancel)
        if token is not None:
            ls.work_done_progress.tokens.pop(token, None)
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=ending))


async def _progress_token(ls: ViewlsServer) -> str | None:
    """A server-created progress token when the client accepts them."""
    if not get_capability(ls.client_capabilities, "window.work_done_progress", False):
        return None
    token = f"viewls-materialize-{time.monotonic_ns()}"
    await ls.work_done_progress.create_async(token)
    return token


def _refuse(project: Project, snapshot: Snapshot, plan: Plan) -> None:
    """Fail the request when the run is refused (see ``refusal``) or a view to run has unsaved changes."""
    if plan.refused:
        problems = plan.refused.lines(snapshot)
        more = [f"and {len(problems) - 5} more (see the Problems panel)"] if len(problems) > 5 else []
        raise request_failed(f"{plan.refused.reason}. " + "; ".join(problems[:5] + more))
    unsaved = sorted(snapshot.views[n].path.name for n in plan.executed if _unsaved(project, snapshot.views[n].path))
    if unsaved:
        raise request_failed(f"save {', '.join(unsaved)} first: runs use the files on disk")


def _unsaved(project: Project, path: Path) -> bool:
    """Whether the open buffer differs from the file, line endings and a BOM aside (the
    disk is read with universal newlines; editors keep CRLF in their buffers)."""
    if path not in project.open:
        return False
    return _comparable(project.open[path][1]) != _comparable(project.disk_text(path) or "")


def _comparable(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _needs(command: str, keys: str, defined: list[str]) -> str:
    if len(defined) > 1:
        return f"the file defines {len(defined)} views ({', '.join(defined)}); pass {keys.split(',')[0]}"
    return f'{command} needs {keys} or the "uri" of a file defining a view'


async def _target(ls: ViewlsServer, options: dict) -> tuple[Project, Snapshot, list[str]]:
    """The project to run in (the uri's, or the only one) and the views the uri's file defines."""
    if "uri" in options:
        project = await ls.project_of(options["uri"])
        if project is None:
            raise invalid_params(f"{options['uri']} is not in a viewls project")
        projects = [project]
    else:
        projects = await ls.all_projects()
        if len(projects) != 1:
            raise invalid_params(f'the workspace holds {len(projects)} viewls projects; pass "uri" (one of its files)')
    project = projects[0]
    snapshot = await ls.settled(project)
    if snapshot is None:
        raise request_failed(f"the project at {project.root} could not be loaded")
    source = snapshot.sources.get(path_of(options["uri"])) if "uri" in options else None
    return project, snapshot, [view.name for view in source.views] if source is not None else []

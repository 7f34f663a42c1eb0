"""The viewls language server: its state and the analysis worker (handlers: app.py).

Handlers that change state (document sync) only record the new text and schedule an
analysis; the analysis runs on one worker thread (the host is not thread-safe), off the
event loop, so requests stay responsive. Each run publishes twice: what logical planning
found at once, then what the later planning stages (optimizer, physical planner) add. There is no debounce: an edit to an idle project
is analysed at once, and edits that arrive while a run is busy are coalesced into the next
run. A run whose inputs changed while it ran publishes nothing: the next run follows at
once, so stale diagnostics never reach the client.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer

from viewls import __version__
from viewls.analysis.model import SourceAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.lsp import status, transport
from viewls.lsp.convert import UTF16, Document, path_of
from viewls.lsp.protocol import ViewlsProtocol
from viewls.lsp.publish import publish_changed
from viewls.lsp.workspace import Project, find_roots
from viewls.project.config import CONFIG_FILE

log = logging.getLogger(__name__)


class ViewlsServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("viewls", __version__, protocol_cls=ViewlsProtocol)
        self.projects: dict[Path, Project] = {}
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="viewls-analysis")
        self._pending: dict[Project, dict[Path, str | None]] = {}
        self._scheduled: dict[Project, asyncio.Task] = {}
        self._loaded: dict[Project, asyncio.Future] = {}
        self._jobs: dict[Project, set[asyncio.Future]] = {}  # reloads under way
        self._discovered = asyncio.Event()  # the workspace folders were searched for projects
        # Set while initializing for clients that pull diagnostics (see pull_diagnostics).
        self.pull_diagnostics = False
        self._reported: set[tuple[str, str]] = set()
        self._states: dict[Project, str] = {}  # the last viewls/status state sent

    # --- projects ---------------------------------------------------------------------

    @property
    def position_encoding(self) -> str:
        """The encoding positions count in, as negotiated at initialize."""
        encoding = self.workspace.position_encoding if self.protocol.client_capabilities is not None else None
        return str(getattr(encoding, "value", encoding) or UTF16)

    def document(self, text: str) -> Document:
        return Document(text, self.position_encoding)

    def project_for(self, path: Path) -> Project | None:
        owners = [p for p in self.projects.values() if p.owns(path)]
        return max(owners, key=lambda p: len(p.root.parts)) if owners else None

    def analysed(self, uri: str) -> tuple[Project, SourceAnalysis, Document] | None:
        """The project, the source file behind ``uri`` in its latest snapshot, and its analysed text."""
        path = path_of(uri)
        project = self.project_for(path) if path else None
        source = project.snapshot.sources.get(path) if project is not None and project.snapshot else None
        if source is None:
            return None
        return project, source, self.document(source.text)

    async def load_folders(self, folders: list[Path]) -> None:
        loop = asyncio.get_running_loop()
        for folder in folders:
            for root in await loop.run_in_executor(self._worker, find_roots, folder):
                if root not in self.projects:
                    project = self.projects[root] = Project(root, self.position_encoding)
                    self._loaded[project] = loop.create_future()
        self._discovered.set()
        await asyncio.gather(*(self._load(p) for p in list(self.projects.values()) if p.host is None))

    async def _load(self, project: Project) -> None:
        loop = asyncio.get_running_loop()
        # Documents opened before the project was known: their buffers win from the start.
        for document in list(self.workspace.text_documents.values()):
            path = path_of(document.uri)
            if path is not None and project.owns(path):
                project.open[path] = (document.version, document.source)
        self.report_status(project, status.LOADING)
        try:
            snapshot = await loop.run_in_executor(self._worker, project.load)
        except Exception as failure:  # a broken project must not take the server down
            log.exception("loading %s failed", project.root)
            message = f"viewls could not load {project.root}: {failure}"
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
            self.report_status(project, status.FAILED, message)
            return
        finally:
            future = self._loaded.get(project)
            if future is not None and not future.done():
                future.set_result(None)
        self._publish(project, snapshot)
        await self.run_job(project, project.complete)  # the later stages of the whole project

    async def project_of(self, uri: str) -> Project | None:
        """The project owning ``uri``, once the workspace has been searched for projects
        (a request may arrive before ``initialized`` finished)."""
        path = path_of(uri)
        if path is None:
            return None
        await self._discovered.wait()
        return self.project_for(path)

    async def settled_file(self, uri: str) -> tuple[Project, Snapshot, Path, Document] | None:
        """The project of a view file (or of its viewls.toml) once every recorded edit is
        analysed, that snapshot, the file's path and its text as analysed: for answers that
        must match the buffer exactly (edits, references, lenses, tokens)."""
        path = path_of(uri)
        project = await self.project_of(uri)
        if project is None and path is not None and path.name == CONFIG_FILE:
            project = self.projects.get(path.parent)
        snapshot = await self.settled(project) if project is not None else None
        document = project.document(path) if snapshot is not None else None
        return (project, snapshot, path, document) if document is not None else None

    async def all_projects(self) -> list[Project]:
        """Every project, once the workspace folders have been searched."""
        await self._discovered.wait()
        return list(self.projects.values())

    async def settled(self, project: Project) -> Snapshot | None:
        """The snapshot once every edit recorded so far is analysed (and every reload of
        viewls.toml or extract data is done).

        For requests whose answer must match the buffer exactly (rename, references):
        read-only lookups such as hover answer from the latest snapshot at once instead.
        """
        await self._loaded.get(project, _done())
        while True:
            busy = [t for t in (self._scheduled.get(project), *self._jobs.get(project, ())) if t and not t.done()]
            if not busy:
                return project.snapshot
            await asyncio.wait([asyncio.shield(t) for t in busy])

    # --- edits ------------------------------------------------------------------------

    def schedule(self, project: Project, path: Path, text: str | None) -> None:
        """Record a new text for ``path``; start an analysis of its project unless one is under way."""
        self._pending.setdefault(project, {})[path] = text
        task = self._scheduled.get(project)
        if task is None or task.done():
            self._scheduled[project] = asyncio.get_running_loop().create_task(self._run(project))

    async def _run(self, project: Project) -> None:
        loop = asyncio.get_running_loop()
        await self._loaded.get(project, _done())
        while self._pending.get(project):
            self.report_status(project, status.ANALYSING)
            changes = self._pending.pop(project)
            try:
                snapshot = await loop.run_in_executor(self._worker, project.apply, changes)
            except Exception as failure:
                self.report_server_error(failure, f"analysis of {project.root}")
                continue
            if self._pending.get(project):
                continue
            self._publish(project, snapshot)  # what logical planning found, at once
            try:
                snapshot = await loop.run_in_executor(self._worker, project.complete)
            except Exception as failure:
                self.report_server_error(failure, f"analysis of {project.root}")
                continue
            if not self._pending.get(project):
                self._publish(project, snapshot)
        self._report_if_idle(project)

    async def run_job(self, project: Project, job) -> None:
        """Run ``job`` (a Project method returning a snapshot) on the worker, publish, then
        run the later planning stages it left and publish again."""
        await self._loaded.get(project, _done())
        self.report_status(project, status.ANALYSING)
        for step in (job, project.complete):
            running = asyncio.get_running_loop().run_in_executor(self._worker, step)
            self._jobs.setdefault(project, set()).add(running)
            try:
                snapshot = await running
            except Exception as failure:
                self.report_server_error(failure, f"reloading {project.root}")
                break
            finally:
                self._jobs[project].discard(running)
            if not self._pending.get(project):
                self._publish(project, snapshot)
        self._report_if_idle(project)

    def _publish(self, project: Project, snapshot: Snapshot) -> None:
        publish_changed(self, project, snapshot, self.pull_diagnostics)

    def report_status(self, project: Project, state: str, message: str | None = None) -> None:
        """Tell a client that asked for it what the project's analysis is doing, when that changed."""
        if self._states.get(project) != state or state == status.READY:
            self._states[project] = state
            status.report(self, project, state, message)

    def _report_if_idle(self, project: Project) -> None:
        """Ready, with the counts just published, unless more analysis of the project is under way."""
        current = asyncio.current_task()
        scheduled = self._scheduled.get(project)
        busy = self._pending.get(project) or any(not job.done() for job in self._jobs.get(project, ())) \
            or (scheduled is not None and scheduled is not current and not scheduled.done())
        if not busy:
            self.report_status(project, status.READY)

    def report_server_error(self, error: Exception, source) -> None:
        """A failing handler is a bug: log it with its traceback and tell the user once per
        kind of failure; the server carries on. Failed requests already answer with an error."""
        if isinstance(error, JsonRpcException) and not isinstance(error, JsonRpcInternalError):
            log.info("request refused: %s", error)  # a deliberate answer (RequestFailed, ...), not a bug
            return
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error, exc_info=error)
        key = (type(error).__name__, str(error))
        if source is FeatureRequestError or key in self._reported:
            return
        self._reported.add(key)
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"viewls hit an internal error and carries on: {error}. Details are in its log."))

    # --- transport: our framing (transport.py) instead of pygls's reader ---------------------

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        try:
            transport.serve_stdio(self, stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        try:
            transport.serve_tcp(self, host, port)
        finally:
            self.shutdown()

    def shutdown_worker(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)


def _done() -> asyncio.Future:
    future = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future

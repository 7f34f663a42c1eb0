"""Running builder modules for the analysis: views and problems as plain data, cached.

Builders are user code: they run in worker processes (`viewls.builders.worker`) under a time
limit per module, and whatever they do (raise, loop, exit, crash, flood their output) comes
back as a problem on a line of the module, never as a hang or an exception here. Results are
cached by the module's text and the content of the project files it read while running,
re-read and hashed on every call, so an unchanged module with unchanged helpers never runs
again.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import signal
import stat
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from sqlglot import exp

from viewls.builders.collect import Record, sqlglot_class
from viewls.builders.literals import Literals
from viewls.builders.process import ENDED, WorkerProcess
from viewls.spec import SpecRow
from viewls.text import LineIndex, Span

_STARTUP = 5.0
"""Seconds a worker may take to start, on top of the first module's time limit."""
_SHOWN_OUTPUT = 1500
_FRAME = re.compile(r'File "(.*)", line (\d+)')
_STACK = re.compile(r"^(?:Current thread 0x[0-9a-f]+|Stack) \(most recent call first\):$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class BuiltView:
    name: str
    sql: str | None
    """The query as text, when the builder returned text."""
    ast: exp.Expression | None
    """The query as a sqlglot Expression, when the builder returned one."""
    description: str | None
    ordering: tuple[str, ...]
    evidence: tuple[str, ...]
    span: Span
    """The `@view` / `ViewSpec(` line that produced the view (indentation stripped)."""
    sql_span: Span | None = None
    """Where `sql` is written in the module, when it is a plain string literal there: offset
    `i` of the query is `sql_span.start + i` in the module (see builders.literals)."""


@dataclass(frozen=True, slots=True)
class BuildProblem:
    span: Span
    kind: str
    """"timeout" | "exception" | "crash" | "invalid"."""
    message: str


@dataclass(frozen=True, slots=True)
class ModuleBuild:
    views: tuple[BuiltView, ...]
    problems: tuple[BuildProblem, ...]
    inputs: tuple[Path, ...] = ()
    """The project files and directories the module read besides itself (imported helpers,
    data files, listings): the build is stale when one of them changes."""


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    text: str
    function: str | None = None
    row: SpecRow | None = None

    @property
    def key(self) -> tuple:
        row = self.row and (self.row.name, self.row.source, tuple(sorted(self.row.params.items())))
        return self.path, self.function, row


@dataclass(slots=True)
class _Outcome:
    """What the worker reported about one job."""

    views: list[Record] = field(default_factory=list)
    problems: list[Record] = field(default_factory=list)
    reads: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Entry:
    text: str
    reads: tuple[tuple[str, Path, str | None], ...]
    build: ModuleBuild


class BuilderRunner:
    """Builds the views of builder modules under one project root.

    Concurrent calls take turns. `spawned` counts the worker processes started (a call with
    anything to run starts one, and one more after each module that times out or crashes).
    """

    def __init__(self, root: Path, timeout: float = 10.0) -> None:
        self.root = Path(os.path.abspath(root))
        self.timeout = timeout
        self.spawned = 0
        self._cache: dict[tuple, _Entry] = {}
        self._lock = threading.Lock()

    def build(self, modules: Mapping[Path, str]) -> dict[Path, ModuleBuild]:
        """Every view each module defines (`@view` functions, `views()`), by the given path.

        The texts (the editor's, unsaved ones included) are what runs, also when one builder
        module imports another; other project modules import from disk.
        """
        jobs = [_Job(self._absolute(path), text) for path, text in modules.items()]
        builds = self._builds(jobs, {job.path: job.text for job in jobs})
        return dict(zip(modules, builds, strict=True))

    def call_row(self, module: Path, text: str, function: str, row: SpecRow) -> ModuleBuild:
        """The view a spec row's builder (`builder = "module.py:function"`) returns for `row`."""
        job = _Job(self._absolute(module), text, function, row)
        return self._builds([job], {job.path: text})[0]

    def _absolute(self, path: Path) -> Path:
        return Path(os.path.abspath(self.root / path))

    def _builds(self, jobs: list[_Job], texts: dict[Path, str]) -> list[ModuleBuild]:
        with self._lock:
            builds: list[ModuleBuild | None] = []
            pending = []
            for job in jobs:
                entry = self._cache.get(job.key)
                if not job.path.is_relative_to(self.root):
                    message = f"builder module {job.path} is outside the project {self.root}"
                    builds.append(_build(_Outcome(problems=[_problem("invalid", message, 1)]), job.text))
                elif entry is not None and entry.text == job.text and _fresh(entry, texts):
                    builds.append(entry.build)
                else:
                    builds.append(None)
                    pending.append(len(builds) - 1)
            for index, outcome in zip(pending, self._run([jobs[index] for index in pending], texts), strict=True):
                job = jobs[index]
                builds[index] = build = _build(outcome, job.text)
                if any(problem.get("transient") for problem in outcome.problems):
                    self._cache.pop(job.key, None)
                else:
                    reads = tuple((kind, Path(path), _digest(kind, Path(path), texts)) for kind, path in outcome.reads)
                    self._cache[job.key] = _Entry(job.text, reads, build)
            return builds

    def _run(self, jobs: list[_Job], texts: dict[Path, str]) -> list[_Outcome]:
        """One worker for all the jobs; after a job that times out or crashes it, a new one for the rest."""
        outcomes: list[_Outcome] = []
        while len(outcomes) < len(jobs):
            batch = jobs[len(outcomes) :]
            inside = [(path.relative_to(self.root), text) for path, text in texts.items() if path.is_relative_to(self.root)]
            request = {
                "root": str(self.root),
                "timeout": self.timeout,
                "texts": {path.as_posix(): text for path, text in inside},
                "jobs": [_request(job, self.root) for job in batch],
            }
            try:
                worker = WorkerProcess(self.root, request)
            except OSError as error:
                message = f"the builder worker could not start: {error}"
                failed = [_problem("crash", message, 1, transient=True)]
                return [*outcomes, *(_Outcome(problems=failed) for _ in batch)]
            self.spawned += 1
            try:
                outcomes += self._drive(worker, batch)
            finally:
                worker.stop()
        return outcomes

    def _drive(self, worker: WorkerProcess, batch: list[_Job]) -> list[_Outcome]:
        """The outcomes of the batch's jobs in order, up to and including one that failed."""
        outcomes: list[_Outcome] = []
        current = _Outcome()
        at = 0
        running = None
        deadline = time.monotonic() + self.timeout + _STARTUP
        while len(outcomes) < len(batch):
            file = str(batch[len(outcomes)].path)
            try:
                message = worker.next(deadline - time.monotonic())
            except queue.Empty:
                worker.dump_stack(worker.stderr.job_start)
                stack_line = _stack_line(worker.stderr.since(worker.stderr.job_start), file)
                text = (
                    f"the builder ran longer than {self.timeout:g} s {_where(running)} (an infinite loop?) "
                    "and was stopped; it must return its views faster"
                )
                current.problems.append(_problem("timeout", text, stack_line or at or 1))
                return [*outcomes, current]
            if message is ENDED or "broken" in message:
                worker.stop()
                output = worker.stderr.since(worker.stderr.job_start)
                text = _crash_message(worker.process.returncode, message, output, running)
                current.problems.append(_problem("crash", text, _stack_line(output, file) or at or 1))
                return [*outcomes, current]
            if "start" in message:
                deadline = time.monotonic() + self.timeout
                at, running = 0, None
            elif "at" in message:
                at, running = message["at"], message["running"]
            elif "read" in message:
                current.reads.append(tuple(message["read"]))
            elif "view" in message:
                current.views.append(message["view"])
            elif "done" in message:
                current.problems += message["problems"]
                outcomes.append(current)
                current = _Outcome()
        return outcomes


def _request(job: _Job, root: Path) -> Record:
    request: Record = {"module": job.path.relative_to(root).as_posix()}
    if job.row is not None:
        row = job.row
        request["function"] = job.function
        request["row"] = {"name": row.name, "source": row.source, "params": dict(row.params)}
    return request


def _build(outcome: _Outcome, text: str) -> ModuleBuild:
    lines = LineIndex(text)
    literals = Literals(text)
    views = []
    problems = [
        BuildProblem(_line_span(lines, text, problem["line"]), problem["kind"], problem["message"])
        for problem in outcome.problems
    ]
    for record in outcome.views:
        span = _line_span(lines, text, record["line"])
        dump, sql = record.get("ast"), record.get("sql")
        if dump is not None and not all(sqlglot_class(node.get("c")) for node in dump):
            message = f"view '{record['name']}' has a query of unknown node classes"
            problems.append(BuildProblem(span, "invalid", message))
            continue
        views.append(
            BuiltView(
                name=record["name"],
                sql=sql,
                ast=None if dump is None else exp.Expression.load(dump),
                description=record["description"],
                ordering=tuple(record["ordering"]),
                evidence=tuple(record["evidence"]),
                span=span,
                sql_span=None if sql is None else literals.find(sql),
            )
        )
    return ModuleBuild(tuple(views), tuple(problems), tuple(Path(path) for _, path in outcome.reads))


def _line_span(lines: LineIndex, text: str, line: int) -> Span:
    """A 1-based line without its indentation and trailing blanks."""
    span = lines.line_span(min(max(line, 1), lines.line_count) - 1)
    content = text[span.start : span.end]
    start = span.start + len(content) - len(content.lstrip())
    return Span(start, max(start, span.start + len(content.rstrip())))


def _problem(kind: str, message: str, line: int, transient: bool = False) -> Record:
    return {"kind": kind, "message": message, "line": line, "transient": transient}


def _stack_line(output: str, file: str) -> int | None:
    """The innermost line of `file` in the last stack faulthandler wrote to `output`."""
    headers = list(_STACK.finditer(output))
    if not headers:
        return None
    stack = output[headers[-1].end() :].split("\n\n", 1)[0]
    return next((int(line) for path, line in _FRAME.findall(stack) if path == file), None)


def _where(running: str | None) -> str:
    return f"in {running}" if running else "while importing the module"


def _crash_message(status: int | None, message: Record | None, output: str, running: str | None) -> str:
    if message is not None:
        what = f"the builder worker broke its protocol {_where(running)} (a message too large or garbled)"
    elif status is not None and status < 0:
        what = f"the builder worker crashed ({_signal_name(-status)}) {_where(running)}"
    else:
        what = f"the builder worker exited (status {status}) {_where(running)}; did it call os._exit()?"
    output = output.strip()
    if len(output) > _SHOWN_OUTPUT:
        output = "…" + output[-_SHOWN_OUTPUT:]
    return f"{what}; its last output:\n{output}" if output else what


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _fresh(entry: _Entry, texts: dict[Path, str]) -> bool:
    return all(_digest(kind, path, texts) == digest for kind, path, digest in entry.reads)


def _digest(kind: str, path: Path, texts: dict[Path, str]) -> str | None:
    """A file's content (its given text if any) or a directory's listing, hashed; None if absent."""
    try:
        if kind == "dir":
            data = "\0".join(sorted(os.listdir(path))).encode()
        elif path in texts:
            data = texts[path].encode()
        elif not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a named pipe or a device: never read (it could block or never end)
        else:
            data = path.read_bytes()
    except OSError:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()

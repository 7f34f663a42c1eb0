"""Planning and running a materialization.

A plan decides, before anything runs, which views are built and where every view they
read comes from: a materialized output that is up to date, or an inline computation from
the SQL the check proved (canonical, or as written). A run whose views, their upstream
views and extracts, or configuration have errors is refused (see ``refusal``), with the
diagnostics ``check`` prints. The run then builds views in the deterministic
topological order: a failure stops the views that read it, independent branches go on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from viewls.analysis.snapshot import Snapshot
from viewls.engine.execution import ExecutionError, ExecutionSession
from viewls.engine.ordering import sort_exprs
from viewls.engine.writer import Cancelled, write_atomically
from viewls.materialize.fingerprint import build_fingerprints
from viewls.materialize.outputs import contract_metadata, exclusive, output_path, stored_fingerprint
from viewls.materialize.refusal import Refusal, refusal

PROGRESS_INTERVAL = 0.1  # seconds between progress events of one view

BUILT, UP_TO_DATE, FAILED, SKIPPED, CANCELLED = "built", "up to date", "failed", "skipped", "cancelled"


@dataclass(frozen=True, slots=True)
class ViewRun:
    name: str
    status: str
    rows: int | None = None
    bytes: int | None = None
    seconds: float = 0.0
    message: str = ""
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class Started:
    name: str
    position: int  # 1-based among the views to build
    total: int


@dataclass(frozen=True, slots=True)
class Progress:
    name: str
    rows: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Finished:
    run: ViewRun


Event = Started | Progress | Finished


@dataclass(frozen=True)
class Plan:
    directory: Path
    build: list[str]  # in build order
    up_to_date: list[str]  # selected, but their outputs are current (``changed_only``)
    # Where each view read by a built view comes from: "output" or "inline".
    sources: dict[str, str]
    fingerprints: dict[str, str | None]
    refused: Refusal  # false when the run may start

    @property
    def executed(self) -> list[str]:
        """The views a run executes: those it builds and the upstreams it computes inline."""
        return [*self.build, *(name for name, how in self.sources.items() if how == "inline")]


def plan_run(snapshot: Snapshot, selected: Iterable[str], directory: Path, changed_only: bool = False) -> Plan:
    chosen = set(selected)
    fingerprints = build_fingerprints(snapshot, chosen)
    current: dict[str, bool] = {}

    def fresh(name: str) -> bool:
        if name not in current:
            stored = stored_fingerprint(output_path(directory, name))
            current[name] = stored is not None and stored == fingerprints[name]
        return current[name]

    order = [name for name in snapshot.build_order() if name in chosen]
    build = [name for name in order if not (changed_only and fresh(name))]
    building = set(build)
    sources: dict[str, str] = {}
    pending = [d for name in build for d in snapshot.views[name].dependencies]
    while pending:
        name = pending.pop()
        if name in sources or name in building or name not in snapshot.views:
            continue
        sources[name] = "output" if fresh(name) else "inline"
        if sources[name] == "inline":
            pending.extend(snapshot.views[name].dependencies)
    # Views on a cycle have no place in the order, but they are chosen: refused, never left out.
    return Plan(directory, build, [n for n in order if n not in building], sources, fingerprints,
                refusal(snapshot, chosen))


def preview(snapshot: Snapshot, plan: Plan, limit: int) -> pa.Table:
    """The first ``limit`` rows of the view ``plan`` builds, computed as a run would, writing nothing."""
    if plan.refused or len(plan.build) != 1:
        raise ValueError("preview needs a plan that builds one view")
    (name,) = plan.build
    session, failed = ExecutionSession(), {}
    _register_extracts(session, snapshot, plan, failed)
    for upstream in snapshot.build_order():
        if upstream in plan.sources:
            _register_source(session, snapshot, plan, upstream, failed)
    broken = _failed_upstream(snapshot, name, failed)
    if broken:
        raise ExecutionError(broken)
    view = snapshot.views[name]
    frame = session.query(view.sql)
    if view.definition.metadata.ordering:
        frame = frame.sort(*sort_exprs(view.definition.metadata.ordering))
    return frame.limit(limit).to_arrow_table()


def run(snapshot: Snapshot, plan: Plan, listen: Callable[[Event], None] = lambda event: None,
        cancel: threading.Event | None = None) -> list[ViewRun]:
    """Build ``plan.build``; every view gets one Finished event and one ViewRun.

    Inputs are registered as the topological order reaches them, so an upstream computed
    inline can read a view built earlier in the same run. An input that cannot be
    registered (an extract's file gone, an unreadable output) fails the views that read it,
    not the run.
    """
    if plan.refused:
        raise ValueError("a refused plan cannot run")
    cancel = cancel or threading.Event()
    results = [ViewRun(name, UP_TO_DATE, path=output_path(plan.directory, name)) for name in plan.up_to_date]
    for result in results:
        listen(Finished(result))
    with exclusive(plan.directory):
        session, failed = ExecutionSession(), {}
        _register_extracts(session, snapshot, plan, failed)
        building = set(plan.build)
        read_later = {d for name in plan.executed for d in snapshot.views[name].dependencies}
        position = 0
        for name in snapshot.build_order():
            if name in plan.sources:
                _register_source(session, snapshot, plan, name, failed)
                continue
            if name not in building:
                continue
            position += 1
            broken = _failed_upstream(snapshot, name, failed)
            if cancel.is_set():
                result = ViewRun(name, CANCELLED, message="the run was cancelled")
            elif broken:
                result = ViewRun(name, SKIPPED, message=broken)
            else:
                listen(Started(name, position, len(plan.build)))
                result = _build(session, snapshot, plan, name, listen, cancel)
                if result.status == BUILT and name in read_later:
                    try:
                        session.add_output(name, result.path)
                    except Exception as failure:  # DataFusion raises plain exceptions
                        failed[name] = f"its output cannot be read back: {_message(failure)}"
            if result.status != BUILT:
                failed.setdefault(name, "")
            results.append(result)
            listen(Finished(result))
    return results


def _register_extracts(session: ExecutionSession, snapshot: Snapshot, plan: Plan, failed: dict[str, str]) -> None:
    """Register the extracts the run reads (only those: another's files may be gone)."""
    read = {d for name in plan.executed for d in snapshot.views[name].dependencies if d in snapshot.extracts}
    for name in sorted(read):
        try:
            session.add_extract(snapshot.extracts[name])
        except Exception as failure:  # DataFusion raises plain exceptions
            failed[name] = f"extract '{name}' cannot be read: {_message(failure)}"


def _register_source(session: ExecutionSession, snapshot: Snapshot, plan: Plan, name: str,
                     failed: dict[str, str]) -> None:
    """Make the upstream ``name`` resolvable as the plan says, or record why it cannot be."""
    view = snapshot.views[name]
    if plan.sources[name] == "inline" and any(d in failed for d in view.dependencies):
        failed[name] = ""
        return
    try:
        if plan.sources[name] == "output":
            session.add_output(name, output_path(plan.directory, name))
        else:
            session.add_computed(name, view.sql)
    except Exception as failure:  # DataFusion raises plain exceptions
        failed[name] = f"'{name}' cannot be read: {_message(failure)}"


def _failed_upstream(snapshot: Snapshot, name: str, failed: dict[str, str]) -> str:
    """Why ``name`` cannot run because of its inputs; empty when it can."""
    broken = sorted(n for n in failed if n in snapshot.graph.ancestors(name))
    if not broken:
        return ""
    reasons = [failed[n] for n in broken if failed[n]]
    return f"upstream {', '.join(broken)} failed" + (f": {'; '.join(reasons)}" if reasons else "")


def _build(session: ExecutionSession, snapshot: Snapshot, plan: Plan, name: str,
           listen: Callable[[Event], None], cancel: threading.Event) -> ViewRun:
    view = snapshot.views[name]
    target = output_path(plan.directory, name)
    ordering = view.definition.metadata.ordering
    started = time.perf_counter()
    last = [started]

    def progress(rows: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            listen(Progress(name, rows, now - started))

    try:
        frame = session.query(view.sql)
        if ordering:
            frame = frame.sort(*sort_exprs(ordering))
        batches = (batch.to_pyarrow() for batch in frame.execute_stream())
        written = write_atomically(target, view.schema, batches, contract_metadata(view, plan.fingerprints[name]),
                                   ordering, progress, cancel.is_set)
    except Cancelled:
        return ViewRun(name, CANCELLED, seconds=time.perf_counter() - started, message="the run was cancelled")
    except Exception as failure:  # DataFusion and Arrow raise plain exceptions
        return ViewRun(name, FAILED, seconds=time.perf_counter() - started, message=_message(failure))
    return ViewRun(name, BUILT, written.rows, written.bytes, time.perf_counter() - started, path=target)


def summarize(runs: list[ViewRun], seconds: float) -> dict:
    """A run as plain data: what ``--json`` prints and the editor command returns."""
    return {
        "views": [{"name": r.name, "status": r.status, "rows": r.rows, "bytes": r.bytes,
                   "seconds": round(r.seconds, 4), "message": r.message or None,
                   "path": str(r.path) if r.path is not None else None} for r in runs],
        "summary": {"built": sum(r.status == BUILT for r in runs),
                    "up_to_date": sum(r.status == UP_TO_DATE for r in runs),
                    "failed": sum(r.status == FAILED for r in runs),
                    "skipped": sum(r.status == SKIPPED for r in runs),
                    "cancelled": sum(r.status == CANCELLED for r in runs),
                    "seconds": round(seconds, 4)},
    }


def _message(failure: Exception) -> str:
    text = str(failure).strip() or type(failure).__name__
    return text.splitlines()[0] if isinstance(failure, pa.ArrowException) else text

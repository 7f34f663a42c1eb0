"""Defining views in forked workers gives exactly what defining them here gives, whatever
happens to a worker."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.analysis.test_incremental import SPEC_TEMPLATES, TEMPLATES, dump, edits
from viewls.analysis import parallel
from viewls.analysis.host import AnalysisHost
from viewls.analysis.view import derive
from viewls.sources.context import ReadContext
from viewls.sources.read import read_source

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"


def drafts(root: Path) -> list:
    """Drafts of every kind and outcome: clean views, syntax errors, DataFusion-only
    readings, unknown columns, spec rows and template instances."""
    context = ReadContext(root, extract_names=("orders", "users"))
    texts = {root / f"v{i}.sql": t.format(a="orders", b="users", n=i) for i, t in enumerate(TEMPLATES) if t}
    texts |= {root / f"s{i}.toml": t.format(a="orders", b="users", n=i) for i, t in enumerate(SPEC_TEMPLATES) if t}
    texts |= {root / "huge.sql": "SELECT " + ", ".join(f"id + {k} AS c{k}" for k in range(300)) + " FROM orders"}
    return [draft.placed() for path, text in texts.items() for draft in read_source(path, text, context).drafts]


def fields(definitions) -> list[tuple]:
    return [(d.key, d.sql, d.lineage, d.canonical, d.diagnostics, d.canonical_as_written, d.fingerprint,
             d.metadata, d.anchor, d.extent) for d in definitions]


def children() -> set[int]:
    """This process's live child processes (Linux)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields_ = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields_[1]) == os.getpid() and fields_[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_workers_define_exactly_what_this_process_defines(tmp_path, jobs):
    all_drafts = drafts(tmp_path)
    assert len(all_drafts) > 20
    assert any(d.diagnostics for d in parallel.define_views(all_drafts, jobs=1))
    assert fields(parallel.define_views(all_drafts, jobs=jobs)) == fields(parallel.define_views(all_drafts, jobs=1))


def crash_in_workers(how):
    parent = os.getpid()

    def derive_or_crash(draft, deadline):
        if os.getpid() != parent:
            how()
        return derive(draft, deadline)
    return derive_or_crash


@pytest.mark.parametrize("how", [
    lambda: os._exit(3),
    lambda: os.kill(os.getpid(), signal.SIGSEGV),
    lambda: os.kill(os.getpid(), signal.SIGKILL),
    lambda: (_ for _ in ()).throw(RecursionError("too deep")),  # every view of the share fails
], ids=["exit", "segfault", "killed", "exception"])
def test_a_failing_worker_s_share_is_defined_here(tmp_path, monkeypatch, how):
    all_drafts = drafts(tmp_path)
    expected = fields(parallel.define_views(all_drafts, jobs=1))
    monkeypatch.setattr(parallel, "derive", crash_in_workers(how))
    assert fields(parallel.define_views(all_drafts, jobs=3)) == expected
    assert not children()


def test_an_interrupted_definition_leaves_no_worker_behind(tmp_path, monkeypatch):
    all_drafts = drafts(tmp_path)
    parent = os.getpid()

    def interrupted(draft, deadline):
        if os.getpid() == parent:
            raise KeyboardInterrupt
        time.sleep(0.05)  # slow workers: this process takes drafts from their segments' backs
        return derive(draft, deadline)

    monkeypatch.setattr(parallel, "derive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        parallel.define_views(all_drafts, jobs=3)
    assert not children()


def test_a_project_loads_alike_in_one_process_and_in_several(monkeypatch):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "1")
    alone = AnalysisHost.load(SHOP).snapshot()
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    shared = AnalysisHost.load(SHOP).snapshot()
    assert len(alone.views) == len(shared.views) > 10
    assert dump(shared) == dump(alone)


def test_small_projects_are_defined_in_this_process(monkeypatch):
    monkeypatch.delenv(parallel.JOBS_VARIABLE, raising=False)
    assert parallel._jobs(parallel.MIN_SHARE - 1) <= 1
    assert parallel._jobs(100 * parallel.MIN_SHARE) == len(os.sched_getaffinity(0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=edits)
def test_a_cold_load_on_several_cores_equals_one_on_one(workspace, monkeypatch, sequence):
    """Views analysed as soon as they and their inputs are defined, while workers define
    the others: the same snapshot as one process, cycles and name clashes included."""
    texts: dict[Path, str] = {}
    for file, template, a, b, n in sequence:
        path = workspace.path(file)
        if template is None:
            texts.pop(path, None)
        else:
            texts[path] = template.format(a=a, b=b, n=n)
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "1")
    alone = dump(workspace.host(dict(texts)).snapshot())
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "3")
    assert dump(workspace.host(dict(texts)).snapshot()) == alone


def test_no_worker_is_forked_while_an_abandoned_step_may_run_in_datafusion(tmp_path, monkeypatch):
    """A step stopped past the time limit may still run in DataFusion, holding its locks: a
    child forked then could inherit them held, so the views are defined here instead."""
    from viewls.analysis.deadline import Deadline, TimedOut, abandoned_steps_running
    from viewls.engine.planner import Planner

    slow = "SELECT " + " + ".join(["1"] * 2500) + " AS x"  # seconds in DataFusion's optimizer
    with pytest.raises(TimedOut):
        Deadline(0.2).run(Planner().plan_fully, slow)
    assert abandoned_steps_running()
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    all_drafts = drafts(tmp_path)
    assert fields(parallel.define_views(all_drafts, jobs=3)) == fields(parallel.define_views(all_drafts, jobs=1))
    assert not forks

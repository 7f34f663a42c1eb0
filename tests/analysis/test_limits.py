"""Depth, size and time: no view can crash, exhaust or stall the analysis of a project.

Each bad view gets one ``limit-exceeded`` error at the right place, and every other view is
analysed as usual: in the host (``check``, the server), in forked workers, through the CLI.
"""

from __future__ import annotations

import inspect
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from viewls.analysis.host import AnalysisHost
from viewls.analysis.model import State
from viewls.analysis.parallel import JOBS_VARIABLE
from viewls.diagnostics import Code
from viewls.engine.parser import NESTING_LIMIT
from viewls.project.limits import Limits
from viewls.sources.sql_file import read_sql_file
from viewls.analysis.deadline import Deadline
from viewls.analysis.view import derive

ROOT = Path(__file__).parents[2]


def nested(depth: int) -> str:
    """The issue's reproducer: ``depth`` subqueries, each in the FROM of the one around it."""
    return ("SELECT x FROM " + "(SELECT x FROM " * depth + "(SELECT 1 AS x) t0"
            + "".join(f") t{k + 1}" for k in range(depth)))


def project(root: Path, views: dict[str, str], config: str = "") -> Path:
    (root / "views").mkdir(parents=True, exist_ok=True)
    (root / "viewls.toml").write_text(config)
    for name, text in views.items():
        (root / "views" / f"{name}.sql").write_text(text)
    return root


def diagnostics(snapshot, name: str):
    return [d for d in snapshot.view(name).diagnostics]


# --- depth ---------------------------------------------------------------------------------


def crossing(text: str) -> int:
    """Where DataFusion's parser crosses its limit in ``nested(...)``: each level is a table
    factor and a query (two levels), the outermost query and its FROM three."""
    levels_before = (NESTING_LIMIT - 3) // 2 + 1  # the SELECT of this nested query is one too many
    at = 0
    for _ in range(levels_before):
        at = text.index("(SELECT", at) + 1
    return at


@pytest.mark.parametrize("depth", [24, 60, 320, 400, 2000])
def test_nesting_past_the_limit_is_one_error_at_the_crossing_token(tmp_path, depth):
    text = nested(depth)
    root = project(tmp_path, {"deep": text, "fine": nested(20), "reader": "SELECT x FROM deep"})
    snapshot = AnalysisHost.load(root).snapshot()
    (error,) = diagnostics(snapshot, "deep")
    assert error.code is Code.LIMIT_EXCEEDED
    assert error.message.startswith(f"this query nests subqueries or expressions more than {NESTING_LIMIT} levels")
    assert text[error.span.start:error.span.end] == "SELECT" and error.span.start == crossing(text)
    assert snapshot.view("fine").output.state is State.OK and not diagnostics(snapshot, "fine")
    (hint,) = diagnostics(snapshot, "reader")
    assert hint.code is Code.UPSTREAM_ERROR


@pytest.mark.parametrize("text, found", [
    ("SELECT " + "(" * 3000 + "1" + ")" * 3000 + " AS x", "("),  # DataFusion's parser places it
    ("SELECT " + "NOT " * 3000 + "true AS x", "SELECT"),  # sqlglot's recursion: the query's start
    ("SELECT " + "- " * 3000 + "1 AS x", None),
])
def test_expressions_nested_past_any_stack_are_one_error(tmp_path, text, found):
    snapshot = AnalysisHost.load(project(tmp_path, {"deep": text})).snapshot()
    (error,) = diagnostics(snapshot, "deep")
    assert error.code is Code.LIMIT_EXCEEDED
    if found is not None:
        assert text[error.span.start:error.span.end] == found


def test_a_chain_deeper_than_datafusion_can_plan_is_one_error_and_never_planned(tmp_path):
    """12,000 UNION ALL branches: DataFusion's planner recurses once per branch (with an
    8 MB stack, about 3,500 of them crashed the process)."""
    text = " UNION ALL ".join(f"SELECT {k} AS x" for k in range(12_000))
    snapshot = AnalysisHost.load(project(tmp_path, {"chain": text, "fine": "SELECT 1 AS x"})).snapshot()
    (error,) = diagnostics(snapshot, "chain")
    assert error.code is Code.LIMIT_EXCEEDED and error.message.startswith("this query is more than 10_000 levels deep")
    assert snapshot.view("fine").output.state is State.OK


def test_running_out_of_stack_while_planning_is_not_taken_for_datafusion_s_verdict():
    """A RecursionError inside planning became a planning-error reading "maximum recursion
    depth exceeded in comparison"; it now reaches the per-view guard."""
    from viewls.engine.planner import Planner

    planner = Planner()

    def at_depth(levels: int):
        return planner.plan("SELECT 1 AS x") if levels == 0 else at_depth(levels - 1)

    outcomes = set()
    for spare in range(1, 40):  # the stack runs out at each point of planning in turn
        try:
            at_depth(sys.getrecursionlimit() - len(inspect.stack()) - spare)
            outcomes.add("planned")
        except RecursionError:
            outcomes.add("out of stack")
    assert outcomes == {"planned", "out of stack"}  # and never a PlanError


def test_a_generated_view_nested_too_deeply_is_one_error_in_its_spec(tmp_path):
    root = project(tmp_path, {"base": "SELECT 1 AS x"})
    (root / "specs").mkdir()
    (root / "specs" / "deep.toml").write_text(
        f'[[view]]\nname = "parens"\nfrom = "base"\nselect = {{ y = "{"(" * 70}x{")" * 70}" }}\n\n'
        f'[[template]]\nname = "{{p}}_deep"\nfor_each = {{ p = ["a"] }}\nquery = "{nested(400)}"\n')
    snapshot = AnalysisHost.load(root).snapshot()
    for name in ("parens", "a_deep"):
        (error,) = [d for d in snapshot.view(name).diagnostics]
        assert error.code is Code.LIMIT_EXCEEDED, error
        assert snapshot.sources[root / "specs" / "deep.toml"].text[error.span.start:error.span.end] in ("(", "SELECT")


def test_a_worker_process_defines_deep_views_as_this_process_does(tmp_path, monkeypatch):
    views = {f"v{k:03d}": "SELECT 1 AS x" for k in range(150)}
    views.update({f"deep{k}": nested(400 + k) for k in range(3)})
    root = project(tmp_path, views)
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    alone = AnalysisHost.load(root).snapshot()
    monkeypatch.setenv(JOBS_VARIABLE, "3")
    shared = AnalysisHost.load(root).snapshot()
    for name in views:
        assert diagnostics(alone, name) == diagnostics(shared, name)
    assert [d.code for d in diagnostics(shared, "deep2")] == [Code.LIMIT_EXCEEDED]


def run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "viewls", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_check_and_materialize_report_a_deep_view_and_never_crash(tmp_path):
    root = project(tmp_path, {"deep": nested(400), "fine": "SELECT 1 AS x"})
    checked = run("check", str(root), "--format", "json", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    (found,) = json.loads(checked.stdout)["diagnostics"]
    assert (found["path"], found["code"], found["line"]) == ("views/deep.sql", "limit-exceeded", 1)
    materialized = run("materialize", "--all", "--project", str(root), cwd=tmp_path)
    assert materialized.returncode == 1
    assert "Traceback" not in materialized.stderr and "limit-exceeded" in materialized.stdout + materialized.stderr


def test_a_long_chain_within_the_depth_limit_does_not_crash_check(tmp_path):
    """3,500 UNION ALL branches: DataFusion's planner recursing once per branch overflowed an
    8 MB thread stack (check died with SIGSEGV); analysis threads have room for it."""
    text = " UNION ALL ".join(f"SELECT {k} AS x" for k in range(3_500))
    root = project(tmp_path, {"chain": text, "fine": "SELECT 1 AS x"}, "[limits]\nmax_analysis_seconds = 3\n")
    checked = run("check", str(root), "--format", "json", cwd=tmp_path)
    assert checked.returncode in (0, 1), checked.stderr[-2000:]
    assert {d["code"] for d in json.loads(checked.stdout)["diagnostics"]} <= {"limit-exceeded"}


# --- size ----------------------------------------------------------------------------------


def test_a_source_over_the_size_limit_is_one_error_and_not_parsed(tmp_path):
    config = "[limits]\nmax_view_bytes = 1_000\n"
    big = "SELECT 1 AS x, " + ", ".join(f"{k} AS c{k}" for k in range(100)) + " FROM nowhere"
    wide = "SELECT '" + "é" * 600 + "' AS x"  # 600 characters, 1,200 bytes: bytes count
    root = project(tmp_path, {"big": big, "wide": wide, "small": "SELECT 1 AS x", "reader": "SELECT x FROM big"},
                   config)
    (root / "specs").mkdir()
    (root / "specs" / "many.toml").write_text("".join(
        f'[[view]]\nname = "s{k}"\nfrom = "small"\nselect = {{ x = "x" }}\n\n' for k in range(40)))
    snapshot = AnalysisHost.load(root).snapshot()
    for name, size in (("big", len(big)), ("wide", len(wide.encode()))):
        (error,) = diagnostics(snapshot, name)  # no unknown-table: the text was never read
        assert error.code is Code.LIMIT_EXCEEDED and error.span.start == 0
        assert error.message.startswith(f"this file is {size:_} bytes, over the limit of 1_000 ([limits] "
                                        "max_view_bytes")
    assert [d.code for d in diagnostics(snapshot, "reader")] == [Code.UPSTREAM_ERROR]
    assert snapshot.view("small").output.state is State.OK
    spec = snapshot.sources[root / "specs" / "many.toml"]
    assert not spec.views and [d.code for d in spec.diagnostics] == [Code.LIMIT_EXCEEDED]


def test_raising_the_size_limit_reads_the_view(tmp_path):
    big = "SELECT " + ", ".join(f"{k} AS c{k}" for k in range(300))
    root = project(tmp_path, {"big": big}, "[limits]\nmax_view_bytes = 1_000\n")
    host = AnalysisHost.load(root)
    assert [d.code for d in diagnostics(host.snapshot(), "big")] == [Code.LIMIT_EXCEEDED]
    snapshot = host.set_config("[limits]\nmax_view_bytes = 100_000\n", [])
    assert snapshot.view("big").output.state is State.OK


@pytest.mark.parametrize("key, value, message", [
    ("max_view_bytes", "0", "'limits.max_view_bytes' must be a whole number of bytes from 1 to 16_777_216"),
    ("max_view_bytes", '"4MB"', "'limits.max_view_bytes' must be a whole number of bytes"),
    ("max_view_bytes", "99_999_999", "'limits.max_view_bytes' must be a whole number of bytes"),
    ("max_analysis_seconds", "0", "'limits.max_analysis_seconds' must be a positive number of seconds"),
    ("max_analysis_seconds", "inf", "'limits.max_analysis_seconds' must be a positive number of seconds"),
    ("max_analysis_seconds", "true", "'limits.max_analysis_seconds' must be a positive number of seconds"),
])
def test_an_unusable_limit_is_a_config_error_at_its_value_and_the_default_stands(tmp_path, key, value, message):
    text = f"[limits]\n{key} = {value}\n"
    host = AnalysisHost.load(project(tmp_path, {"v": "SELECT 1 AS x"}, text))
    (error,) = host.config.diagnostics
    assert error.code is Code.CONFIG_ERROR and error.message.startswith(message)
    assert text[error.span.start:error.span.end] == value
    assert host.config.limits == Limits()


# --- time ----------------------------------------------------------------------------------

# DataFusion's optimizer takes over a minute on a sum of 5,000 terms (a 10 KB view), in one
# Rust call that nothing can interrupt.
SLOW_IN_RUST = "SELECT " + " + ".join(["1"] * 5000) + " AS x"


def test_a_view_slow_in_datafusion_is_stopped_and_stalls_nothing(tmp_path):
    views = {"slow": SLOW_IN_RUST, "reader": "SELECT x FROM slow", **{f"v{k}": f"SELECT {k} AS x" for k in range(5)}}
    root = project(tmp_path, views, "[limits]\nmax_analysis_seconds = 1\n")
    started = time.perf_counter()
    snapshot = AnalysisHost.load(root).snapshot()
    assert time.perf_counter() - started < 15
    (error,) = diagnostics(snapshot, "slow")
    assert error.code is Code.LIMIT_EXCEEDED
    assert error.message.startswith("analysing this view took longer than 1 s ([limits] max_analysis_seconds")
    assert [d.code for d in diagnostics(snapshot, "reader")] == [Code.UPSTREAM_ERROR]
    assert all(snapshot.view(f"v{k}").output.state is State.OK for k in range(5))


def test_check_ends_promptly_past_a_view_slow_in_datafusion(tmp_path):
    root = project(tmp_path, {"slow": SLOW_IN_RUST, "fine": "SELECT 1 AS x"}, "[limits]\nmax_analysis_seconds = 1\n")
    started = time.perf_counter()
    checked = run("check", str(root), "--format", "json", cwd=tmp_path, timeout=60)
    assert time.perf_counter() - started < 20
    assert checked.returncode == 1
    assert [d["code"] for d in json.loads(checked.stdout)["diagnostics"]] == ["limit-exceeded"]


def test_python_work_past_the_limit_is_stopped_not_left_running():
    """Defining a 60,000-item select list takes seconds: sqlglot's compiled tokenizer and
    parser (which hold the GIL: nothing runs until they return), then lineage and
    normalization in Python. Past the limit the view is an error, and the abandoned step
    is stopped at its first Python bytecode, long before it would have ended."""
    text = "SELECT " + ", ".join(f"a + {k} AS c{k}" for k in range(60_000)) + " FROM t"
    draft = read_sql_file(Path("wide.sql"), text).drafts[0]
    started = time.perf_counter()
    assert derive(draft).lineage is not None
    whole = time.perf_counter() - started
    before = set(threading.enumerate())
    started = time.perf_counter()
    stopped = derive(draft, Deadline(0.1))
    assert [d.code for d in stopped.diagnostics] == [Code.LIMIT_EXCEEDED] and stopped.lineage is None
    abandoned = [thread for thread in threading.enumerate() if thread not in before]
    for thread in abandoned:
        thread.join(whole)
    assert not any(thread.is_alive() for thread in abandoned)
    assert time.perf_counter() - started < 0.7 * whole, whole


def test_an_interrupted_wait_leaves_no_answer_for_the_next_step():
    """Ctrl-C while a step runs: the interruption reaches the caller, and the step still
    running can never be taken for the answer to the next one."""
    deadline = Deadline(30)
    started, release = threading.Event(), threading.Event()

    def step() -> str:
        started.set()
        release.wait(5)
        return "the interrupted step's answer"

    threading.Thread(target=lambda: (started.wait(5), os.kill(os.getpid(), signal.SIGINT))).start()
    with pytest.raises(KeyboardInterrupt):
        deadline.run(step)
    release.set()
    assert deadline.run(lambda: "the next answer") == "the next answer"


# --- quadratic costs -------------------------------------------------------------------------


def test_defining_a_long_select_list_takes_linear_time():
    """Defining a view (sqlglot's parse, lineage, canonical SQL, DataFusion's parser) grows
    linearly with its select list; DataFusion's planning does not (see RELIABILITY.md)."""
    def seconds(items: int) -> float:
        text = "SELECT " + ", ".join(f"a + {k} AS c{k}" for k in range(items)) + " FROM t"
        draft = read_sql_file(Path("wide.sql"), text).drafts[0]
        started = time.process_time()  # CPU time: other processes on the machine do not count
        derive(draft)
        return time.process_time() - started
    seconds(1000)
    small, large = min(seconds(4000) for _ in range(3)), min(seconds(16_000) for _ in range(3))
    assert large / small < 8, (small, large)  # linear: 4; quadratic: 16


def test_finding_a_repeated_output_column_takes_linear_time():
    from viewls.analysis.view import _duplicate_column
    from viewls.analysis.model import ViewDefinition
    names = [f"c{k}" for k in range(40_000)] + ["c7"]  # every name compared with the ones before: 14 s
    schema = pa.schema([(name, pa.int64()) for name in names])
    text = "SELECT 1 AS c7, 2 AS c7"
    definition = read_sql_file(Path("v.sql"), text).drafts[0]
    view = ViewDefinition(definition.key, text, text, definition.anchor, definition.extent, definition.origin,
                          definition.metadata, None, None, ())
    started = time.perf_counter()
    found = _duplicate_column(view, schema)
    assert time.perf_counter() - started < 2
    assert found is not None and found.code is Code.DUPLICATE_COLUMN and "'c7'" in found.message


# --- memory --------------------------------------------------------------------------------


def test_spec_rows_are_remembered_for_the_rows_a_file_holds_not_for_every_edit(tmp_path):
    """An edit re-reads only the row it changed; what is remembered for that is the file's
    current rows, so memory follows the project, not the length of the editing session
    (it kept up to 20,000 rows of past texts)."""
    root = project(tmp_path, {"base": "SELECT 1 AS id, 2 AS amount"})
    (root / "specs").mkdir()
    path = root / "specs" / "rows.toml"
    text = "".join(f'[[view]]\nname = "s{k}"\nfrom = "base"\nselect = {{ a = "amount * {k}" }}\n\n' for k in range(5))
    path.write_text(text)
    host = AnalysisHost.load(root, staged=True)
    for edit in range(300):
        snapshot = host.apply_changes({path.resolve(): text.replace("amount * 3", f"amount * 3 + {edit}")})
        host.complete()
    assert snapshot.view("s3").output.state is State.OK
    assert sum(len(rows) for rows in host._context.rows.values()) == 5

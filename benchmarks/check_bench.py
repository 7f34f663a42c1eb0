"""Benchmark of `viewls check` with the fidelity guard and every planning stage (issue 9).

For each size a synthetic project is generated (benchmarks/synth.py) and checked clean.
Two stages are compared with DataFusion alone running the same stages over the same
views, each view planned against its inputs as empty tables:

- **logical**: DataFusion ``ctx.sql(text).schema()`` per view, against viewls's host
  loaded ``staged=True`` without ``complete()`` (parse, logical plan of the text as
  written and of the canonical SQL: the fidelity guard);
- **all stages**: DataFusion also ``df.execution_plan()`` (analyzer, optimizer, physical
  planner), against ``AnalysisHost.load(root)`` (``staged=False``, what ``check`` does).

Each is measured as a **whole process** (wall time, interpreter start-up and imports
included on both sides: ``viewls check --format json`` / a worker process loading the
staged host, against a worker process running DataFusion alone) and **in-process**
(timed inside the same process, after the imports). Both sides read ``viewls.toml``, the
Parquet footers and every view file inside the timed region. All runs of a size are
interleaved, ``--repeat`` times each.

Then, once per size: what the guard costs (one instrumented staged load: ``Planner.plan``
calls and their time, first plan = the text as written, second = the canonical SQL,
planned only when DataFusion's parser cannot prove it the statement written; the views
that run as written), and edits in one staged host, as the language server
uses it: ``apply_changes`` (the logical stage, published first) and ``complete()``
after it (the later stages) timed separately.

    .venv/bin/python benchmarks/check_bench.py --sizes 1000 5000 --repeat 5
    .venv/bin/python benchmarks/check_bench.py --write      # also update BENCHMARKS.md
    .venv/bin/python benchmarks/check_bench.py --profile 1000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS_MD = HERE.parent / "BENCHMARKS.md"
STAGES = ("logical", "all")
# Issue 9: whole-process check within 2x of DataFusion alone, per stage, at these sizes;
# a body edit's logical stage (what the language server publishes first) at p95 < 30 ms.
TARGETS = {"ratio": 2.0, "ratio_sizes": (1000, 5000), "edit_p95_ms": 30.0, "edit_views": 5000}


# --- workers: each runs in a fresh process and prints one JSON object -------------------

def worker_cold(root: Path, stage: str) -> dict:
    """viewls: the host loaded for ``stage`` (logical: staged, without ``complete()``)."""
    from viewls.analysis.host import AnalysisHost
    from viewls.engine.functions import function_registry

    started, cpu = time.perf_counter(), time.process_time()
    registry = function_registry()
    registered = time.perf_counter()
    host = AnalysisHost.load(root, registry, staged=stage == "logical")
    done, cpu = time.perf_counter(), time.process_time() - cpu
    errors = sum(d.is_error for view in host.snapshot().definitions() for d in view.diagnostics)
    return {"total": done - started, "cpu": cpu, "registry": registered - started, "errors": errors}


def worker_datafusion(root: Path, stage: str) -> dict:
    """DataFusion alone: every view's original text in topological order against empty
    tables, its result registered for its dependents as viewls's ``Planner.set_table`` does."""
    import tomllib

    import pyarrow as pa
    from datafusion import SessionContext

    started, cpu = time.perf_counter(), time.process_time()
    ctx = SessionContext()

    def register(name: str, schema: pa.Schema) -> None:
        ctx.from_arrow(pa.Table.from_batches([], schema=schema), name)

    config = tomllib.loads((root / "viewls.toml").read_text())
    for name, extract in config["extracts"].items():
        register(name, ctx.read_parquet(str(root / extract["path"])).schema())
    extracts = time.perf_counter()
    physical = stage == "all"
    for name in json.loads((root / "bench.json").read_text())["order"]:
        frame = ctx.sql((root / "views" / f"{name}.sql").read_text())
        schema = frame.schema()
        if physical:  # analyzer, optimizer, physical planner
            frame.execution_plan()
        register(name, schema)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return {"total": done - started, "cpu": cpu, "extracts": extracts - started}


# Phases of a load, timed by wrapping the functions involved: (module, attribute, label);
# the indentation of a label (two spaces a level) nests it in the phase above.
FIRST_PLAN = "        first plan: the text as written (ctx.sql().schema())"
SECOND_PLAN = "        second plan: the canonical SQL"
OTHER_PLANS = "other Planner.plan calls (refusals explained)"
DEFINE = "derive: define each view (the six below)"
PHASES = [
    ("viewls.analysis.host", "load_config", "config: load_config"),
    ("viewls.analysis.host", "resolve_extracts", "extracts: resolve_extracts (Parquet footers)"),
    ("viewls.project.discover", "discover_files", "discover_files (glob)"),
    ("viewls.analysis.host", "read_text", "read view files"),
    ("viewls.analysis.host", "read_source", "read_source (drafts; SQL files: metadata header)"),
    ("viewls.analysis.parallel", "derive", DEFINE),
    ("viewls.sources.sql_file", "parse_query", "  sqlglot tokenize + parse"),
    ("viewls.analysis.view", "normalize", "  normalize_identifiers"),
    ("viewls.analysis.view", "extract_lineage", "  extract_lineage"),
    ("viewls.analysis.view", "canonicalize", "  canonicalize (generate SQL + hash)"),
    ("viewls.analysis.view", "read_query", "  DataFusion's parser: read_sql (tables, functions, proof of the canonical SQL)"),
    ("viewls.analysis.datafusion_reading", "reconcile", "  reconcile sqlglot's lineage with DataFusion's reading"),
    ("viewls.analysis.host", "AnalysisHost._rebuild", "_rebuild (all below)"),
    ("viewls.analysis.host", "AnalysisHost._analyse", "  _analyse"),
    ("viewls.analysis.host", "analyse_view", "    analyse_view"),
    ("viewls.analysis.view", "read_view", "      fidelity guard: read_view (the three below)"),
    ("viewls.engine.planner", "Planner.plan", None),  # labelled by its place in read_view
    ("viewls.engine.planner", "Planned.same_plan", "        compare the two logical plans"),
    ("viewls.analysis.view", "complete_view", "      complete_view: the later stages"),
    ("viewls.engine.planner", "Planner.complete", "        df.execution_plan() (analyzer, optimizer, physical)"),
    ("viewls.engine.planner", "Planner.set_table", "    publish: register empty table"),
    ("viewls.graph", "DependencyGraph.__init__", "  DependencyGraph"),
    ("viewls.graph", "DependencyGraph.order", "  topological order"),
    ("viewls.analysis.host", "AnalysisHost.complete", "host.complete() (staged: the later stages)"),
    ("viewls.analysis.host", "complete_view", "  complete_view"),
]


def instrument() -> dict[str, list]:
    """Wrap the functions of PHASES; return label -> [seconds, calls], filled as they run.
    ``Planner.plan`` is split by its place inside the guard's ``read_view``."""
    import importlib
    import inspect

    phases: dict[str, list] = {}
    guard: list = [None]  # plans so far in the running read_view; None outside one

    def plan_label() -> str:
        count = guard[0]
        if count is None:
            return OTHER_PLANS
        guard[0] = count + 1
        return FIRST_PLAN if count == 0 else SECOND_PLAN

    for module, attribute, label in PHASES:
        owner = importlib.import_module(module)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        static = inspect.getattr_static(owner, name, None)
        if static is None:  # renamed since this list was written: leave the phase out
            continue
        labels = [FIRST_PLAN, SECOND_PLAN, OTHER_PLANS] if label is None else [label]
        for each in labels:
            phases.setdefault(each, [0.0, 0])

        def timed(*args, _original=getattr(owner, name), _label=label, _guard=name == "read_view", **kwargs):
            key = plan_label() if _label is None else _label
            if _guard:
                guard[0] = 0
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                phase = phases[key]
                phase[0] += time.perf_counter() - started
                phase[1] += 1
                if _guard:
                    guard[0] = None

        setattr(owner, name, staticmethod(timed) if isinstance(static, staticmethod) else timed)
    return phases


def readings(host) -> dict:
    """How the views run: canonical SQL, or as written (the guard's verdict)."""
    from viewls.diagnostics import Code

    files = list(host.snapshot().definitions())
    return {"views": len(files),
            "planned": sum(v.sql is not None for v in files),
            "as_written": sum(v.sql is not None and v.sql == v.definition.text for v in files),
            "notices": sum(d.code is Code.RUNS_AS_WRITTEN for v in files for d in v.diagnostics),
            "unread": sum(v.definition.canonical is None for v in files)}


def worker_phases(root: Path, stage: str, profile: str = "") -> dict:
    """Phase times of one cold load for ``stage`` (logical: staged, then ``complete()``
    timed apart); with ``profile``, also cProfiles of a second load and of leaf edits.
    Views are defined in this one process, so that every phase is seen (a cold load
    otherwise defines them on every core: see the whole-process runs)."""
    import gc

    os.environ["VIEWLS_JOBS"] = "1"
    phases = instrument()
    from viewls.analysis.host import AnalysisHost
    from viewls.engine.functions import function_registry

    collecting, since = [0.0, 0], [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            since[0] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - since[0]
            collecting[1] += 1

    started = time.perf_counter()
    registry = function_registry()
    registered = time.perf_counter() - started
    gc.callbacks.append(on_gc)
    started = time.perf_counter()
    host = AnalysisHost.load(root, registry, staged=stage == "logical")
    load = time.perf_counter() - started
    gc.callbacks.remove(on_gc)
    measured = {label: list(value) for label, value in phases.items()}
    measured["function_registry"] = [registered, 1]
    measured["garbage collection (inside the phases above)"] = collecting
    result = {"load": load, "phases": measured, **readings(host)}
    if stage == "logical":
        started = time.perf_counter()
        host.complete()
        result["complete"] = time.perf_counter() - started
    if profile:
        result.update(profiles(root, registry))
    return result


def profiles(root: Path, registry) -> dict:
    import cProfile
    import io
    import pstats

    from viewls.analysis.host import AnalysisHost

    def profile(run) -> str:
        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        return out.getvalue()

    manifest = json.loads((root / "bench.json").read_text())
    leaf = root.resolve() / "views" / f"{manifest['leaf']}.sql"
    host = AnalysisHost.load(root, registry, staged=True)
    host.complete()

    def edits() -> None:
        for i in range(1, 21):
            host.apply_change(leaf, manifest["leaf_edit"][i % 2])
            host.complete()

    return {"profile": profile(lambda: AnalysisHost.load(root, registry)), "edits": profile(edits)}


def worker_edits(root: Path, edits: str) -> dict:
    """Edits in one staged host, as the language server holds it: ``apply_changes`` (the
    logical stage, published first), then ``complete()`` (the later stages)."""
    from viewls.analysis.host import AnalysisHost

    manifest = json.loads((root / "bench.json").read_text())
    host = AnalysisHost.load(root, staged=True)
    host.complete()
    counts = {"plan": 0, "complete": 0}
    plan, complete = host.planner.plan, host.planner.complete

    def counted_plan(sql):
        counts["plan"] += 1
        return plan(sql)

    def counted_complete(planned):
        counts["complete"] += 1
        return complete(planned)

    host.planner.plan, host.planner.complete = counted_plan, counted_complete

    def measure(changes_for, n: int) -> dict:
        logical, cpu, later, plans, completes = [], [], [], [], []
        for i in range(n):
            counts.update(plan=0, complete=0)
            changes = changes_for(i)
            started, cpu_started = time.perf_counter(), time.process_time()
            host.apply_changes(changes)
            published = time.perf_counter()
            cpu.append(time.process_time() - cpu_started)
            plans.append(counts["plan"])  # the logical stage's plans, before complete() plans again
            snapshot = host.complete()
            later.append(time.perf_counter() - published)
            logical.append(published - started)
            completes.append(counts["complete"])
        assert not any(d.is_error for v in snapshot.definitions() for d in v.diagnostics)
        return {"times": logical, "cpu": cpu, "complete": later, "plans": max(plans), "completes": max(completes)}

    def path(name: str) -> Path:
        return root.resolve() / "views" / f"{name}.sql"

    leaf, root_view = manifest["leaf"], manifest["root"]
    family = [root_view, *sorted(host.snapshot().graph.descendants(root_view))]
    texts = {name: path(name).read_text() for name in family}
    edits = int(edits)
    return {
        "leaf": measure(lambda i: {path(leaf): manifest["leaf_edit"][(i + 1) % 2]}, edits),
        "root": measure(lambda i: {path(root_view): manifest["root_edit"][(i + 1) % 2]}, max(10, edits // 2)),
        # Every file of the family changes (a comment), so each is re-parsed and re-planned.
        "family": measure(lambda i: {path(n): texts[n] + f"-- edit {i}\n" for n in family}, 10),
        "family_size": len(family),
    }


WORKERS = {"cold": worker_cold, "datafusion": worker_datafusion, "phases": worker_phases,
           "edits": worker_edits}


def run_worker(mode: str, root: Path, *extra: str) -> dict:
    """A worker in a fresh process; its result with ``wall``: the whole process's wall time."""
    command = [sys.executable, __file__, "--worker", mode, str(root), *extra]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return {**json.loads(result.stdout), "wall": time.perf_counter() - started}


def wall(command: list) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


# --- the driver ---------------------------------------------------------------------------

def generate(root: Path, n: int) -> dict:
    sys.path.insert(0, str(HERE))
    from synth import generate

    return generate(root, n)


def check_process(root: Path) -> float:
    """Wall time of ``viewls check --format json`` (all stages); the project must be clean."""
    viewls = Path(sys.executable).parent / "viewls"
    started = time.perf_counter()
    result = subprocess.run([viewls, "check", root, "--format", "json"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    summary = json.loads(result.stdout)["summary"]
    if result.returncode or summary["errors"] or summary["warnings"]:  # every view must check clean
        raise SystemExit(f"{root}: not clean: {summary}")
    return elapsed


def bench_size(n: int, repeat: int, edits: int, workdir: Path) -> dict:
    root = workdir / f"p{n}"
    manifest = generate(root, n)
    load = [os.getloadavg()[0]]
    runs: dict[str, list] = {"check": []}
    for _ in range(repeat):  # interleaved, so that drift and other load hit every side alike
        runs["check"].append(check_process(root))
        for stage in STAGES:
            for mode in ("cold", "datafusion"):
                result = run_worker(mode, root, stage)
                if result.get("errors"):
                    raise SystemExit(f"{root}: {result['errors']} errors at stage {stage}")
                runs.setdefault(f"{mode}_{stage}", []).append(result)
    result = {
        "views": n, "edges": manifest["edges"], "root_descendants": manifest["root_descendants"],
        "runs": runs, "guard": run_worker("phases", root, "logical"),
        "edits": run_worker("edits", root, str(edits)),
    }
    result["load"] = load + [os.getloadavg()[0]]
    return result


# --- the report ---------------------------------------------------------------------------

med = statistics.median


def spread(values: list[float], unit: float = 1.0, digits: int = 2) -> str:
    values = [v * unit for v in values]
    return f"{med(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def ratio(ours: list[float], theirs: list[float]) -> str:
    """Ratio of the medians, with the range of the interleaved pairs' ratios."""
    pairs = [a / b for a, b in zip(ours, theirs)]
    return f"{med(ours) / med(theirs):.2f}x ({min(pairs):.2f}–{max(pairs):.2f})"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def machine() -> str:
    import datafusion
    import sqlglot
    import sqlglot.parser

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    compiled = "yes" if sqlglot.parser.__file__.endswith(".so") else "no"
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=HERE, capture_output=True, text=True)
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, datafusion {datafusion.__version__}, "
            f"sqlglot {sqlglot.__version__} (sqlglotc compiled: {compiled}); "
            f"viewls at {commit.stdout.strip() or 'unknown commit'}")


def whole(r: dict, stage: str) -> tuple[list[float], list[float]]:
    """Whole-process wall times, viewls and DataFusion alone, for a stage."""
    ours = r["runs"]["check"] if stage == "all" else [x["wall"] for x in r["runs"]["cold_logical"]]
    return ours, [x["wall"] for x in r["runs"][f"datafusion_{stage}"]]


def inside(r: dict, stage: str, key: str = "total") -> tuple[list[float], list[float]]:
    """In-process times (``key``: total or cpu), viewls and DataFusion alone, for a stage."""
    return ([x[key] for x in r["runs"][f"cold_{stage}"]], [x[key] for x in r["runs"][f"datafusion_{stage}"]])


def report(results: list[dict], repeat: int, startup: dict[str, list[float]], measured: str) -> str:
    """``measured``: the machine line, taken when the run started."""
    lines = [
        f"Machine: {measured}.", "",
        f"Seconds, median (min–max) of {repeat} fresh processes each; ratios: of the medians "
        "(range of the ratios of the interleaved pairs). Load: 1-minute load average at the "
        "start and end of the size.", "",
        "**Whole process** (wall time; interpreter start-up and imports included on both sides):", "",
        "| views | stage | viewls process | DataFusion-alone process | ratio | load avg |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    names = {"logical": "logical (+ guard)", "all": "all stages"}
    sides = {"logical": "staged host, no `complete()`", "all": "`viewls check --format json`"}
    for r in results:
        for stage in STAGES:
            ours, theirs = whole(r, stage)
            lines.append(f"| {r['views']} | {names[stage]}: {sides[stage]} | {spread(ours)} | {spread(theirs)} "
                         f"| {ratio(ours, theirs)} | {min(r['load']):.1f}–{max(r['load']):.1f} |")
    lines += ["", "Interpreter start-up and imports alone: "
              + ", ".join(f"{name} {med(times):.2f} s" for name, times in startup.items()) + " (median).",
              "", "**In-process** (timed after the imports; CPU = process CPU time, median, less "
              "sensitive to other load):", "",
              "| views | stage | viewls cold load | CPU | DataFusion alone | CPU | ratio | CPU ratio | per view, viewls / DataFusion (ms) |",
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        n = r["views"]
        for stage in STAGES:
            ours, theirs = inside(r, stage)
            ours_cpu, theirs_cpu = inside(r, stage, "cpu")
            lines.append(f"| {n} | {names[stage]} | {spread(ours)} | {med(ours_cpu):.2f} | {spread(theirs)} "
                         f"| {med(theirs_cpu):.2f} | {ratio(ours, theirs)} | {med(ours_cpu) / med(theirs_cpu):.2f}x "
                         f"| {med(ours) * 1e3 / n:.2f} / {med(theirs) * 1e3 / n:.2f} |")
    lines += ["", "**The fidelity guard** (one instrumented staged load per size, then `complete()`): "
              "`Planner.plan` calls and their seconds. The guard plans the canonical SQL (a second plan) "
              "only for views whose canonical SQL DataFusion's parser cannot prove to be the statement "
              "written (the proof is part of `read_sql`, when each view is defined).", "",
              "| views | views planned | run as written | read by DataFusion's parser alone | staged load (s) "
              "| of which defining the views (s) | first plan: as written (s) | second plan: canonical SQL (s) "
              "| plan comparison (s) | guard's share of the load | `complete()` after it (s) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        g = r["guard"]
        first, second = g["phases"][FIRST_PLAN], g["phases"][SECOND_PLAN]
        compare = g["phases"]["        compare the two logical plans"]
        cost = second[0] + compare[0]
        lines.append(f"| {r['views']} | {g['planned']} | {g['as_written']} ({g['notices']} notices) | {g['unread']} "
                     f"| {g['load']:.2f} | {g['phases'][DEFINE][0]:.2f} "
                     f"| {first[0]:.2f} ({first[1]} calls) | {second[0]:.2f} ({second[1]} calls) "
                     f"| {compare[0]:.3f} | {cost / g['load']:.0%} | {g['complete']:.2f} |")
    edit = lambda times: (f"{med(times) * 1e3:.1f} / {p95(times) * 1e3:.1f} / "  # noqa: E731
                          f"{max(times) * 1e3:.1f}")
    lines += ["", "**Edits** in one staged host, as the language server holds it: milliseconds, "
              "median / p95 / max, of `apply_changes` (logical stage + guard, published first) "
              "and of `complete()` after it (the later stages, which plan each deferred view again); "
              "re-planned = `Planner.plan` calls in `apply_changes` "
              "(one per view, two when the guard plans the canonical SQL), completed = `Planner.complete` calls, per edit.", "",
              "| views | edit | `apply_changes` | CPU median | re-planned | `complete()` | completed |",
              "|---:|---|---:|---:|---:|---:|---:|"]
    kinds = {"leaf": "leaf body edit", "root": "root schema edit ({d} descendants)",
             "family": "root + {d} descendants, every file changed"}
    for r in results:
        for key, label in kinds.items():
            e = r["edits"][key]
            lines.append(f"| {r['views']} | {label.format(d=r['root_descendants'])} | {edit(e['times'])} "
                         f"| {med(e['cpu']) * 1e3:.1f} | {e['plans']} | {edit(e['complete'])} | {e['completes']} |")
    counts = {k: len(v["times"]) for k, v in results[0]["edits"].items() if isinstance(v, dict)}
    lines += ["", "Samples per size: " + ", ".join(f"{k} {c}" for k, c in counts.items()) + ".", ""]
    return "\n".join(lines) + "\n" + verdicts(results)


def verdicts(results: list[dict]) -> str:
    lines = ["| issue-9 target | measured (median) | |", "|---|---:|---|"]
    verdict = lambda ok: "pass" if ok else "**fail**"  # noqa: E731
    for r in results:
        n = r["views"]
        if n in TARGETS["ratio_sizes"]:
            for stage, name in (("logical", "logical planning (+ guard)"), ("all", "all stages")):
                ours, theirs = whole(r, stage)
                value = med(ours) / med(theirs)
                lines.append(f"| {n} views, {name}: whole-process check <= {TARGETS['ratio']:.0f}x "
                             f"DataFusion alone | {value:.2f}x | {verdict(value <= TARGETS['ratio'])} |")
        if n == TARGETS["edit_views"]:
            value = p95(r["edits"]["leaf"]["times"]) * 1e3
            lines.append(f"| {n} views: body edit p95 < {TARGETS['edit_p95_ms']:.0f} ms (logical stage, "
                         f"published first) | {value:.1f} ms | {verdict(value < TARGETS['edit_p95_ms'])} |")
    return "\n".join(lines) + "\n"


def profile_table(results: list[dict], n: int) -> str:
    """Median phase times over the fresh processes."""
    load = med(r["load"] for r in results)
    lines = [f"Cold load of {n} views, all stages (`AnalysisHost.load(root)`, as `viewls check`): "
             f"{load:.2f} s, median of {len(results)} fresh processes; phases timed by wrapping "
             "functions (· = part of the phase above).", "",
             "| phase | seconds | share | calls |", "|---|---:|---:|---:|"]
    for label, (_, calls) in results[0]["phases"].items():
        if not calls:
            continue
        seconds = med(r["phases"][label][0] for r in results)
        depth = (len(label) - len(label.lstrip())) // 2
        lines.append(f"| {'· ' * depth}{label.strip()} | {seconds:.3f} | {seconds / load:.0%} | {calls} |")
    return "\n".join(lines) + "\n"


def write_section(marker: str, table: str) -> None:
    """Replace what BENCHMARKS.md holds between the ``marker`` comments."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    head, _, rest = BENCHMARKS_MD.read_text().partition(start)
    _, _, tail = rest.partition(end)
    BENCHMARKS_MD.write_text(f"{head}{start}\n{table}{end}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], help="numbers of views")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per measurement")
    parser.add_argument("--edits", type=int, default=40, help="leaf edits (root edits: half, at least 10)")
    parser.add_argument("--workdir", type=Path, help="where to generate projects (default: a temp dir)")
    parser.add_argument("--write", action="store_true", help=f"also replace the results in {BENCHMARKS_MD.name}")
    parser.add_argument("--profile", type=int, metavar="VIEWS",
                        help="instead: profile a cold load (all stages) and leaf edits of a project of this size")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, root, *extra = args.worker
        print(json.dumps(WORKERS[mode](Path(root), *extra)))
        return
    with tempfile.TemporaryDirectory(prefix="viewls-bench-") as temp:
        workdir = args.workdir or Path(temp)
        if args.profile:
            root = workdir / f"p{args.profile}"
            generate(root, args.profile)
            results = [run_worker("phases", root, "all", *(["profile"] if i == args.repeat - 1 else []))
                       for i in range(args.repeat)]
            table = profile_table(results, args.profile)
            print(table)
            print("cProfile of a second load (all stages) in the same process, top 25 by own time:\n")
            print(results[-1]["profile"])
            print("cProfile of 20 leaf body edits in a staged host (apply_change + complete):\n")
            print(results[-1]["edits"])
            if args.write:
                write_section("check9-profile", table)
            return
        startup = {
            "viewls (`import viewls.analysis.host, viewls.cli.report`)":
                [wall([sys.executable, "-c", "import viewls.analysis.host, viewls.cli.report"])
                 for _ in range(args.repeat)],
            "DataFusion alone (`import datafusion, pyarrow`)":
                [wall([sys.executable, "-c", "import datafusion, pyarrow"]) for _ in range(args.repeat)],
        }
        measured, results = machine(), []
        for n in args.sizes:
            print(f"benchmarking {n} views...", file=sys.stderr)
            results.append(bench_size(n, args.repeat, args.edits, workdir))
            (workdir / "results.json").write_text(json.dumps(results))  # kept if the report fails
        if machine() != measured:  # others committed or edited meanwhile: say so
            measured += f" (at the end of the run: {machine().rsplit('viewls at ', 1)[-1]})"
        table = report(results, args.repeat, startup, measured)
        print(table)
        if args.write:
            write_section("check9-bench", table)


if __name__ == "__main__":
    main()

"""Benchmark of `viewls check` (issue 2): cold check, DataFusion-alone baseline, edits.

For each size a synthetic project is generated (benchmarks/synth.py) and checked clean,
then measured, each timing taken inside the measured process after its imports:

- cold: ``AnalysisHost.load(root)`` in a fresh process, function registry included;
  also the wall time of the whole ``viewls check --format json`` process;
- baseline: in a fresh process, DataFusion alone plans every view's original text in
  topological order against empty tables, as viewls's planner does. Both sides read
  viewls.toml, the Parquet footers and every view file inside the timed region;
- edits, in one long-lived host: a body-only edit of a leaf view (a literal in its
  WHERE clause), a schema-changing edit of the root with ~100 descendants (one output
  column added and removed again), and a batch touching the root and all descendants.

    .venv/bin/python benchmarks/check_bench.py --sizes 100 1000 --repeat 3
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
TARGETS = {"cold_1000_s": 3.0, "ratio": 2.0, "leaf_ms": 20.0, "root_ms": 300.0}


# --- workers: each runs in a fresh process and prints one JSON object -------------------

def worker_cold(root: Path) -> dict:
    from viewls.analysis.host import AnalysisHost
    from viewls.engine.functions import function_registry

    started, cpu = time.perf_counter(), time.process_time()
    registry = function_registry()
    registered = time.perf_counter()
    host = AnalysisHost.load(root, registry)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    errors = sum(d.is_error for view in host.snapshot().files.values() for d in view.diagnostics)
    return {"total": done - started, "cpu": cpu, "registry": registered - started, "errors": errors}


def worker_baseline(root: Path) -> dict:
    import tomllib

    import pyarrow as pa
    from datafusion import SessionContext

    started, cpu = time.perf_counter(), time.process_time()
    ctx = SessionContext()

    def register(name: str, schema: pa.Schema) -> None:  # as viewls's Planner.set_table does
        ctx.from_arrow(pa.Table.from_batches([], schema=schema), name)

    config = tomllib.loads((root / "viewls.toml").read_text())
    for name, extract in config["extracts"].items():
        register(name, ctx.read_parquet(str(root / extract["path"])).schema())
    extracts = time.perf_counter()
    for name in json.loads((root / "bench.json").read_text())["order"]:
        register(name, ctx.sql((root / "views" / f"{name}.sql").read_text()).schema())
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return {"total": done - started, "cpu": cpu, "extracts": extracts - started}


def worker_edits(root: Path, edits: int) -> dict:
    import viewls.analysis.host as host_module
    from viewls.analysis.host import AnalysisHost

    manifest = json.loads((root / "bench.json").read_text())
    host = AnalysisHost.load(root)
    counts = {"plan": 0, "parse": 0}
    plan, parse = host.planner.plan, host_module.parse_view

    def counted_plan(sql):
        counts["plan"] += 1
        return plan(sql)

    def counted_parse(path, text):
        counts["parse"] += 1
        return parse(path, text)

    host.planner.plan, host_module.parse_view = counted_plan, counted_parse

    def measure(changes_for, n: int) -> dict:
        times, cpu, plans, parses = [], [], [], []
        for i in range(n):
            counts.update(plan=0, parse=0)
            changes = changes_for(i)
            started, cpu_started = time.perf_counter(), time.process_time()
            snapshot = host.apply_changes(changes)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            plans.append(counts["plan"])
            parses.append(counts["parse"])
        assert not any(d.is_error for v in snapshot.files.values() for d in v.diagnostics)
        return {"times": times, "cpu": cpu, "plans": max(plans), "parses": max(parses)}

    def path(name: str) -> Path:
        return root.resolve() / "views" / f"{name}.sql"

    leaf, root_view = manifest["leaf"], manifest["root"]
    family = [root_view, *sorted(host.snapshot().graph.descendants(root_view))]
    texts = {name: path(name).read_text() for name in family}
    return {
        "leaf": measure(lambda i: {path(leaf): manifest["leaf_edit"][(i + 1) % 2]}, edits),
        "root": measure(lambda i: {path(root_view): manifest["root_edit"][(i + 1) % 2]}, max(10, edits // 2)),
        # Every file of the family changes (a comment), so each is re-parsed and re-planned.
        "family": measure(lambda i: {path(n): texts[n] + f"-- edit {i}\n" for n in family}, 10),
        "family_size": len(family),
    }


def worker_profile(root: Path) -> dict:
    """Phase times of a cold load (by wrapping functions), then cProfiles of a second
    load and of leaf edits in the same process."""
    import cProfile
    import gc
    import io
    import pstats

    import viewls.analysis.host as host_module
    import viewls.analysis.view as view_module
    from viewls.analysis.host import AnalysisHost
    from viewls.engine.functions import function_registry
    from viewls.engine.planner import Planner
    from viewls.graph import DependencyGraph

    phases: dict[str, list] = {}

    def wrap(owner, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # renamed since this list was written: leave the phase out
            return
        phase = phases.setdefault(label, [0.0, 0])

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phase[0] += time.perf_counter() - started
                phase[1] += 1

        setattr(owner, name, timed)

    for owner, name, label in [
        (host_module, "load_config", "config: load_config"),
        (host_module, "resolve_extracts", "extracts: resolve_extracts (Parquet footers)"),
        (host_module, "discover_views", "discover_views (glob)"),
        (host_module, "read_text", "read view files"),
        (host_module, "parse_view", "parse_view (the five below)"),
        (view_module, "parse_metadata", "  metadata header"),
        (view_module, "parse_query", "  sqlglot tokenize + parse"),
        (view_module, "normalize", "  normalize_identifiers"),
        (view_module, "extract_lineage", "  extract_lineage"),
        (view_module, "canonicalize", "  canonicalize (generate SQL + hash)"),
        (AnalysisHost, "_rebuild", "_rebuild (all below)"),
        (AnalysisHost, "_analyse", "  _analyse"),
        (host_module, "analyse_view", "    analyse_view"),
        (Planner, "plan", "      DataFusion plan (ctx.sql().schema())"),
        (Planner, "set_table", "    publish: register empty table"),
        (DependencyGraph, "__init__", "  DependencyGraph"),
        (DependencyGraph, "order", "  topological order"),
    ]:
        wrap(owner, name, label)

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            since[0] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - since[0]
            collecting[1] += 1

    started = time.perf_counter()
    registry = function_registry()
    phases["function_registry"] = [time.perf_counter() - started, 1]
    collecting = phases.setdefault("garbage collection (inside the phases above)", [0.0, 0])
    since = [0.0]
    gc.callbacks.append(on_gc)
    started = time.perf_counter()
    host = AnalysisHost.load(root, registry)
    total = time.perf_counter() - started
    gc.callbacks.remove(on_gc)
    measured = {label: list(value) for label, value in phases.items()}

    def profile(run) -> str:
        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        return out.getvalue()

    manifest = json.loads((root / "bench.json").read_text())
    leaf = root.resolve() / "views" / f"{manifest['leaf']}.sql"
    return {"load": total, "phases": measured,
            "profile": profile(lambda: AnalysisHost.load(root, registry)),
            "edits": profile(lambda: [host.apply_change(leaf, manifest["leaf_edit"][i % 2]) for i in range(1, 21)])}


def wall(command: list) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def run_worker(mode: str, root: Path, *extra: str) -> dict:
    command = [sys.executable, __file__, "--worker", mode, str(root), *extra]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


# --- the driver ---------------------------------------------------------------------------

def generate(root: Path, n: int) -> dict:
    sys.path.insert(0, str(HERE))
    from synth import generate

    return generate(root, n)


def bench_size(n: int, repeat: int, edits: int, workdir: Path) -> dict:
    root = workdir / f"p{n}"
    manifest = generate(root, n)
    viewls = Path(sys.executable).parent / "viewls"
    load = [os.getloadavg()[0]]
    cli, cold, baseline = [], [], []
    for _ in range(repeat):  # interleaved, so that drift and other load hit all three alike
        started = time.perf_counter()
        result = subprocess.run([viewls, "check", root, "--format", "json"], capture_output=True, text=True)
        cli.append(time.perf_counter() - started)
        summary = json.loads(result.stdout)["summary"]
        if result.returncode or summary["errors"] or summary["warnings"]:  # every view must check clean
            raise SystemExit(f"{root}: not clean: {summary}")
        cold.append(run_worker("cold", root))
        baseline.append(run_worker("baseline", root))
    result = {
        "views": n, "edges": manifest["edges"], "root_descendants": manifest["root_descendants"],
        "cli": cli, "cold": [r["total"] for r in cold], "cold_cpu": [r["cpu"] for r in cold],
        "registry": [r["registry"] for r in cold], "baseline": [r["total"] for r in baseline],
        "baseline_cpu": [r["cpu"] for r in baseline], "baseline_extracts": [r["extracts"] for r in baseline],
        "edits": run_worker("edits", root, str(edits)),
    }
    result["load"] = load + [os.getloadavg()[0]]
    return result


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


def report(results: list[dict], repeat: int, startup: list[float]) -> str:
    med = statistics.median
    spread = lambda xs: f"{med(xs):.2f} ({min(xs):.2f}–{max(xs):.2f})"  # noqa: E731
    edit = lambda e: (f"{med(e['times']) * 1e3:.1f} / {p95(e['times']) * 1e3:.1f} / "  # noqa: E731
                      f"{max(e['times']) * 1e3:.1f} ({med(e['cpu']) * 1e3:.1f})")
    lines = [
        f"Machine: {machine()}.", "",
        f"Cold: seconds, median (min–max) of {repeat} fresh processes; CPU = process CPU time "
        "(median), less sensitive to other load on the machine.", "",
        "| views | edges | `viewls check` process | cold load | CPU | of which registry | per view (ms) "
        "| DataFusion alone | CPU | cold / DataFusion | CPU ratio | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        n = r["views"]
        lines.append(
            f"| {n} | {r['edges']} | {spread(r['cli'])} | {spread(r['cold'])} | {med(r['cold_cpu']):.2f} "
            f"| {med(r['registry']):.3f} | {med(r['cold']) * 1000 / n:.2f} | {spread(r['baseline'])} "
            f"| {med(r['baseline_cpu']):.2f} | {med(r['cold']) / med(r['baseline']):.2f}x "
            f"| {med(r['cold_cpu']) / med(r['baseline_cpu']):.2f}x | {min(r['load']):.1f}–{max(r['load']):.1f} |")
    lines += ["", "Interpreter start-up and imports alone (part of the `viewls check` process): "
              f"{med(startup):.2f} s median.",
              "", "Edits in one loaded host (`apply_changes`): milliseconds, median / p95 / max (CPU median); "
              "views re-planned per edit (`Planner.plan` calls).", "",
              "| views | leaf body edit | re-planned | root schema edit | re-planned | root descendants "
              "| root + descendants, all files changed | re-planned |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        e = r["edits"]
        lines.append(f"| {r['views']} | {edit(e['leaf'])} | {e['leaf']['plans']} | {edit(e['root'])} "
                     f"| {e['root']['plans']} | {r['root_descendants']} | {edit(e['family'])} "
                     f"| {e['family']['plans']} |")
    counts = {k: len(v["times"]) for k, v in results[0]["edits"].items() if isinstance(v, dict)}
    lines += ["", "Samples per size: " + ", ".join(f"{k} {c}" for k, c in counts.items()) + ".",
              "", "| target | measured (median) | |", "|---|---:|---|"]
    verdict = lambda ok: "pass" if ok else "**fail**"  # noqa: E731
    for r in results:
        n, e = r["views"], r["edits"]
        ratio = med(r["cold"]) / med(r["baseline"])
        if n == 1000:
            cold = med(r["cold"])
            lines.append(f"| cold check of 1000 views < {TARGETS['cold_1000_s']:.0f} s | {cold:.2f} s "
                         f"| {verdict(cold < TARGETS['cold_1000_s'])} |")
        lines.append(f"| {n} views: cold check <= {TARGETS['ratio']:.0f}x DataFusion alone | {ratio:.2f}x "
                     f"| {verdict(ratio <= TARGETS['ratio'])} |")
        leaf, root = med(e["leaf"]["times"]) * 1000, med(e["root"]["times"]) * 1000
        lines.append(f"| {n} views: body-only edit < {TARGETS['leaf_ms']:.0f} ms | {leaf:.1f} ms "
                     f"| {verdict(leaf < TARGETS['leaf_ms'])} |")
        lines.append(f"| {n} views: root schema edit ({r['root_descendants']} descendants) "
                     f"< {TARGETS['root_ms']:.0f} ms | {root:.1f} ms | {verdict(root < TARGETS['root_ms'])} |")
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
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per cold measurement")
    parser.add_argument("--edits", type=int, default=40, help="leaf edits (root edits: half, at least 10)")
    parser.add_argument("--workdir", type=Path, help="where to generate projects (default: a temp dir)")
    parser.add_argument("--write", action="store_true", help=f"also replace the results in {BENCHMARKS_MD.name}")
    parser.add_argument("--profile", type=int, metavar="VIEWS",
                        help="instead: profile a cold load and leaf edits of a project of this size")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, root, *extra = args.worker
        workers = {"cold": worker_cold, "baseline": worker_baseline, "edits": worker_edits,
                   "profile": worker_profile}
        print(json.dumps(workers[mode](Path(root), *map(int, extra))))
        return
    with tempfile.TemporaryDirectory(prefix="viewls-bench-") as temp:
        workdir = args.workdir or Path(temp)
        if args.profile:
            root = workdir / f"p{args.profile}"
            generate(root, args.profile)
            results = [run_worker("profile", root) for _ in range(args.repeat)]
            table = profile_table(results, args.profile)
            print(table)
            print("cProfile of a second load in the same process, top 25 by cumulative time:\n")
            print(results[-1]["profile"])
            print("cProfile of 20 leaf body edits:\n")
            print(results[-1]["edits"])
            if args.write:
                write_section("check-profile", table)
            return
        startup = [wall([sys.executable, "-c", "import viewls.analysis.host, viewls.cli.report"])
                   for _ in range(args.repeat)]
        results = []
        for n in args.sizes:
            print(f"benchmarking {n} views...", file=sys.stderr)
            results.append(bench_size(n, args.repeat, args.edits, workdir))
        table = report(results, args.repeat, startup)
        print(table)
        if args.write:
            write_section("check-bench", table)


def profile_table(results: list[dict], n: int) -> str:
    """Median phase times over the fresh processes."""
    med = statistics.median
    load = med(r["load"] for r in results)
    lines = [f"Cold load of {n} views: {load:.2f} s, median of {len(results)} fresh processes; "
             "phases timed by wrapping functions (· = part of the phase above).", "",
             "| phase | seconds | share | calls |", "|---|---:|---:|---:|"]
    for label, (_, calls) in results[0]["phases"].items():
        seconds = med(r["phases"][label][0] for r in results)
        depth = (len(label) - len(label.lstrip())) // 2
        lines.append(f"| {'· ' * depth}{label.strip()} | {seconds:.3f} | {seconds / load:.0%} | {calls} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

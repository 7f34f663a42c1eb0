"""Benchmark of `viewls materialize` (issue 5): overhead over DataFusion alone, no-op runs.

(a) TPC-H at scale factor 1 (tpchgen-cli, generated once into a cache directory outside
    the repository): the 22 queries and revenue0 of tests/tpch/project, each run in a
    fresh process and timed inside it after its imports:

    - viewls: ``AnalysisHost.load``, ``plan_run`` of every view and ``run`` into an empty
      output directory, as ``viewls materialize --all`` does (analysis included);
    - DataFusion alone: a plain ``SessionContext``, every extract registered with
      ``register_parquet`` (viewls.toml read inside the timed region too), each view's
      file text run with ``ctx.sql`` and written with DataFusion's own ``write_parquet``
      (its defaults: zstd level 4); revenue0 first, then registered from its written
      file for q15, as viewls reads an upstream output built earlier in the run;
    - the `viewls materialize --all --json` command: wall time of the whole process.

    The three run interleaved after one warm-up run of each, so the Parquet files are in
    the page cache for all; viewls and DataFusion run back to back in every round, each
    first in every other round. Both sides must write the same number of
    rows per view.

(b) A no-op ``viewls materialize --all --changed`` over the 1000-view synthetic project
    (benchmarks/synth.py) after a full materialization: wall time of the command, which
    must report every view up to date; `viewls check` on the same project, interleaved,
    is the floor (loading and analysing the project).

    .venv/bin/python benchmarks/materialize_bench.py [--repeat 5] [--write]
    .venv/bin/python benchmarks/materialize_bench.py --profile      # where viewls spends its time
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TPCH = HERE.parent / "tests" / "tpch"
CACHE = Path.home() / ".cache" / "viewls"
VIEWLS = Path(sys.executable).parent / "viewls"
TARGETS = {"ratio": 1.05, "noop_s": 2.0}

sys.path.insert(0, str(HERE))
from check_bench import machine, write_section  # noqa: E402


# --- workers: each runs in a fresh process and prints one JSON object -------------------

def worker_viewls(root: Path, out: Path) -> dict:
    from viewls.analysis.host import AnalysisHost
    from viewls.materialize.outputs import output_directory
    from viewls.materialize.runner import BUILT, Finished, Started, plan_run, run

    views: dict[str, float] = {}

    def listen(event) -> None:
        if isinstance(event, Started):
            views[event.name] = time.perf_counter()
        elif isinstance(event, Finished) and event.run.name in views:
            views[event.run.name] = time.perf_counter() - views[event.run.name]

    started, cpu = time.perf_counter(), time.process_time()
    snapshot = AnalysisHost.load(root).snapshot()
    loaded = time.perf_counter()
    plan = plan_run(snapshot, set(snapshot.views), output_directory(snapshot, out))
    planned = time.perf_counter()
    runs = run(snapshot, plan, listen)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    assert all(r.status == BUILT for r in runs), [(r.name, r.status, r.message) for r in runs]
    return {"total": done - started, "cpu": cpu, "load": loaded - started, "plan": planned - loaded,
            "views": views, "rows": {r.name: r.rows for r in runs}}


def worker_datafusion(root: Path, out: Path) -> dict:
    import tomllib

    import pyarrow.parquet as pq
    from datafusion import SessionContext

    views: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    ctx = SessionContext()
    for name, extract in tomllib.loads((root / "viewls.toml").read_text())["extracts"].items():
        ctx.register_parquet(name, str(root / extract["path"]))
    names = sorted(path.stem for path in (root / "views").glob("*.sql"))
    for name in ["revenue0", *(n for n in names if n != "revenue0")]:
        view_started = time.perf_counter()
        target = out / f"{name}.parquet"
        ctx.sql((root / "views" / f"{name}.sql").read_text()).write_parquet(target)
        if name == "revenue0":
            ctx.register_parquet(name, str(target))
        views[name] = time.perf_counter() - view_started
    done, cpu = time.perf_counter(), time.process_time() - cpu
    rows = {name: pq.read_metadata(out / f"{name}.parquet").num_rows for name in views}
    return {"total": done - started, "cpu": cpu, "views": views, "rows": rows}


def worker_profile(root: Path, out: Path) -> dict:
    """cProfile of the viewls worker, top 30 functions by cumulative and by own time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    measured = worker_viewls(root, out)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)
    return {"total": measured["total"], "profile": text.getvalue()}


WORKERS = {"viewls": worker_viewls, "datafusion": worker_datafusion, "profile": worker_profile}


def run_worker(mode: str, root: Path, out: Path) -> dict:
    fresh(out)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, "--worker", mode, str(root), str(out)],
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{mode} worker failed:\n{result.stderr}")
    return {**json.loads(result.stdout), "process": time.perf_counter() - started}


def run_cli(*args: str) -> tuple[float, dict]:
    started = time.perf_counter()
    result = subprocess.run([str(VIEWLS), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"viewls {' '.join(args)} failed:\n{result.stderr}{result.stdout}")
    return seconds, json.loads(result.stdout)


def fresh(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)


# --- (a) TPC-H ------------------------------------------------------------------------------

def tpch_project(workdir: Path, scale: float, cache: Path) -> Path:
    """A copy of the TPC-H corpus whose data/ links to generated data in ``cache``."""
    spec = importlib.util.spec_from_file_location("tpch_generate", TPCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = cache / f"tpch-sf{scale:g}"
    print(f"TPC-H SF {scale:g} data in {data} (generated unless present)...", file=sys.stderr)
    module.generate(data, scale)
    root = workdir / f"tpch-sf{scale:g}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copy(TPCH / "project" / "viewls.toml", root / "viewls.toml")
    shutil.copytree(TPCH / "project" / "views", root / "views")
    (root / "data").symlink_to(data.resolve(), target_is_directory=True)
    return root


def bench_tpch(root: Path, workdir: Path, repeat: int) -> dict:
    outputs = {mode: workdir / f"out-{mode}" for mode in ("viewls", "datafusion", "cli")}

    def cli() -> dict:
        fresh(outputs["cli"])
        seconds, report = run_cli("materialize", "--all", "--project", str(root), "--output", str(outputs["cli"]),
                                  "--json")
        assert report["summary"]["built"] == 23, report["summary"]
        return {"process": seconds}

    measure = {"viewls": lambda: run_worker("viewls", root, outputs["viewls"]),
               "datafusion": lambda: run_worker("datafusion", root, outputs["datafusion"]), "cli": cli}
    load = [os.getloadavg()[0]]
    for name, step in measure.items():  # warm-up: page cache, first-run costs
        print(f"  warm-up: {name}", file=sys.stderr)
        step()
    results: dict[str, list[dict]] = {name: [] for name in measure}
    for i in range(repeat):
        # viewls and DataFusion always back to back, each first in every other round.
        for name in list(measure) if i % 2 == 0 else reversed(measure):
            result = measure[name]()
            results[name].append(result)
            print(f"  run {i + 1}/{repeat} {name}: {result.get('total', result['process']):.2f} s", file=sys.stderr)
    for ours, theirs in zip(results["viewls"], results["datafusion"]):
        if ours["rows"] != theirs["rows"]:
            raise SystemExit(f"viewls and DataFusion wrote different rows: {ours['rows']} != {theirs['rows']}")
    return {**results, "load": load + [os.getloadavg()[0]]}


# --- (b) no-op --changed --------------------------------------------------------------------

def bench_noop(workdir: Path, views: int, repeat: int) -> dict:
    from synth import generate

    root = workdir / f"synth{views}"
    if not (root / "bench.json").is_file():
        print(f"generating {views} synthetic views...", file=sys.stderr)
        generate(root, views)
    _, report = run_cli("materialize", "--all", "--project", str(root), "--json")
    assert report["summary"]["built"] == views, report["summary"]
    load = [os.getloadavg()[0]]
    changed, check = [], []
    for _ in range(repeat):
        seconds, report = run_cli("materialize", "--all", "--changed", "--project", str(root), "--json")
        assert report["summary"]["built"] == 0 and report["summary"]["up_to_date"] == views, report["summary"]
        changed.append(seconds)
        check.append(run_cli("check", str(root), "--format", "json")[0])
    return {"views": views, "changed": changed, "check": check, "load": load + [os.getloadavg()[0]]}


# --- report ---------------------------------------------------------------------------------

def report(tpch: dict, noop: dict, repeat: int, scale: float) -> str:
    med = statistics.median
    spread = lambda xs: f"{med(xs):.2f} ({min(xs):.2f}–{max(xs):.2f})"  # noqa: E731
    field = lambda name, key: [r[key] for r in tpch[name]]  # noqa: E731
    ours, theirs = med(field("viewls", "total")), med(field("datafusion", "total"))
    ratio = ours / theirs
    rounds = [a["total"] / b["total"] for a, b in zip(tpch["viewls"], tpch["datafusion"])]
    cpu_ratio = med(field("viewls", "cpu")) / med(field("datafusion", "cpu"))
    noop_median = med(noop["changed"])
    verdict = lambda ok: "pass" if ok else "**fail**"  # noqa: E731
    lines = [
        f"Machine: {machine()}.", "",
        f"(a) TPC-H SF {scale:g}, 22 queries + revenue0: seconds, median (min–max) of {repeat} interleaved runs "
        f"after one warm-up each; load average {min(tpch['load']):.1f}–{max(tpch['load']):.1f}.", "",
        "| | timed in the process (after imports) | CPU | whole process |",
        "|---|---:|---:|---:|",
        f"| viewls (load + plan + run) | {spread(field('viewls', 'total'))} | {med(field('viewls', 'cpu')):.2f} "
        f"| {spread(field('viewls', 'process'))} |",
        f"| DataFusion alone (`ctx.sql` + `write_parquet`) | {spread(field('datafusion', 'total'))} "
        f"| {med(field('datafusion', 'cpu')):.2f} | {spread(field('datafusion', 'process'))} |",
        f"| `viewls materialize --all` command | | | {spread(field('cli', 'process'))} |",
        f"| viewls / DataFusion | {ratio:.3f}x | {cpu_ratio:.3f}x "
        f"| {med(field('cli', 'process')) / med(field('datafusion', 'process')):.3f}x (command) |",
        "", f"Ratio within each round (the two ran back to back): {spread(rounds)}.",
        "",
        f"Of viewls's time (median): analysis (`AnalysisHost.load`) {med(field('viewls', 'load')):.3f} s, "
        f"plan {med(field('viewls', 'plan')):.3f} s.",
        "", "Per view, seconds (median): viewls from `Started` to `Finished` (planning the canonical SQL, "
        "running, writing); DataFusion `ctx.sql(text).write_parquet(path)`.", "",
        "| view | rows | viewls | DataFusion | difference |", "|---|---:|---:|---:|---:|",
    ]
    rows = tpch["viewls"][0]["rows"]
    for name in sorted(rows):
        a = med(r["views"][name] for r in tpch["viewls"])
        b = med(r["views"][name] for r in tpch["datafusion"])
        lines.append(f"| {name} | {rows[name]:,} | {a:.3f} | {b:.3f} | {a - b:+.3f} |")
    lines += [
        "", f"(b) No-op `viewls materialize --all --changed` on {noop['views']} synthetic views, every output "
        f"up to date: wall time of the command, median (min–max) of {len(noop['changed'])} runs; load average "
        f"{min(noop['load']):.1f}–{max(noop['load']):.1f}.", "",
        "| command | seconds |", "|---|---:|",
        f"| `viewls materialize --all --changed` | {spread(noop['changed'])} |",
        f"| `viewls check` (same project, interleaved) | {spread(noop['check'])} |",
        "", "| target | measured (median) | |", "|---|---:|---|",
        f"| materialize --all <= {TARGETS['ratio']}x DataFusion alone (TPC-H SF {scale:g}) | {ratio:.3f}x "
        f"| {verdict(ratio <= TARGETS['ratio'])} |",
        f"| no-op --changed on {noop['views']} views < {TARGETS['noop_s']:.0f} s | {noop_median:.2f} s "
        f"| {verdict(noop_median < TARGETS['noop_s'])} |",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="TPC-H scale factor (1)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs per measurement (5)")
    parser.add_argument("--views", type=int, default=1000, help="synthetic views for the no-op run (1000)")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where TPC-H data is generated ({CACHE})")
    parser.add_argument("--workdir", type=Path, help="where projects and outputs go (default: a temp dir)")
    parser.add_argument("--write", action="store_true", help="also replace the results in BENCHMARKS.md")
    parser.add_argument("--profile", action="store_true", help="instead: cProfile viewls's TPC-H run")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, root, out = args.worker
        print(json.dumps(WORKERS[mode](Path(root), Path(out))))
        return
    with tempfile.TemporaryDirectory(prefix="viewls-materialize-bench-") as temp:
        workdir = args.workdir or Path(temp)
        root = tpch_project(workdir, args.scale, args.cache)
        if args.profile:
            run_worker("datafusion", root, workdir / "out-warm-up")
            print(run_worker("profile", root, workdir / "out-profile")["profile"])
            return
        print("(a) TPC-H...", file=sys.stderr)
        tpch = bench_tpch(root, workdir, args.repeat)
        print("(b) no-op --changed...", file=sys.stderr)
        noop = bench_noop(workdir, args.views, args.repeat)
        table = report(tpch, noop, args.repeat, args.scale)
        print(table)
        if args.write:
            write_section("materialize", table)


if __name__ == "__main__":
    main()

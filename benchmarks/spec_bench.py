"""Benchmark of programmatic view specs (issue 11): 5,000 views, 4,000 of them generated.

The project (benchmarks/synth_specs.py): 200 [[template]] rows yielding 3,200 views, 800
[[view]] rows and 1,000 SQL files over 42 extracts, in 40 spec files. Its **twin** holds the
same 5,000 views as SQL files, each view's canonical SQL (``snapshot.views[name].sql``, what
DataFusion runs), with the same extracts. Both must check clean.

- **Cold check**, spec project against its twin, interleaved ``--repeat`` times in fresh
  processes: the whole ``viewls check --format json`` process (wall time), and in-process
  ``AnalysisHost.load(root)`` (what ``check`` runs) timed after the imports.
- **Editing a spec expression** in one staged host, as the language server holds it: a
  literal in a ``select`` value of a [[view]] row in the middle of a spec file of 41 rows,
  alternating two texts, once keeping the file's length and once changing it (the rows
  after it shift). Timed: ``apply_changes`` (the logical stage, published first), the
  diagnostics of the files it touched, and ``complete()`` (the later stages) apart.
- **Editing a template** (in the middle of its file): ``Planner.plan`` calls and the views
  analysed (``analyse_view`` wrapped) for a schema edit (a column more in each instance)
  and a body-only edit (a literal of its filter), against the template's instances and
  their transitive dependents (``snapshot.graph.descendants``).

    .venv/bin/python benchmarks/spec_bench.py --repeat 5
    .venv/bin/python benchmarks/spec_bench.py --write      # also update BENCHMARKS.md
    .venv/bin/python benchmarks/spec_bench.py --profile    # cProfile both cold loads
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from check_bench import machine, med, p95, ratio, spread, write_section  # noqa: E402

TARGETS = {"ratio": 1.2, "edit_p95_ms": 30.0}
MARKER = "spec-bench"


# --- workers: each runs in a fresh process and prints one JSON object -------------------

def worker_cold(root: Path) -> dict:
    """``AnalysisHost.load(root)``, all stages, as ``viewls check`` runs it."""
    from viewls.analysis.host import AnalysisHost
    from viewls.engine.functions import function_registry

    registry = function_registry()
    started, cpu = time.perf_counter(), time.process_time()
    host = AnalysisHost.load(root, registry)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    snapshot = host.snapshot()
    problems = sum(len(found) for found in snapshot.diagnostics().values())
    return {"total": done - started, "cpu": cpu, "problems": problems, "views": len(snapshot.views)}


class Counting:
    """Counts ``Planner.plan`` calls and records the views ``analyse_view`` analyses."""

    def __init__(self) -> None:
        import viewls.analysis.host as host_module
        from viewls.engine.planner import Planner

        self.plans = 0
        self.analysed: list[str] = []
        plan, analyse = Planner.plan, host_module.analyse_view

        def counted_plan(planner, *args, **kwargs):
            self.plans += 1
            return plan(planner, *args, **kwargs)

        def recorded(definition, env):
            self.analysed.append(definition.name)
            return analyse(definition, env)

        Planner.plan, host_module.analyse_view = counted_plan, recorded

    def reset(self) -> None:
        self.plans, self.analysed = 0, []


def worker_edits(root: Path, edits: str) -> dict:
    """Spec row edits, then template edits, in one staged host each."""
    counting = Counting()
    from viewls.analysis.host import AnalysisHost

    manifest = json.loads((root / "bench.json").read_text())
    return {"row": row_edits(AnalysisHost, root, manifest["row_edit"], int(edits), counting),
            "template": template_edits(AnalysisHost, root, manifest["template_edit"], counting)}


def staged_host(host_class, root: Path):
    """As the language server holds a project (lsp/workspace.py): loaded staged, the heap
    frozen out of the collector's sight, then the later stages."""
    import gc

    host = host_class.load(root, staged=True)
    gc.collect()
    gc.freeze()
    host.complete()
    return host


def row_edits(host_class, root: Path, edit: dict, n: int, counting: Counting) -> dict:
    path = root.resolve() / edit["path"]
    host = staged_host(host_class, root)
    original, same, longer = edit["texts"]
    results = {}
    for label, texts in (("same_length", (same, original)), ("length_change", (longer, original))):
        logical, cpu, published, later, plans, analysed = [], [], [], [], [], []
        for i in range(n):
            counting.reset()
            previous = host.snapshot()
            started, cpu_started = time.perf_counter(), time.process_time()
            snapshot = host.apply_changes({path: texts[i % 2]})
            applied = time.perf_counter()
            cpu.append(time.process_time() - cpu_started)
            diagnostics = snapshot.diagnostics(snapshot.touched_since(previous))
            grouped = time.perf_counter()
            plans.append(counting.plans)
            analysed.append(len(counting.analysed))
            host.complete()
            later.append(time.perf_counter() - grouped)
            logical.append(applied - started)
            published.append(grouped - applied)
            if any(d.is_error for found in diagnostics.values() for d in found):
                raise SystemExit(f"the edit of {path} is not clean: {diagnostics}")
        results[label] = {"times": logical, "cpu": cpu, "diagnostics": published, "complete": later,
                          "plans": max(plans), "analysed": max(analysed)}
    return results


def template_edits(host_class, root: Path, edit: dict, counting: Counting, repeat: int = 5) -> dict:
    """Each edit from the original text and back; counts of the edit (not of the undo)."""
    path = root.resolve() / edit["path"]
    host = staged_host(host_class, root)
    snapshot = host.snapshot()
    instances = set(edit["instances"])
    dependents = set().union(*(snapshot.graph.descendants(name) for name in instances)) - instances
    same_file = {view.name for view in snapshot.sources[path].views} - instances
    original, body, schema = edit["texts"]
    results = {"instances": len(instances), "dependents": len(dependents)}
    for label, text in (("body", body), ("schema", schema)):
        counting.reset()
        started = time.perf_counter()
        host.apply_changes({path: text})
        applied = time.perf_counter()
        logical_plans, analysed = counting.plans, list(counting.analysed)
        host.complete()
        done = time.perf_counter()
        names, complete_plans = set(analysed), counting.plans - logical_plans
        times = [applied - started]
        for i in range(1, 2 * repeat):  # more samples of the time: undo and redo
            started = time.perf_counter()
            host.apply_changes({path: original if i % 2 else text})
            times.append(time.perf_counter() - started)
            host.complete()
        results[label] = {
            "plans": logical_plans, "complete_plans": complete_plans,
            "analysed": len(analysed), "instances": len(names & instances),
            "dependents": len(names & dependents),
            # Views of the same file analysed again although their row did not change.
            "same_file": len(names & same_file), "elsewhere": sorted(names - instances - dependents - same_file),
            "times": times, "complete_ms": (done - applied) * 1e3,
        }
        host.apply_changes({path: original})
        host.complete()
    return results


def worker_profile(root: Path) -> dict:
    """cProfile of a cold load (all stages) after a first one in the same process."""
    import cProfile
    import io
    import pstats

    from viewls.analysis.host import AnalysisHost
    from viewls.engine.functions import function_registry

    registry = function_registry()
    AnalysisHost.load(root, registry)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    AnalysisHost.load(root, registry)
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    return {"load": elapsed, "profile": out.getvalue()}


WORKERS = {"cold": worker_cold, "edits": worker_edits, "profile": worker_profile}


# --- the language server over stdio -------------------------------------------------------

async def lsp_session(root: Path, edits: int) -> dict:
    """``viewls serve`` as an editor drives it: the edited spec file opened, then the literal
    of its row's select value alternately broken (an unknown column) and fixed, each
    ``didChange`` timed to the ``publishDiagnostics`` of that version; once keeping the
    length (``17`` / ``zz``) and once changing it (``17`` / ``zzzz``)."""
    from lsp_bench import Buffer, Client, initialize, percentiles

    class SpecBuffer(Buffer):  # opened as the TOML file it is
        def __init__(self, client: Client, path: Path) -> None:
            self.client, self.uri, self.version, self.text = client, path.as_uri(), 1, path.read_text()
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": self.uri, "languageId": "toml", "version": 1, "text": self.text}})

    manifest = json.loads((root / "bench.json").read_text())
    path = root.resolve() / manifest["row_edit"]["path"]
    client = await Client.start()
    started = time.perf_counter()
    await initialize(client, root.resolve())
    client.notify("initialized", {})
    buffer = SpecBuffer(client, path)
    _, seen = await client.published_for(lambda p: p["uri"] == buffer.uri, 0, timeout=300)
    results = {"first_diagnostics": time.perf_counter() - started}
    # The edited expression ends the row's select table: `edited = "abs(<column> - 17)"`.
    line = next(x for x in buffer.text.splitlines() if "edited = " in x)
    good = line[line.index("edited = "):]
    for label, bad in (("same_length", good.replace("- 17)", "- zz)")), ("length_change", good.replace("- 17)", "- zzzz)"))):
        times = []
        for i in range(-2, edits):  # the first break and fix wait for the later stages of the load: not counted
            broken = i % 2 == 0
            begun = time.perf_counter()
            version = buffer.replace(good, bad) if broken else buffer.replace(bad, good)
            arrival, seen = await client.published_for(
                lambda p: p["uri"] == buffer.uri and p.get("version") == version and bool(p["diagnostics"]) == broken,
                seen)
            if i >= 0:
                times.append(arrival - begun)
            elif label == "same_length" and i == -2:
                results["first_edit"] = arrival - begun
        results[label] = percentiles(times)
    results["rss_mb"], results["peak_rss_mb"] = client.rss_mb()
    await client.close()
    return results


def worker_lsp(root: Path, edits: str) -> dict:
    import asyncio

    return asyncio.run(lsp_session(root, int(edits)))


WORKERS["lsp"] = worker_lsp


def run_worker(mode: str, root: Path, *extra: str) -> dict:
    command = [sys.executable, __file__, "--worker", mode, str(root), *extra]
    started = time.perf_counter()
    # In the project's directory: `python -m viewls serve` (the LSP worker's server) imports
    # viewls from its working directory first, which must not be another checkout.
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    if result.returncode:
        raise SystemExit(f"worker {mode} {root} failed:\n{result.stderr}")
    return {**json.loads(result.stdout), "wall": time.perf_counter() - started}


def check_process(root: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of ``viewls check --format json``; the
    project must be clean. CPU time tells apart what other load on the machine adds."""
    viewls = Path(sys.executable).parent / "viewls"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([viewls, "check", root, "--format", "json"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(result.stdout)["summary"]
    if result.returncode or summary["errors"] or summary["warnings"] or summary["views"] != 5000:
        raise SystemExit(f"{root}: not clean: {summary}")
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


# --- the driver ---------------------------------------------------------------------------

def prepare(workdir: Path) -> tuple[Path, Path, dict]:
    """The spec project and its twin (written from the spec project's own snapshot)."""
    from synth_specs import generate, twin

    from viewls.analysis.host import AnalysisHost

    spec_root, twin_root = workdir / "specs5000", workdir / "twin5000"
    manifest = generate(spec_root)
    twin(spec_root, twin_root, AnalysisHost.load(spec_root).snapshot())
    return spec_root, twin_root, manifest


def bench(spec_root: Path, twin_root: Path, repeat: int, edits: int) -> dict:
    load = [os.getloadavg()[0]]
    runs: dict[str, list] = {"check_spec": [], "check_twin": [], "check_cpu_spec": [], "check_cpu_twin": [],
                             "cold_spec": [], "cold_twin": []}
    for i in range(repeat):  # interleaved, and alternating which goes first
        order = [("spec", spec_root), ("twin", twin_root)][:: 1 if i % 2 == 0 else -1]
        for side, root in order:
            elapsed, cpu = check_process(root)
            runs[f"check_{side}"].append(elapsed)
            runs[f"check_cpu_{side}"].append(cpu)
        for side, root in order:
            result = run_worker("cold", root)
            if result["problems"] or result["views"] != 5000:
                raise SystemExit(f"{root}: {result['problems']} diagnostics, {result['views']} views")
            runs[f"cold_{side}"].append(result)
    load.append(os.getloadavg()[0])
    return {"runs": runs, "load": load, "edits": run_worker("edits", spec_root, str(edits)),
            "lsp": run_worker("lsp", spec_root, str(edits))}


# --- the report ---------------------------------------------------------------------------

def ms(times: list[float]) -> str:
    return f"{med(times) * 1e3:.1f} / {p95(times) * 1e3:.1f} / {max(times) * 1e3:.1f}"


def report(r: dict, manifest: dict, repeat: int, measured: str) -> str:
    runs, kinds = r["runs"], manifest["kinds"]
    row, template = manifest["row_edit"], manifest["template_edit"]
    inside = {side: [x["total"] for x in runs[f"cold_{side}"]] for side in ("spec", "twin")}
    cpu = {side: [x["cpu"] for x in runs[f"cold_{side}"]] for side in ("spec", "twin")}
    lines = [
        f"Machine: {measured}.", "",
        f"Project: {manifest['views']} views: {kinds['template_instance']} instances of "
        f"{kinds['template']} [[template]] rows, {kinds['view_row']} [[view]] rows (in "
        f"{manifest['spec_files']} spec files) and {kinds['sql']} SQL files, over {manifest['extracts']} "
        "extracts; the twin: the same views as 5000 SQL files of their canonical SQL. Both check clean.", "",
        f"**Cold check**, seconds, median (min–max) of {repeat} fresh processes each, interleaved; "
        "ratio of the medians (range of the interleaved pairs' ratios). 1-minute load average "
        f"{min(r['load']):.1f}–{max(r['load']):.1f}.", "",
        "| measure | spec project | twin (SQL files) | ratio |", "|---|---:|---:|---:|",
        f"| whole process: `viewls check --format json` | {spread(runs['check_spec'])} "
        f"| {spread(runs['check_twin'])} | {ratio(runs['check_spec'], runs['check_twin'])} |",
        f"| whole process, CPU time (user + system) | {spread(runs['check_cpu_spec'])} "
        f"| {spread(runs['check_cpu_twin'])} | {ratio(runs['check_cpu_spec'], runs['check_cpu_twin'])} |",
        f"| in-process: `AnalysisHost.load(root)` | {spread(inside['spec'])} | {spread(inside['twin'])} "
        f"| {ratio(inside['spec'], inside['twin'])} |",
        f"| in-process CPU time | {spread(cpu['spec'])} | {spread(cpu['twin'])} | {ratio(cpu['spec'], cpu['twin'])} |",
        "",
        f"**Editing a spec expression** (`{row['path']}`, [[view]] row {row['position']} of "
        f"{row['rows_in_file']}: a literal in a `select` value, alternating two texts) in a staged host: "
        "milliseconds, median / p95 / max; plans = `Planner.plan` calls and analysed = views analysed "
        "by `apply_changes`, per edit (max).", "",
        "| edit | samples | `apply_changes` | CPU median | diagnostics of the touched files | `complete()` | plans | analysed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"same_length": "same length (`- 17` / `- 18`)",
             "length_change": "length changes (`- 1700` / `- 17`): the rows after it shift"}
    for key, label in names.items():
        e = r["edits"]["row"][key]
        lines.append(f"| {label} | {len(e['times'])} | {ms(e['times'])} | {med(e['cpu']) * 1e3:.1f} | {ms(e['diagnostics'])} "
                     f"| {ms(e['complete'])} | {e['plans']} | {e['analysed']} |")
    lsp = r["lsp"]
    lines += [
        "", "**The same edits through the language server** (`viewls serve` over stdio, the spec file "
        "open in a client as in `benchmarks/lsp_bench.py`): the literal alternately broken (an unknown "
        "column) and fixed, `didChange` to the `publishDiagnostics` of that version, milliseconds. "
        f"Start-up to the file's first diagnostics {lsp['first_diagnostics']:.1f} s; the first edit after it "
        f"(not counted: it waits for the load's later stages) {lsp['first_edit']:.1f} s; server RSS "
        f"{lsp['rss_mb']:.0f} MB (peak {lsp['peak_rss_mb']:.0f} MB).", "",
        "| edit | n | p50 | p95 | p99 | max |", "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in (("same_length", "same length (`17` / `zz`)"), ("length_change", "length changes (`17` / `zzzz`)")):
        e = lsp[key]
        lines.append(f"| {label} | {e['n']} | {e['p50']:.1f} | {e['p95']:.1f} | {e['p99']:.1f} | {e['max']:.1f} |")
    t = r["edits"]["template"]
    lines += [
        "", f"**Editing a template** (`{template['path']}`, row {template['position']} of "
        f"{template['rows_in_file']}, `{template['template']}`: {t['instances']} instances, "
        f"{t['dependents']} transitive dependents of them): what `apply_changes` re-analysed, one edit.", "",
        "| edit | `Planner.plan` calls (`apply_changes`) | + in `complete()` | views analysed | of them instances "
        "| dependents | other rows of the file | elsewhere | bound: instances + dependents | `apply_changes` ms, median / p95 / max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    edits = {"schema": "schema: a column more in every instance", "body": "body only: a literal of the filter"}
    for key, label in edits.items():
        e = t[key]
        lines.append(f"| {label} | {e['plans']} | {e['complete_plans']} | {e['analysed']} | {e['instances']} "
                     f"| {e['dependents']} | {e['same_file']} | {len(e['elsewhere'])} "
                     f"| {t['instances'] + t['dependents']} | {ms(e['times'])} |")
    return "\n".join(lines) + "\n\n" + verdicts(r, inside) + "\n"


def verdicts(r: dict, inside: dict) -> str:
    verdict = lambda ok: "pass" if ok else "**fail**"  # noqa: E731
    runs, t = r["runs"], r["edits"]["template"]
    whole = med(runs["check_spec"]) / med(runs["check_twin"])
    loads = med(inside["spec"]) / med(inside["twin"])
    cpu = med(runs["check_cpu_spec"]) / med(runs["check_cpu_twin"])
    lines = ["| issue-11 target | measured | |", "|---|---:|---|",
             f"| cold `viewls check` within {TARGETS['ratio']}x of the same views as SQL files (whole process) "
             f"| {whole:.2f}x | {verdict(whole <= TARGETS['ratio'])} |",
             f"| the same, whole-process CPU time | {cpu:.2f}x | {verdict(cpu <= TARGETS['ratio'])} |",
             f"| the same, in-process (`AnalysisHost.load`) | {loads:.2f}x | {verdict(loads <= TARGETS['ratio'])} |"]
    for key, label in (("same_length", "same length"), ("length_change", "length changes")):
        value = p95(r["edits"]["row"][key]["times"]) * 1e3
        lines.append(f"| spec expression edit to its diagnostics, p95 < {TARGETS['edit_p95_ms']:.0f} ms "
                     f"({label}; `apply_changes`) | {value:.1f} ms | {verdict(value < TARGETS['edit_p95_ms'])} |")
        value = r["lsp"][key]["p95"]
        lines.append(f"| the same through the language server ({label}; `didChange` to `publishDiagnostics`) "
                     f"| {value:.1f} ms | {verdict(value < TARGETS['edit_p95_ms'])} |")
    bound = t["instances"] + t["dependents"]
    schema, body = t["schema"], t["body"]
    only = not schema["elsewhere"] and not schema["same_file"]
    lines.append(f"| template schema edit re-analyses only its instances and their dependents "
                 f"| {schema['analysed']} views analysed ({schema['instances']} instances, {schema['dependents']} "
                 f"dependents, {schema['same_file'] + len(schema['elsewhere'])} others) of {bound} "
                 f"| {verdict(only and schema['instances'] == t['instances'])} |")
    lines.append(f"| template body-only edit: dependents not re-planned (early cutoff) "
                 f"| {body['analysed']} views analysed ({body['dependents']} dependents, "
                 f"{body['same_file'] + len(body['elsewhere'])} others) | "
                 f"{verdict(body['dependents'] == 0 and not body['elsewhere'] and not body['same_file'])} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per side")
    parser.add_argument("--edits", type=int, default=40, help="spec row edits of each kind")
    parser.add_argument("--workdir", type=Path, help="where to generate the projects (default: a temp dir)")
    parser.add_argument("--write", action="store_true", help="also replace the results in BENCHMARKS.md")
    parser.add_argument("--profile", action="store_true", help="instead: cProfile a cold load of both projects")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, root, *extra = args.worker
        print(json.dumps(WORKERS[mode](Path(root), *extra)))
        return
    with tempfile.TemporaryDirectory(prefix="viewls-spec-bench-") as temp:
        spec_root, twin_root, manifest = prepare(args.workdir or Path(temp))
        if args.profile:
            for root in (spec_root, twin_root):
                result = run_worker("profile", root)
                print(f"== {root.name}: second cold load in the process, {result['load']:.2f} s\n")
                print(result["profile"])
            return
        measured = machine()
        import viewls

        if HERE.parent not in Path(viewls.__file__).resolve().parents:  # e.g. PYTHONPATH=<a clean export>
            measured += f"; viewls imported from {Path(viewls.__file__).parent.parent}"
        result = bench(spec_root, twin_root, args.repeat, args.edits)
        if machine() != measured:
            measured += f" (at the end of the run: {machine().rsplit('viewls at ', 1)[-1]})"
        table = report(result, manifest, args.repeat, measured)
        print(table)
        if args.write:
            write_section(MARKER, table)


if __name__ == "__main__":
    main()

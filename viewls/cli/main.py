"""`viewls` command line entry point.

Exit codes: 0 no errors, 1 errors found, 2 usage or configuration failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import NoReturn

from viewls import __version__
from viewls.diagnostics import Code, Severity

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how viewls was called or configured (exit 2)."""


# The commands SIGINT and SIGTERM stop cleanly (see interrupt.py), and what stopping leaves.
_INTERRUPTIBLE = {
    "materialize": "the outputs written are complete and the view being written keeps its previous output; "
                   "run it again to finish",
    "preview": "nothing was written",
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command not in _INTERRUPTIBLE:
        return _dispatch(args)
    from viewls.cli.interrupt import Interrupted, Interruption

    # Taken over before the heavy imports (DataFusion, Arrow: half a second), so that a
    # signal in them already ends with a message.
    with Interruption() as interruption:
        args.cancel = interruption.cancel
        try:
            code = _dispatch(args)
        except Interrupted:
            code = EXIT_ERRORS
        if interruption.signum is None:
            return code
        return interruption.report(args.command, _INTERRUPTIBLE[args.command])


def _dispatch(args) -> int:
    from viewls.engine.native import NativeUnavailable

    try:
        return args.run(args)
    except (UsageError, NativeUnavailable) as failure:
        print(f"viewls: {failure}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viewls", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"viewls {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check a project and report diagnostics")
    check.add_argument("path", nargs="?", type=Path, help="project directory (default: nearest viewls.toml upwards)")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.set_defaults(run=_check)

    schema = commands.add_parser("schema", help="print the derived schema of a view or extract, or --all of them")
    schema.add_argument("name", nargs="?")
    schema.add_argument("--all", action="store_true",
                        help="every view and extract; with --format json, the project manifest")
    schema.add_argument("--project", type=Path)
    schema.add_argument("--format", choices=("text", "json"), default="text")
    schema.set_defaults(run=_schema)

    graph = commands.add_parser("graph", help="print the dependency graph")
    graph.add_argument("names", nargs="*", help="limit to these views and their ancestors and descendants")
    graph.add_argument("--project", type=Path)
    graph.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot")
    graph.set_defaults(run=_graph)

    render = commands.add_parser("render", help="print the SQL of a view, generated ones included (debug only)")
    render.add_argument("view")
    render.add_argument("--project", type=Path)
    render.set_defaults(run=_render)

    materialize = commands.add_parser("materialize", help="build views into Parquet, in dependency order")
    materialize.add_argument("views", nargs="*", metavar="VIEW", help="views to build (selectors allowed: v, v+, +v)")
    materialize.add_argument("--select", nargs="+", default=[], metavar="EXPR",
                             help="dbt-style selectors: VIEW, VIEW+ (with descendants), +VIEW (with ancestors)")
    materialize.add_argument("--all", action="store_true", help="build every view")
    materialize.add_argument("--changed", action="store_true",
                             help="build only views whose output is missing or stale (and so their descendants)")
    materialize.add_argument("--output", type=Path, help="output directory (default: [project] output)")
    materialize.add_argument("--project", type=Path)
    materialize.add_argument("--json", action="store_true", help="print a JSON report instead of a table")
    materialize.set_defaults(run=_materialize)

    preview = commands.add_parser("preview", help="print the first rows of a view (nothing is written)")
    preview.add_argument("view")
    preview.add_argument("--limit", type=int, default=20)
    preview.add_argument("--output", type=Path, help="where up-to-date upstream outputs are read from")
    preview.add_argument("--project", type=Path)
    preview.add_argument("--json", action="store_true", help="print the rows as JSON")
    preview.set_defaults(run=_preview)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    serve.set_defaults(run=_serve)

    udfs = commands.add_parser("udfs", help="list the function registry (native UDFs and built-ins) with signatures")
    udfs.add_argument("--format", choices=("text", "json"), default="text")
    udfs.add_argument("--builtins", action=argparse.BooleanOptionalAction, default=True,
                      help="include DataFusion's built-in functions (default: yes)")
    udfs.set_defaults(run=_udfs)
    return parser


def _project_root(path: Path | None) -> Path:
    from viewls.project.discover import find_project_root

    if path is not None:
        if not path.is_dir():
            raise UsageError(f"{path}: not a directory")
        if not (path / "viewls.toml").is_file():
            raise UsageError(f"{path}: no viewls.toml here")
        return path.resolve()
    root = find_project_root(Path.cwd())
    if root is None:
        raise UsageError("no viewls.toml in this directory or any parent; pass the project directory")
    return root


def _load(path: Path | None):
    from viewls.analysis.host import AnalysisHost

    return AnalysisHost.load(_project_root(path)).snapshot()


def _report_base(root: Path, fmt: str) -> Path:
    """What report paths are relative to: the project, except for GitHub annotations and
    SARIF, which CI resolves from the repository root, i.e. the directory check runs in
    (when the project is inside it)."""
    cwd = Path.cwd().resolve()
    return cwd if fmt in ("github", "sarif") and root.is_relative_to(cwd) else root


def _check(args) -> int:
    from viewls.analysis.host import read_text
    from viewls.cli.report import RENDERERS, locate, summary

    started = time.perf_counter()
    snapshot = _load(args.path)
    grouped = snapshot.diagnostics()
    texts = {path: source.text for path, source in snapshot.sources.items()}
    config_path = snapshot.config.config_path
    texts[config_path] = read_text(config_path)
    located = locate(_report_base(snapshot.root, args.format), grouped, texts)
    totals = summary(located, views=sum(len(source.views) for source in snapshot.sources.values()), extracts=len(snapshot.extracts))
    if args.format == "text":
        totals["seconds"] = time.perf_counter() - started
        color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        sys.stdout.write(RENDERERS["text"](located, totals, color))
    else:
        sys.stdout.write(RENDERERS[args.format](located, totals))
    config_failed = any(d.code is Code.CONFIG_ERROR and d.severity is Severity.ERROR
                        for d in grouped.get(config_path, ()))
    if config_failed:
        return EXIT_USAGE
    return EXIT_ERRORS if totals["errors"] else EXIT_OK


def _schema(args) -> int:
    from viewls.analysis.manifest import columns, manifest

    if (args.name is None) == (not args.all):
        raise UsageError("name a view or extract, or use --all (not both)")
    snapshot = _load(args.project)
    if args.all:
        return _schema_all(manifest(snapshot), args.format)
    view = snapshot.view(args.name)
    extract = snapshot.extracts.get(args.name)
    if view is None and extract is None:
        raise UsageError(f"no view or extract named '{args.name}'")
    found = columns(view.schema if view is not None else extract.schema)
    if found is None:
        print(f"viewls: '{args.name}' has errors; run `viewls check`", file=sys.stderr)
        return EXIT_ERRORS
    if args.format == "json":
        print(json.dumps({"name": args.name, "kind": "view" if view else "extract", "columns": found}, indent=2))
    else:
        _print_columns(found)
    return EXIT_OK


def _schema_all(document: dict, fmt: str) -> int:
    """The manifest as JSON, or every table's schema under a header line; exit 1 when
    anything has errors or an unknown schema (everything is printed all the same)."""
    tables = [("view", entry) for entry in document["views"].values()]
    tables += [("extract", entry) for entry in document["extracts"].values()]
    if fmt == "json":
        print(json.dumps(document, indent=2))
    else:
        for kind, entry in tables:
            problem = entry["state"] if entry["state"] != "ok" else "has errors" if entry["errors"] else ""
            print(f"{kind} {entry['name']}" + (f" ({problem}; run `viewls check`)" if problem else ""))
            _print_columns(entry["columns"] or [], indent="  ")
    broken = any(entry["columns"] is None or entry["errors"] for _, entry in tables)
    return EXIT_ERRORS if broken or document["duplicates"] else EXIT_OK


def _print_columns(columns: list[dict], indent: str = "") -> None:
    width = max((len(c["name"]) for c in columns), default=0)
    for c in columns:
        print(f"{indent}{c['name']:<{width}}  {c['type']}{'' if c['nullable'] else ' not null'}")


def _graph(args) -> int:
    from viewls.analysis.graph_export import neighbourhood, to_dot, to_json, to_mermaid

    snapshot = _load(args.project)
    unknown = [n for n in args.names if n not in snapshot.graph]
    if unknown:
        raise UsageError(f"unknown view or extract: {', '.join(unknown)}")
    selected = neighbourhood(snapshot, args.names) if args.names else None
    if args.format == "json":
        print(json.dumps(to_json(snapshot, selected), indent=2))
    else:
        sys.stdout.write((to_dot if args.format == "dot" else to_mermaid)(snapshot, selected))
    return EXIT_OK


def _render(args) -> int:
    from viewls.analysis.render import render

    snapshot = _load(args.project)
    view = snapshot.view(args.view)
    if view is None:
        from viewls.suggest import did_you_mean

        suffix, _ = did_you_mean(args.view, snapshot.views)
        raise UsageError(f"no view named '{args.view}'{suffix}")
    sys.stdout.write(render(snapshot, view))
    return EXIT_OK if view.definition.canonical is not None else EXIT_ERRORS


def _refusal(snapshot, refused) -> int:
    """Print what stops a run exactly as `check` prints it; exit as `check` would (2 when
    viewls.toml has errors)."""
    from viewls.cli.report import RENDERERS, locate, summary

    located = locate(snapshot.root, refused.diagnostics, refused.texts(snapshot))
    print(f"viewls: {refused.reason}:", file=sys.stderr)
    views, extracts = refused.checked
    totals = summary(located, views=views, extracts=extracts)
    sys.stderr.write(RENDERERS["text"](located, totals, sys.stderr.isatty()))
    return EXIT_USAGE if refused.config else EXIT_ERRORS


def _materialize(args) -> int:
    from viewls.cli.materialize import ProgressDisplay, summary_table
    from viewls.materialize.outputs import OutputError, output_directory
    from viewls.materialize.runner import BUILT, UP_TO_DATE, plan_run, run, summarize
    from viewls.materialize.selection import SelectionError, select

    started = time.perf_counter()
    selectors = [*args.views, *args.select]
    if not selectors and not args.all:
        raise UsageError("name the views to build, use --select EXPR, or --all")
    snapshot = _load(args.project)
    try:
        selected = set(snapshot.views) if args.all else select(snapshot, selectors)
        plan = plan_run(snapshot, selected, output_directory(snapshot, args.output), args.changed)
    except (SelectionError, OutputError) as failure:
        raise UsageError(str(failure)) from None
    if plan.refused:
        return _refusal(snapshot, plan.refused)
    try:
        runs = run(snapshot, plan, (lambda event: None) if args.json else ProgressDisplay(sys.stderr), args.cancel)
    except OutputError as failure:
        raise UsageError(str(failure)) from None
    seconds = time.perf_counter() - started
    sys.stdout.write(json.dumps(summarize(runs, seconds), indent=2) + "\n" if args.json else summary_table(runs, seconds))
    return EXIT_OK if all(r.status in (BUILT, UP_TO_DATE) for r in runs) else EXIT_ERRORS


def _preview(args) -> int:
    from viewls.cli.materialize import preview_grid
    from viewls.materialize.outputs import OutputError, output_directory
    from viewls.materialize.runner import plan_run, preview
    from viewls.materialize.values import json_rows

    snapshot = _load(args.project)
    if args.view not in snapshot.views:
        raise UsageError(f"no view named '{args.view}'")
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    try:
        directory = output_directory(snapshot, args.output)
    except OutputError as failure:
        raise UsageError(str(failure)) from None
    plan = plan_run(snapshot, [args.view], directory)
    if plan.refused:
        return _refusal(snapshot, plan.refused)
    try:
        table = preview(snapshot, plan, args.limit)
    except Exception as failure:  # DataFusion raises plain exceptions while running
        print(f"viewls: {args.view} failed: {failure}", file=sys.stderr)
        return EXIT_ERRORS
    if args.json:
        print(json.dumps({"view": args.view, "columns": table.column_names, "rows": json_rows(table)}, indent=2))
    else:
        sys.stdout.write(preview_grid(table))
    return EXIT_OK


def _serve(args) -> NoReturn:
    from viewls.lsp.app import create_server
    from viewls.lsp.transport import leave

    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError(f"--tcp expects HOST:PORT, got '{args.tcp}'")
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    # The specification: 0 after a shutdown request, 1 when the client left without one.
    leave(EXIT_OK if server.protocol.shutdown_requested else 1)


def _udfs(args) -> int:
    from viewls.engine.functions import function_registry

    functions = sorted((f for f in function_registry() if args.builtins or f.origin == "udf"),
                       key=lambda f: (f.origin != "udf", f.name))
    if args.format == "json":
        print(json.dumps([{
            "name": f.name, "kind": f.kind, "origin": f.origin, "aliases": list(f.aliases),
            "description": f.description, "syntax": f.syntax,
            "signatures": [{"arguments": list(s.arguments), "returns": s.returns, "variadic": s.variadic}
                           for s in f.signatures],
        } for f in functions], indent=2))
        return EXIT_OK
    for f in functions:
        first = f.description.split("\n", 1)[0]
        aliases = f" (alias: {', '.join(f.aliases)})" if f.aliases else ""
        print(f"{f.name}{aliases}  [{'native UDF' if f.origin == 'udf' else 'built-in ' + f.kind}]  {f.syntax}")
        if first:
            print(f"    {first}")
        for signature in f.signatures[:8]:
            print(f"    {signature.render(f.name)}")
        if len(f.signatures) > 8:
            print(f"    ... {len(f.signatures) - 8} more signatures")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""The `viewls` command line, run as a real subprocess.

`check` runs once per output format on a copy of examples/broken with one extra view
that reads a broken view (so that a hint with related information appears too); the
formats are then checked against each other and against the files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.project.types import format_arrow_type

REPO = Path(__file__).parents[2]
SHOP, BROKEN = REPO / "examples" / "shop", REPO / "examples" / "broken"
SEVERITIES = {"error", "warning", "info", "hint"}
HEADER = re.compile(r"(?P<path>[^:\s]+):(?P<line>\d+):(?P<column>\d+): "
                    r"(?P<severity>error|warning|info|hint)\[(?P<code>[a-z-]+)\] (?P<message>.+)")


def viewls(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewls", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "broken"
    shutil.copytree(BROKEN, root, ignore=shutil.ignore_patterns("target"))
    (root / "views" / "big_spenders.sql").write_text(
        "-- @description: Customers who spent over 100\nselect customer_id from customer_totals\n"
        "where total_spent > 100\n")
    return root


@pytest.fixture(scope="module")
def check(project):
    """Run `viewls check` once per format; the exit code must be 1 (errors) every time."""
    runs = {}

    def run(fmt: str) -> str:
        if fmt not in runs:
            runs[fmt] = viewls("check", str(project), "--format", fmt)
            assert runs[fmt].returncode == 1, runs[fmt].stderr
        return runs[fmt].stdout

    return run


@pytest.fixture(scope="module")
def report(check) -> dict:
    return json.loads(check("json"))


def test_json(report, project):
    diagnostics, summary = report["diagnostics"], report["summary"]
    assert len(diagnostics) == 9
    for d in diagnostics:
        assert {"path", "line", "column", "end_line", "end_column", "severity", "code", "message"} <= d.keys()
        assert not Path(d["path"]).is_absolute() and (project / d["path"]).is_file()
        assert d["severity"] in SEVERITIES and d["message"]
        assert 1 <= d["line"] <= d["end_line"] and d["column"] >= 1
        assert d["end_column"] > d["column"] or d["end_line"] > d["line"]
    for severity in SEVERITIES:
        assert summary[f"{severity}s"] == sum(d["severity"] == severity for d in diagnostics)
    assert summary["files_with_diagnostics"] == len({d["path"] for d in diagnostics})
    assert (summary["views"], summary["extracts"]) == (9, 2)
    hint = next(d for d in diagnostics if d["severity"] == "hint")
    source = (project / "views" / "big_spenders.sql").read_text().splitlines()
    column = source[1].index("customer_totals") + 1
    assert (hint["path"], hint["code"], hint["line"], hint["column"], hint["end_column"]) == (
        "views/big_spenders.sql", "upstream-error", 2, column, column + len("customer_totals"))


def test_json_related_paths_are_relative(report):
    """Like each diagnostic's own path; absolute paths would tie reports to one checkout."""
    hint = next(d for d in report["diagnostics"] if d["code"] == "upstream-error")
    assert [r["path"] for r in hint["related"]] == ["views/customer_totals.sql"]


def test_text(check, report, project):
    lines = check("text").splitlines()
    headers = [(i, m) for i, line in enumerate(lines) if (m := HEADER.fullmatch(line))]
    assert [(m["path"], int(m["line"]), int(m["column"]), m["severity"], m["code"], m["message"])
            for _, m in headers] == [(d["path"], d["line"], d["column"], d["severity"], d["code"], d["message"])
                                     for d in report["diagnostics"]]
    for (i, m), d in zip(headers, report["diagnostics"]):
        source = (project / d["path"]).read_text().splitlines()[d["line"] - 1]
        assert lines[i + 1] == f"{d['line']:>5} | {source}"
        gutter, caret = lines[i + 2].split("| ", 1)
        assert gutter.strip() == "" and caret == " " * (d["column"] - 1) + "^" * (d["end_column"] - d["column"])
    assert lines[-1].startswith("failed: 8 errors, 0 warnings, 1 hint (9 views, 2 extracts checked in ")


def test_sarif(check, report):
    log = json.loads(check("sarif"))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "viewls"
    rule_ids = {rule["id"] for rule in driver["rules"]}
    levels = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
    assert len(run["results"]) == len(report["diagnostics"])
    for result, d in zip(run["results"], report["diagnostics"]):
        assert result["ruleId"] == d["code"] and result["ruleId"] in rule_ids
        assert result["level"] == levels[d["severity"]] and result["message"]["text"] == d["message"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == d["path"]
        assert physical["region"] == {"startLine": d["line"], "startColumn": d["column"],
                                      "endLine": d["end_line"], "endColumn": d["end_column"]}


def test_github(check, report):
    lines = check("github").splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    levels = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}
    assert len(annotations) == len(report["diagnostics"])
    for line, d in zip(annotations, report["diagnostics"]):
        assert line.startswith(f"::{levels[d['severity']]} file={d['path']},line={d['line']},col={d['column']},"
                               f"endLine={d['end_line']},endColumn={d['end_column']},")
        assert "\n" not in line and line.endswith("::" + d["message"].replace("%", "%25"))
    assert lines[-1].startswith("failed: ")


def test_github_and_sarif_paths_are_relative_to_where_check_runs(project, report):
    """CI resolves them from the repository root: a project in a subdirectory is prefixed."""
    first = report["diagnostics"][0]
    github = viewls("check", project.name, "--format", "github", cwd=project.parent)
    assert f"file={project.name}/{first['path']},line={first['line']}," in github.stdout.splitlines()[0]
    sarif = json.loads(viewls("check", project.name, "--format", "sarif", cwd=project.parent).stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == f"{project.name}/{first['path']}"


def test_clean_project_from_a_subdirectory():
    """No PATH: the nearest viewls.toml upwards is the project."""
    result = viewls("check", "--format", "json", cwd=SHOP / "views")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["diagnostics"] == []
    assert (report["summary"]["views"], report["summary"]["extracts"]) == (19, 5)


@pytest.mark.parametrize("case", ["no-project", "missing-path", "invalid-toml"])
def test_usage_failures_exit_2(tmp_path, case):
    args = ["check"]
    if case == "missing-path":
        args.append(str(tmp_path / "nowhere"))
    elif case == "invalid-toml":
        (tmp_path / "viewls.toml").write_text("[extracts.orders\npath = 'orders.csv'\n")
    result = viewls(*args, cwd=tmp_path)
    assert result.returncode == 2
    if case == "invalid-toml":
        assert "viewls.toml:1:" in result.stdout and "[config-error]" in result.stdout
    else:
        assert result.stderr.startswith("viewls: ")


def test_schema(tmp_path):
    expected = AnalysisHost.load(SHOP).snapshot().views["orders_enriched"].schema
    columns = [{"name": f.name, "type": format_arrow_type(f.type), "nullable": f.nullable} for f in expected]
    as_json = viewls("schema", "orders_enriched", "--project", str(SHOP), "--format", "json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == {"name": "orders_enriched", "kind": "view", "columns": columns}
    as_text = viewls("schema", "orders_enriched", cwd=SHOP)
    assert as_text.returncode == 0
    assert [line.split(None, 1) for line in as_text.stdout.splitlines()] == [
        [c["name"], c["type"] + ("" if c["nullable"] else " not null")] for c in columns]
    extract = json.loads(viewls("schema", "users", "--project", str(SHOP), "--format", "json").stdout)
    assert extract["kind"] == "extract" and [c["name"] for c in extract["columns"]][:2] == ["user_id", "name"]
    unknown = viewls("schema", "no_such_view", "--project", str(SHOP))
    assert unknown.returncode == 2 and "no_such_view" in unknown.stderr


@pytest.fixture(scope="module")
def graph() -> dict:
    result = viewls("graph", "--project", str(SHOP), "--format", "json")
    assert result.returncode == 0
    return json.loads(result.stdout)


def test_graph_json(graph):
    kinds = {node["name"]: node["kind"] for node in graph["nodes"]}
    assert sorted(name for name, kind in kinds.items() if kind == "extract") == [
        "order_items", "orders", "products", "shipments", "users"]
    order = graph["order"]
    assert sorted(order) == sorted(name for name, kind in kinds.items() if kind == "view")
    assert graph["cycles"] == [] and all(node["ok"] for node in graph["nodes"])
    paths = {node["name"]: node["path"] for node in graph["nodes"]}
    assert paths["top_customers"] == "views/top_customers.sql" and paths["orders"] == "viewls.toml"
    assert Path(graph["root"]) == SHOP.resolve()
    assert graph["edges"]
    for edge in graph["edges"]:
        assert kinds[edge["to"]] == "view"
        if kinds[edge["from"]] == "view":
            assert order.index(edge["from"]) < order.index(edge["to"]), edge


def test_graph_dot_and_mermaid(graph):
    dot = viewls("graph", "--project", str(SHOP), "--format", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith("digraph viewls {")
    assert set(re.findall(r'"(\w+)" -> "(\w+)";', dot.stdout)) == {(e["from"], e["to"]) for e in graph["edges"]}
    mermaid = viewls("graph", "--project", str(SHOP), "--format", "mermaid")
    assert mermaid.returncode == 0 and mermaid.stdout.startswith("flowchart LR")
    ids = dict(re.findall(r'^\s+(n\d+)\[\(?"(\w+)"\)?\]$', mermaid.stdout, re.M))
    assert sorted(ids.values()) == sorted(node["name"] for node in graph["nodes"])
    edges = {(ids[a], ids[b]) for a, b in re.findall(r"^\s+(n\d+) --> (n\d+)$", mermaid.stdout, re.M)}
    assert edges == {(e["from"], e["to"]) for e in graph["edges"]}


def test_udfs_json():
    result = viewls("udfs", "--format", "json")
    assert result.returncode == 0
    functions = {f["name"]: f for f in json.loads(result.stdout)}
    abs_ = functions["abs"]
    assert abs_["kind"] == "scalar" and abs_["origin"] == "builtin"
    assert abs_["signatures"] and all(isinstance(s["arguments"], list) for s in abs_["signatures"])
    assert {"sum", "avg", "count"} <= functions.keys() and functions["sum"]["kind"] == "aggregate"
    stable_id = functions["stable_id"]
    assert stable_id["origin"] == "udf" and "stable_hash64" in stable_id["description"]
    assert stable_id["signatures"] == [{"arguments": ["Utf8", "Any"], "returns": "Utf8", "variadic": True}]


def test_udfs_without_builtins_lists_the_native_snapshot_only():
    result = viewls("udfs", "--no-builtins")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines() if line and not line.startswith(" ")]
    assert names == ["path_normalize", "qualified_name", "span_contains", "span_overlaps",
                     "stable_hash64", "stable_id", "utf8_normalize"]

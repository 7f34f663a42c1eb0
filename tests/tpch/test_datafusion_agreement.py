"""Zero false diagnostics: viewls agrees with plain DataFusion on every view.

Each project's extracts are registered from their real data files and each view is
planned from its original file text, in dependency order. For every view: DataFusion
plans it exactly when viewls reports no error for it (contracts are metadata DataFusion
does not see), and when both succeed, viewls's derived schema and the schema of its
canonical SQL equal DataFusion's (names, types and nullability).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import datafusion
import pyarrow as pa
import pytest
from datafusion import SQLOptions

from viewls.analysis.host import AnalysisHost
from viewls.diagnostics import Code
from viewls.engine.native import install

EXAMPLES = Path(__file__).parents[2] / "examples"
VIEW_DIRS = {"tpch": Path(__file__).parent / "project" / "views",
             "shop": EXAMPLES / "shop" / "views", "broken": EXAMPLES / "broken" / "views"}
OPTIONS = SQLOptions().with_allow_ddl(False).with_allow_dml(False).with_allow_statements(False)
FORMATS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json", ".arrow": "arrow"}
# Checked by viewls alone: DataFusion never sees view metadata.
NOT_DATAFUSIONS = {Code.INVALID_CONTRACT}
CASES = [(project, path.stem) for project, views in VIEW_DIRS.items() for path in sorted(views.glob("*.sql"))]


def plan_with_datafusion(root: Path, names: list[str], queries: dict[str, str]):
    """(session, name -> schema or the exception DataFusion raised) for views in ``names``
    order: a SQL file's text as written, a generated view's SQL (its AST is its definition)."""
    ctx = datafusion.SessionContext()
    install(ctx)  # the native UDFs: views may call them
    for name, extract in tomllib.loads((root / "viewls.toml").read_text())["extracts"].items():
        path = root / extract["path"]
        fmt = extract.get("format") or FORMATS[path.suffix]
        getattr(ctx, f"register_{fmt}")(name, str(path), file_extension=path.suffix)
    outcomes = {}
    for name in names:
        try:
            frame = ctx.sql_with_options(queries[name], OPTIONS)
            outcomes[name] = frame.schema()
            ctx.register_view(name, frame)
        except Exception as failure:  # DataFusion raises plain Exceptions
            outcomes[name] = failure
    return ctx, outcomes


@pytest.fixture(scope="module")
def projects(tpch_project):
    roots = {"tpch": tpch_project, "shop": EXAMPLES / "shop", "broken": EXAMPLES / "broken"}
    results = {}
    for key, root in roots.items():
        snapshot = AnalysisHost.load(root).snapshot()
        order = snapshot.build_order()
        order += sorted(set(snapshot.views) - set(order))  # views on a cycle have no place in the order
        queries = {name: view.definition.sql for name, view in snapshot.views.items()}
        results[key] = (snapshot, *plan_with_datafusion(root, order, queries))
    return results


def columns(schema: pa.Schema) -> list[tuple[str, pa.DataType, bool]]:
    return [(f.name, f.type, f.nullable) for f in schema]


@pytest.mark.parametrize(("project", "name"), CASES, ids=[f"{p}:{n}" for p, n in CASES])
def test_viewls_agrees_with_datafusion(projects, project, name):
    snapshot, ctx, outcomes = projects[project]
    view, planned = snapshot.views[name], outcomes[name]
    refusals = [f"{d.code}: {d.message}" for d in view.diagnostics
                if (d.is_error or d.code is Code.UPSTREAM_ERROR) and d.code not in NOT_DATAFUSIONS]
    if isinstance(planned, Exception):
        assert refusals, f"DataFusion refuses {name} but viewls reports nothing: {planned}"
        return
    assert refusals == [], "viewls reports errors for a view DataFusion plans"
    assert columns(view.schema) == columns(planned)
    canonical = ctx.sql_with_options(view.definition.canonical.sql, OPTIONS).schema()
    assert columns(canonical) == columns(planned)


def test_projects_cover_both_outcomes(projects):
    """The comparison is not vacuous: broken views are refused, everything else plans."""
    refused = {(key, name) for key, (_, _, outcomes) in projects.items()
               for name, planned in outcomes.items() if isinstance(planned, Exception)}
    assert {key for key, _ in refused} == {"broken"}
    assert len(refused) == 7  # every broken view but recent_orders, whose error is its contract

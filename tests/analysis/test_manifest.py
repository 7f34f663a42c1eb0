"""The project manifest on the bundled examples, compared with what the host derived, and
`viewls schema --all` through the real command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.analysis.manifest import MANIFEST_VERSION, manifest
from viewls.project.types import format_arrow_type

EXAMPLES = Path(__file__).parents[2] / "examples"


def copy(tmp_path_factory, example: str) -> Path:
    root = tmp_path_factory.mktemp("manifest") / example
    shutil.copytree(EXAMPLES / example, root, ignore=shutil.ignore_patterns("target"))
    return root.resolve()


@pytest.fixture(scope="module")
def shop_root(tmp_path_factory) -> Path:
    return copy(tmp_path_factory, "shop")


@pytest.fixture(scope="module")
def broken_root(tmp_path_factory) -> Path:
    return copy(tmp_path_factory, "broken")


@pytest.fixture(scope="module")
def shop(shop_root):
    snapshot = AnalysisHost.load(shop_root).snapshot()
    return snapshot, manifest(snapshot)


@pytest.fixture(scope="module")
def broken(broken_root):
    snapshot = AnalysisHost.load(broken_root).snapshot()
    return snapshot, manifest(snapshot)


def viewls(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewls", *args], capture_output=True, text=True, timeout=120)


def test_metadata_names_the_project_and_versions(shop):
    _, document = shop
    meta = document["metadata"]
    assert meta["manifest_version"] == MANIFEST_VERSION == 1
    assert meta["project"] == "shop"
    assert meta["datafusion_version"].startswith("55.")
    assert {"viewls_version", "sqlglot_version"} <= meta.keys()
    assert json.loads(json.dumps(document)) == document  # plain JSON data, nothing else


def test_schemas_are_the_derived_ones(shop):
    snapshot, document = shop
    assert list(document["views"]) == sorted(snapshot.views)
    for name, view in snapshot.views.items():
        entry = document["views"][name]
        assert entry["state"] == "ok" and entry["errors"] == 0
        assert entry["columns"] == [{"name": f.name, "type": format_arrow_type(f.type), "nullable": f.nullable}
                                    for f in view.schema]
        if view.definition.generated:  # where the row that generates it is
            line = snapshot.sources[view.path].text.count("\n", 0, view.definition.anchor.start) + 1
            assert (entry["path"], entry["line"]) == ("specs/normalize.toml", line)
            assert entry["generated_by"].startswith(("spec row [[view]]", "template row [[template]]"))
        else:
            assert (entry["path"], entry["generated_by"]) == (f"views/{name}.sql", None)
        assert entry["fingerprint"] == view.fingerprint and entry["canonical_sql"] == view.definition.canonical.sql
        assert entry["sql"] == view.sql == view.definition.canonical.sql and not entry["runs_as_written"]
    orders = document["extracts"]["orders"]
    assert orders["state"] == "ok" and orders["format"] == "parquet"
    assert orders["files"] == ["data/orders.parquet"]
    assert [c["name"] for c in orders["columns"]] == snapshot.extracts["orders"].schema.names


def test_dependencies_are_the_graph(shop):
    snapshot, document = shop
    graph = snapshot.graph
    for name, entry in document["views"].items():
        depends_on = entry["depends_on"]
        assert sorted(depends_on["views"] + depends_on["extracts"]) == graph.upstream(name)
        assert set(depends_on["extracts"]) <= snapshot.extracts.keys() and depends_on["unresolved"] == []
    assert document["parent_map"] == {name: graph.upstream(name) for name in graph.nodes}
    assert all(name in document["parent_map"][child]
               for name, children in document["child_map"].items() for child in children)
    assert document["parent_map"]["orders"] == []  # an extract reads nothing


def test_build_order_is_topological(shop):
    snapshot, document = shop
    order = document["build_order"]
    assert sorted(order) == sorted(snapshot.views) and document["cycles"] == []
    position = {name: index for index, name in enumerate(order)}
    for name in order:
        assert all(position[parent] < position[name] for parent in document["views"][name]["depends_on"]["views"])


def test_metadata_and_required_udfs(shop):
    _, document = shop
    keys = document["views"]["customer_keys"]
    assert keys["required_udfs"] == ["qualified_name", "stable_hash64", "stable_id", "utf8_normalize"]
    assert keys["description"].startswith("Stable customer keys")
    assert keys["ordering"] == [{"name": "customer_key", "direction": "asc"}]
    assert keys["evidence"] == ["crm"]
    assert document["views"]["users_clean"]["required_udfs"] == []


def test_fingerprint_follows_meaning_not_comments(shop_root):
    host = AnalysisHost.load(shop_root)
    path = shop_root / "views" / "users_clean.sql"
    text = path.read_text()
    before = manifest(host.snapshot())["views"]["users_clean"]["fingerprint"]
    commented = manifest(host.apply_change(path, text + "\n-- a remark\n"))["views"]["users_clean"]["fingerprint"]
    edited = manifest(host.apply_change(path, text.replace("select", "select distinct", 1)))
    assert commented == before
    assert edited["views"]["users_clean"]["fingerprint"] != before


def test_broken_views_have_no_columns(broken):
    snapshot, document = broken
    views = document["views"]
    assert views["customer_totals"]["state"] == "error" and views["customer_totals"]["columns"] is None
    assert views["customer_totals"]["errors"] == 1
    assert views["refund_rate"]["depends_on"]["unresolved"] == ["refunds"]
    assert views["cleanup"]["canonical_sql"] is None and views["cleanup"]["fingerprint"] is None
    assert set(document["cycles"]) == {"sales_rollup", "weekly_sales"}
    assert not {"sales_rollup", "weekly_sales"} & set(document["build_order"])
    assert all(entry["columns"] is None for entry in views.values() if entry["state"] != "ok")
    assert {document["extracts"][name]["state"] for name in snapshot.extracts} == {"ok"}


def test_views_blocked_upstream(broken_root):
    host = AnalysisHost.load(broken_root)
    reader = broken_root / "views" / "big_spenders.sql"
    document = manifest(host.apply_change(reader, "select customer_id from customer_totals where total_spent > 100"))
    entry = document["views"]["big_spenders"]
    assert (entry["state"], entry["columns"], entry["errors"]) == ("blocked", None, 0)
    assert document["parent_map"]["big_spenders"] == ["customer_totals"]
    assert document["child_map"]["customer_totals"] == ["big_spenders"]


def test_duplicate_view_files_are_listed(shop_root):
    host = AnalysisHost.load(shop_root)
    later = shop_root / "views" / "zz_old" / "users_clean.sql"  # after views/users_clean.sql in path order
    shadowing_extract = shop_root / "views" / "orders.sql"
    snapshot = host.apply_changes({later: "select 1 as x", shadowing_extract: "select 2 as y"})
    document = manifest(snapshot)
    assert document["views"]["users_clean"]["path"] == "views/users_clean.sql"
    assert "orders" not in document["views"]
    assert [(d["path"], d["state"], d["defined_by"], d["errors"]) for d in document["duplicates"]] == [
        ("views/orders.sql", "error", "extract", 1),
        ("views/zz_old/users_clean.sql", "error", "views/users_clean.sql", 1),
    ]


def test_cli_schema_all(shop_root, broken_root):
    clean = viewls("schema", "--all", "--format", "json", "--project", str(shop_root))
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout) == manifest(AnalysisHost.load(shop_root).snapshot())
    failing = viewls("schema", "--all", "--format", "json", "--project", str(broken_root))
    assert failing.returncode == 1
    assert json.loads(failing.stdout)["views"]["customer_totals"]["columns"] is None
    text = viewls("schema", "--all", "--project", str(broken_root))
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert "view customer_totals (error; run `viewls check`)" in lines
    assert "view recent_orders (has errors; run `viewls check`)" in lines  # a bad ordering key, columns known
    assert "extract customers" in lines and "  customer_id  int64" in lines


@pytest.mark.parametrize("args", [["schema"], ["schema", "orders", "--all"]], ids=["neither", "both"])
def test_cli_schema_needs_a_name_or_all(shop_root, args):
    result = viewls(*args, "--project", str(shop_root))
    assert result.returncode == 2 and "--all" in result.stderr

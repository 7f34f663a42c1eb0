"""Find references as a pure function over a copy of the shop example; the cursor is $0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.references import references

SHOP = Path(__file__).parents[2] / "examples" / "shop"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("references") / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return root.resolve()


@pytest.fixture(scope="module")
def host(root):
    return AnalysisHost.load(root)


def found(host, root: Path, files: dict[str, str], *, declaration: bool = False) -> list[tuple[str, str]]:
    """References at $0 with ``files`` (relative path -> text) added to the project, as
    (file, referenced text) pairs; the files are removed again afterwards."""
    marked = next(name for name, text in files.items() if "$0" in text)
    paths = {root / name: text.replace("$0", "") for name, text in files.items()}
    snapshot = host.apply_changes(paths)
    try:
        result = references(snapshot, root / marked, files[marked].index("$0"), declaration)
        return [(loc.path.relative_to(root).as_posix(), _text(snapshot, loc.path)[loc.span.start:loc.span.end])
                for loc in result]
    finally:
        host.apply_changes({path: None for path in paths})


def _text(snapshot, path: Path) -> str:
    return snapshot.sources[path].text if path in snapshot.sources else path.read_text()


def test_a_view_is_referenced_from_every_file_that_reads_it(host, root):
    refs = found(host, root, {"views/scratch.sql": "SELECT * FROM orders_$0enriched"})
    assert refs == [("views/customer_orders.sql", "orders_enriched"), ("views/daily_revenue.sql", "orders_enriched"),
                    ("views/delivery_times.sql", "orders_enriched"), ("views/scratch.sql", "orders_enriched")]


def test_the_declaration_of_a_view_is_its_file(host, root):
    refs = found(host, root, {"views/scratch.sql": "SELECT * FROM delivery_times$0"}, declaration=True)
    assert refs == [("views/carrier_scorecard.sql", "delivery_times"), ("views/delivery_times.sql", ""),
                    ("views/scratch.sql", "delivery_times")]


def test_quoted_qualified_and_uppercase_references_are_the_same_view(host, root):
    refs = found(host, root, {"views/scratch.sql": (
        'SELECT users_clean.email, "users_clean".name FROM "users_clean"\n'
        "JOIN public.USERS_CLEAN u ON true JOIN datafusion.public.users_$0clean x ON true\n"
        'JOIN other.users_clean y ON true JOIN "Users_Clean" z ON true')})
    scratch = [text for path, text in refs if path == "views/scratch.sql"]
    assert scratch == ["users_clean", '"users_clean"', '"users_clean"', "USERS_CLEAN", "users_clean"]


def test_column_qualifiers_count_only_without_an_alias(host, root):
    refs = found(host, root, {"views/scratch.sql": (
        "SELECT users_clean.email, u.name FROM users_$0clean JOIN users_clean u ON u.user_id = users_clean.user_id")})
    assert [text for path, text in refs if path == "views/scratch.sql"] == ["users_clean"] * 4
    assert [path for path, _ in refs if path != "views/scratch.sql"] == [
        "views/customer_keys.sql", "views/customer_lifetime_value.sql", "views/orders_enriched.sql"]


def test_a_cte_of_the_same_name_shadows_the_view(host, root):
    files = {
        "views/shadow.sql": "WITH users_clean AS (SELECT 1 AS email) SELECT users_clean.email FROM users_clean",
        "views/scratch.sql": "SELECT email FROM users_$0clean",
    }
    refs = found(host, root, files)
    assert "views/shadow.sql" not in {path for path, _ in refs}
    assert ("views/scratch.sql", "users_clean") in refs


def test_a_cte_body_still_sees_the_view_it_shadows(host, root):
    text = "WITH users_clean AS (SELECT email FROM users_clean) SELECT email FROM users_clean"
    body, main = text.index("users_clean)"), text.rindex("users_clean")
    at_body = text[:body] + "$0" + text[body:]
    at_main = text[:main] + "$0" + text[main:]
    assert _spans(host, root, at_body) == [body]
    assert _spans(host, root, at_main) == [text.index("users_clean"), main]


def test_nested_ctes_of_the_same_name_are_different_symbols(host, root):
    text = ("WITH t AS (SELECT 1 AS a)\n"
            "SELECT * FROM (WITH t AS (SELECT 2 AS a) SELECT t.a FROM t) s JOIN t ON t.a = s.a")
    outer = text.replace("JOIN t", "JOIN $0t")
    inner = text.replace("FROM t) s", "FROM $0t) s")
    assert _spans(host, root, outer) == [text.index("t AS"), text.index("JOIN t") + len("JOIN "), text.index("t.a = s")]
    assert _spans(host, root, inner) == [text.index("t AS (SELECT 2"), text.index("t.a FROM"), text.index("t) s")]
    at_definition = text.replace("WITH t AS (SELECT 2", "WITH $0t AS (SELECT 2")
    assert _spans(host, root, at_definition) == _spans(host, root, inner)


def _spans(host, root, marked: str) -> list[int]:
    """Where the references at $0 (declaration included) start in the marked file itself."""
    path = root / "views" / "scratch.sql"
    snapshot = host.apply_change(path, marked.replace("$0", ""))
    try:
        return [loc.span.start for loc in references(snapshot, path, marked.index("$0"), True) if loc.path == path]
    finally:
        host.apply_change(path, None)


def test_an_extract_is_referenced_from_views_and_declared_in_viewls_toml(host, root):
    refs = found(host, root, {"views/scratch.sql": "SELECT * FROM shipm$0ents"}, declaration=True)
    assert refs == [("specs/normalize.toml", "shipments"), ("viewls.toml", "shipments"),
                    ("views/delivery_times.sql", "shipments"),
                    ("views/order_timeline.sql", "shipments"), ("views/order_timeline.sql", "shipments"),
                    ("views/scratch.sql", "shipments")]


def test_references_from_the_extract_entry_in_viewls_toml(host, root):
    config = (root / "viewls.toml").read_text()
    snapshot = host.snapshot()
    offset = config.index("[extracts.shipments]") + len("[extracts.ship")
    refs = references(snapshot, root / "viewls.toml", offset, False)
    assert [loc.path.name for loc in refs] == ["normalize.toml", "delivery_times.sql", "order_timeline.sql",
                                               "order_timeline.sql"]
    assert references(snapshot, root / "viewls.toml", config.index("[project]") + 1, True) == []


def test_a_name_touching_the_cursor_on_its_right_counts(host, root):
    refs = found(host, root, {"views/scratch.sql": "SELECT * FROM users_clean$0"})
    assert ("views/scratch.sql", "users_clean") in refs


@pytest.mark.parametrize("marked", [
    "SELECT em$0ail FROM users_clean",  # a column
    "SELECT low$0er(email) FROM users_clean",  # a function
    "SEL$0ECT 1",  # a keyword
    "SELECT 1 FROM nowh$0ere",  # an unknown table
    "SELECT 1 FROM other.users$0_clean",  # a table in another schema
    "SELECT u$0.email FROM users_clean u",  # a table alias
    "SELECT * FROM users_clean$0 WHERE",  # unparseable
    "$0",  # empty
    "SELECT * FROM users_clean\n$0",  # end of file
])
def test_nothing_to_find(host, root, marked):
    assert found(host, root, {"views/scratch.sql": marked}) == []


def test_unparseable_and_cyclic_files_do_not_break_the_search(host, root):
    files = {
        "views/broken.sql": "SELECT * FROM users_clean WHERE",
        "views/cycle_a.sql": "SELECT * FROM cycle_b JOIN users_clean ON true",
        "views/cycle_b.sql": "SELECT * FROM cycle_a",
        "views/scratch.sql": "SELECT * FROM cycle_$0a",
    }
    assert found(host, root, files) == [("views/cycle_b.sql", "cycle_a"), ("views/scratch.sql", "cycle_a")]
    files["views/scratch.sql"] = "SELECT * FROM users_$0clean"
    paths = {path for path, _ in found(host, root, files)}
    assert "views/cycle_a.sql" in paths and "views/broken.sql" not in paths


def test_references_of_a_view_from_a_file_that_does_not_exist_are_empty(host, root):
    assert references(host.snapshot(), root / "views" / "nope.sql", 0, True) == []

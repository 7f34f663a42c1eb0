"""Rename as a pure function over a copy of the shop example; the cursor is $0.

A view rename is checked the strong way: its edits are applied, its file moved, and the
re-analysed project must be as clean as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.rename import Prepared, Refusal, Renaming, prepare_rename, rename, rename_view, sql_name
from viewls.text import Span

SHOP = Path(__file__).parents[2] / "examples" / "shop"


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return root.resolve()


@pytest.fixture
def host(root):
    return AnalysisHost.load(root)


def at(host, root: Path, marked: str, name: str = "views/scratch.sql"):
    """Add ``marked`` as a view; its snapshot, path and the offset of $0."""
    path = root / name
    return host.apply_change(path, marked.replace("$0", "")), path, marked.index("$0")


def applied(host, renaming: Renaming) -> dict[Path, str]:
    """The project's files after the renaming: text edits, then the move; fed to ``host``."""
    snapshot = host.snapshot()
    changes: dict[Path, str | None] = {}
    for file in renaming.files:
        text = snapshot.sources[file.path].text
        for edit in sorted(file.edits, key=lambda e: e.span.start, reverse=True):
            text = text[:edit.span.start] + edit.text + text[edit.span.end:]
        changes[file.path] = text
    if renaming.move is not None:
        old, new = renaming.move
        changes[new] = changes.pop(old, snapshot.sources[old].text)
        changes[old] = None
    host.apply_changes(changes)
    return {path: text for path, text in changes.items() if text is not None}


def test_renaming_a_view_moves_its_file_and_rewrites_every_reference(host, root):
    snapshot, path, offset = at(host, root, "SELECT order_id FROM orders_$0enriched", "views/reports/scratch.sql")
    renaming = rename(snapshot, path, offset, "order_facts")
    assert renaming.move == (root / "views/orders_enriched.sql", root / "views/order_facts.sql")
    assert [f.path.name for f in renaming.files] == [
        "customer_orders.sql", "daily_revenue.sql", "delivery_times.sql", "scratch.sql"]
    texts = applied(host, renaming)
    assert "from order_facts\n" in texts[root / "views/daily_revenue.sql"]
    assert texts[path] == "SELECT order_id FROM order_facts"
    after = host.snapshot()
    assert after.diagnostics() == {}
    assert "order_facts" in after.views and "orders_enriched" not in after.views


def test_column_qualifiers_follow_and_aliases_stay(host, root):
    text = ("SELECT users_clean.email, u.name FROM users_$0clean JOIN users_clean u "
            "ON u.user_id = users_clean.user_id")
    snapshot, path, offset = at(host, root, text)
    texts = applied(host, rename(snapshot, path, offset, "members"))
    assert texts[path] == ("SELECT members.email, u.name FROM members JOIN members u "
                           "ON u.user_id = members.user_id")
    assert host.snapshot().diagnostics() == {}


@pytest.mark.parametrize(("new", "written"), [
    ("Customer Keys", '"Customer Keys"'),
    ("CustomerKeys", '"CustomerKeys"'),
    ("select", '"select"'),
    ('say "hi"', '"say ""hi"""'),
    ("keys_2", "keys_2"),
])
def test_names_are_quoted_when_sql_would_not_read_them_back(host, root, new, written):
    text = 'SELECT c.shard FROM public.customer_$0keys c JOIN "customer_keys" ON true'
    snapshot, path, offset = at(host, root, text)
    renaming = rename(snapshot, path, offset, new)
    texts = applied(host, renaming)
    assert texts[path] == f'SELECT c.shard FROM public.{written} c JOIN {written} ON true'
    assert renaming.move[1].name == f"{new}.sql"
    assert host.snapshot().diagnostics() == {}
    assert new in host.snapshot().views


def test_sql_name():
    assert [sql_name(n) for n in ["orders", "_x1", "Orders", "date", "a-b", "1a", "ünï"]] == [
        "orders", "_x1", '"Orders"', '"date"', '"a-b"', '"1a"', '"ünï"']


def test_renaming_a_cte_rewrites_its_scope_only(host, root):
    # DataFusion refuses a nested WITH reusing an outer CTE's name; renaming one of them fixes it.
    text = ("WITH t AS (SELECT 1 AS a)\n"
            "SELECT s.a FROM (WITH t AS (SELECT 2 AS a) SELECT t.a FROM t) s JOIN $0t ON t.a = s.a")
    snapshot, path, offset = at(host, root, text)
    assert [d.code.value for d in snapshot.document_view(path).diagnostics] == ["planning-error"]
    renaming = rename(snapshot, path, offset, "one")
    assert renaming.move is None
    texts = applied(host, renaming)
    assert texts[path] == ("WITH one AS (SELECT 1 AS a)\n"
                           "SELECT s.a FROM (WITH t AS (SELECT 2 AS a) SELECT t.a FROM t) s JOIN one ON one.a = s.a")
    assert host.snapshot().diagnostics() == {}


def test_a_cte_shadowing_a_view_is_renamed_without_touching_the_view(host, root):
    text = "WITH users_clean AS (SELECT email FROM users_clean) SELECT email FROM $0users_clean"
    snapshot, path, offset = at(host, root, text)
    texts = applied(host, rename(snapshot, path, offset, "emails"))
    assert texts == {path: "WITH emails AS (SELECT email FROM users_clean) SELECT email FROM emails"}


@pytest.mark.parametrize(("marked", "new", "message"), [
    # the new CTE name is a view read in the CTE's scope: the view would be captured
    ("WITH $0t AS (SELECT 1 AS a) SELECT * FROM t JOIN users_clean ON true", "users_clean", "scratch.sql:1"),
    # two CTEs of one WITH would share a name
    ("WITH $0t AS (SELECT 1 AS a), u AS (SELECT 2 AS b) SELECT * FROM t", "u", "would change what"),
    # an inner CTE of the new name would capture a reference to the renamed one
    ("WITH $0t AS (SELECT 1 AS a)\nSELECT * FROM (WITH u AS (SELECT 2 AS a) SELECT * FROM t JOIN u ON true) s",
     "u", "scratch.sql:2"),
    # the new name clashes with a table alias in the same FROM list
    ("WITH $0t AS (SELECT 1 AS a) SELECT x.a FROM t JOIN users_clean x ON true", "x", "would change what"),
])
def test_a_cte_rename_that_would_change_meaning_is_refused(host, root, marked, new, message):
    snapshot, path, offset = at(host, root, marked)
    refusal = rename(snapshot, path, offset, new)
    assert isinstance(refusal, Refusal) and message in refusal.message


def test_a_view_rename_captured_by_a_cte_elsewhere_is_refused(host, root):
    host.apply_change(root / "views/other.sql", "WITH members AS (SELECT 1 AS a) SELECT * FROM members, users_clean")
    snapshot, path, offset = at(host, root, "SELECT * FROM users_$0clean")
    refusal = rename(snapshot, path, offset, "members")
    assert refusal == Refusal("renaming 'users_clean' to 'members' would change what views/other.sql:1 refers to")


@pytest.mark.parametrize(("new", "message"), [
    ("users_clean", "a view named 'users_clean' already exists: views/users_clean.sql"),
    ("shipments", "an extract named 'shipments' already exists in viewls.toml"),
    ("", "the new name is empty"),
    (" padded", "' padded' starts or ends with spaces or holds control characters"),
    ("a\tb", "holds control characters"),
    ("sub/name", "holds '/'"),
    (".hidden", "starts with '.'"),
])
def test_invalid_or_colliding_view_names_are_refused(host, root, new, message):
    snapshot, path, offset = at(host, root, "SELECT * FROM customer_$0keys")
    refusal = rename(snapshot, path, offset, new)
    assert isinstance(refusal, Refusal) and message in refusal.message


def test_an_existing_file_that_is_not_a_view_is_not_overwritten(host, root):
    (root / "views" / "notes.sql").mkdir()  # a directory, so discovery finds no view there
    snapshot, path, offset = at(host, root, "SELECT * FROM customer_$0keys")
    assert rename(snapshot, path, offset, "notes") == Refusal("views/notes.sql already exists")


def test_the_new_file_must_match_the_view_globs(tmp_path):
    (tmp_path / "viewls.toml").write_text('[project]\nviews = ["models/stg_*.sql"]\n')
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "stg_a.sql").write_text("SELECT 1 AS x")
    (tmp_path / "models" / "stg_b.sql").write_text("SELECT x FROM stg_a")
    snapshot = AnalysisHost.load(tmp_path).snapshot()
    path, offset = tmp_path / "models" / "stg_b.sql", len("SELECT x FROM stg")
    refusal = rename(snapshot, path, offset, "a")
    assert refusal == Refusal("models/a.sql would not be a view: it matches none of the view globs (models/stg_*.sql)")
    assert isinstance(rename(snapshot, path, offset, "stg_first"), Renaming)


@pytest.mark.parametrize(("new", "message"), [
    ("v" * 300, "too long for a file name"),
    ("é" * 126, "too long for a file name"),  # 252 characters, 256 bytes with .sql
    ("half\ud800pair", "cannot be a file name"),
])
def test_a_name_the_file_system_cannot_hold_is_refused(host, root, new, message):
    snapshot, path, offset = at(host, root, "SELECT * FROM customer_$0keys")
    refusal = rename(snapshot, path, offset, new)
    assert isinstance(refusal, Refusal) and message in refusal.message


def test_a_file_system_failure_is_a_refusal(host, root, monkeypatch):
    snapshot, path, offset = at(host, root, "SELECT * FROM customer_$0keys")

    def fails(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", fails)
    refusal = rename(snapshot, path, offset, "members")
    assert refusal == Refusal("cannot check views/members.sql: Permission denied")


def test_the_same_name_changes_nothing(host, root):
    snapshot, path, offset = at(host, root, "SELECT * FROM customer_$0keys")
    assert rename(snapshot, path, offset, "customer_keys") == Renaming(())


def test_a_cyclic_view_renames_its_own_reference_before_its_file_moves(host, root):
    host.apply_change(root / "views/cycle_b.sql", "SELECT * FROM cycle_a")
    snapshot, path, offset = at(host, root, "SELECT * FROM cycle_$0b", "views/cycle_a.sql")
    renaming = rename(snapshot, path, offset, "cycle_c")
    assert [f.path.name for f in renaming.files] == ["cycle_a.sql"]
    assert renaming.move == (root / "views/cycle_b.sql", root / "views/cycle_c.sql")
    texts = applied(host, renaming)
    assert texts[root / "views/cycle_a.sql"] == "SELECT * FROM cycle_c"


def test_prepare_rename_names_the_identifier_and_its_name(host, root):
    snapshot, path, offset = at(host, root, 'SELECT * FROM "users_$0clean"')
    assert prepare_rename(snapshot, path, offset) == Prepared(Span(14, 27), "users_clean")
    snapshot, path, offset = at(host, root, "WITH Recent$0 AS (SELECT 1 AS x) SELECT * FROM recent")
    assert prepare_rename(snapshot, path, offset) == Prepared(Span(5, 11), "recent")
    snapshot, path, offset = at(host, root, "SELECT USERS_$0CLEAN.email FROM users_clean")
    assert prepare_rename(snapshot, path, offset) == Prepared(Span(7, 18), "users_clean")


@pytest.mark.parametrize(("marked", "message"), [
    ("SELECT em$0ail FROM users_clean", "only views and CTEs can be renamed, not columns"),
    ("SELECT low$0er(email) FROM users_clean", "only views and CTEs can be renamed, not functions"),
    ("SELECT u$0.email FROM users_clean u", "only views and CTEs can be renamed, not table aliases"),
    ("SELECT * FROM shipm$0ents", "'shipments' is an extract"),
    ("SELECT * FROM nowh$0ere", "'nowhere' is not a view of this project"),
])
def test_prepare_rename_refuses_what_cannot_be_renamed(host, root, marked, message):
    snapshot, path, offset = at(host, root, marked)
    refusal = prepare_rename(snapshot, path, offset)
    assert isinstance(refusal, Refusal) and message in refusal.message
    assert rename(snapshot, path, offset, "anything") == refusal


@pytest.mark.parametrize("marked", ["SEL$0ECT 1", "SELECT * FROM users_clean WHERE$0", "$0", "SELECT 1\n$0"])
def test_nothing_to_rename(host, root, marked):
    snapshot, path, offset = at(host, root, marked)
    assert prepare_rename(snapshot, path, offset) is None
    assert isinstance(rename(snapshot, path, offset, "x"), Refusal)


def test_broken_files_are_left_alone(host, root):
    host.apply_change(root / "views/broken.sql", "SELECT * FROM customer_keys WHERE")
    snapshot, path, offset = at(host, root, "SELECT * FROM customer_$0keys")
    renaming = rename(snapshot, path, offset, "keys")
    assert [f.path.name for f in renaming.files] == ["scratch.sql"]


def test_renaming_a_view_by_name_is_renaming_it_at_its_file(host, root):
    snapshot = host.snapshot()
    by_name = rename_view(snapshot, "users_clean", "people")
    at_reference = rename(snapshot, root / "views" / "customer_keys.sql",
                          snapshot.document_view(root / "views" / "customer_keys.sql").definition.text.index("users_clean"),
                          "people")
    assert by_name == at_reference and by_name.move[1].name == "people.sql"
    applied(host, by_name)  # every reader rewritten, the file moved: the project still checks clean
    assert not [d for v in host.snapshot().definitions() for d in v.diagnostics if d.is_error]
    assert "people" in host.snapshot().views
    assert rename_view(snapshot, "nope", "x") == Refusal("there is no view named 'nope'")
    assert isinstance(rename_view(snapshot, "users_clean", "orders_enriched"), Refusal)


def test_renaming_a_generated_view_rewrites_its_row_and_the_rows_and_files_reading_it(host, root):
    spec = root / "specs" / "normalize.toml"
    text = spec.read_text()
    renaming = rename(host.snapshot(), spec, text.index("shipments_norm") + 2, "shipments_clean")
    assert renaming.move is None
    assert sorted(f.path.name for f in renaming.files) == ["normalize.toml", "shipment_coverage.sql"]
    after = applied(host, renaming)
    assert 'name = "shipments_clean"' in after[spec]
    snapshot = host.snapshot()
    assert "shipments_norm" not in snapshot.views and snapshot.views["shipments_clean"].definition.generated
    assert snapshot.diagnostics() == {}


def test_a_view_read_through_a_template_parameter_is_not_renamed_in_place(host, root):
    spec = root / "specs" / "more.toml"
    host.apply_change(spec, '[[template]]\nname = "{t}_copy"\nfor_each = { t = ["users_clean"] }\n'
                            'query = "SELECT user_id FROM {t}"\n')
    refusal = rename_view(host.snapshot(), "users_clean", "users_tidy")
    assert refusal == Refusal("'users_clean' is read through a template parameter or an escape at "
                              "specs/more.toml:4: rename it there by hand")
    generated = rename_view(host.snapshot(), "orders_keys", "order_keys")
    assert isinstance(generated, Refusal) and "rename it where specs/normalize.toml names it" in generated.message

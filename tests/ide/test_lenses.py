"""Code lenses as a pure function; ``$0`` marks where the lens must sit (its first word)."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.lenses import lenses, lenses_changed

SHOP = (Path(__file__).parents[2] / "examples" / "shop").resolve()
SCRATCH = SHOP / "views" / "scratch.sql"


@pytest.fixture
def host():
    return AnalysisHost.load(SHOP)


@pytest.mark.parametrize(("marked", "title"), [
    ("$0select * from users_clean", "2 upstream · 0 downstream"),
    ("-- @description: Buyers\n-- @evidence: crm\n\n"
     "  $0SELECT u.name FROM users_clean u JOIN orders_enriched o ON o.user_id = u.user_id",
     "8 upstream · 0 downstream"),
    ("-- a comment between header and query\n$0with t as (select 1 as x) select x from t",
     "0 upstream · 0 downstream"),
    ("$0selec * frm users", "0 upstream · 0 downstream"),  # no query, no dependencies
    ("$0", "0 upstream · 0 downstream"),  # empty file
    ("$0-- @description: a header and no query", "0 upstream · 0 downstream"),
])
def test_the_graph_lens_sits_on_the_first_word_of_the_query(host, marked, title):
    text = marked.replace("$0", "")
    snapshot = host.apply_change(SCRATCH, text)
    graph, materialize, preview = lenses(snapshot, SCRATCH)
    assert (graph.span.start, graph.title, graph.action, graph.view) == (marked.index("$0"), title, "show-graph", "scratch")
    assert [(lens.span, lens.title, lens.action, lens.view) for lens in (materialize, preview)] == [
        (graph.span, "▶ Materialize", "materialize", "scratch"), (graph.span, "Preview", "preview", "scratch")]


def test_counts_are_every_ancestor_and_descendant_views_and_extracts_alike(host):
    snapshot = host.snapshot()
    titles = {name: lenses(snapshot, view.path)[0].title for name, view in snapshot.views.items()}
    # users -> users_clean -> {customer_keys, customer_lifetime_value -> top_customers, orders_enriched -> ...}
    assert titles["users_clean"] == "1 upstream · 8 downstream"
    assert titles["top_customers"] == "10 upstream · 0 downstream"
    assert titles["product_catalog"] == "1 upstream · 11 downstream"


def test_views_on_a_cycle_do_not_count_themselves(host):
    a, b = SHOP / "views" / "cycle_a.sql", SHOP / "views" / "cycle_b.sql"
    snapshot = host.apply_changes({a: "select * from cycle_b", b: "select * from cycle_a join users using (user_id)"})
    assert lenses(snapshot, a)[0].title == "2 upstream · 1 downstream"


def test_no_lens_for_a_file_that_does_not_own_its_name_nor_for_unknown_files(host):
    snapshot = host.apply_change(SHOP / "views" / "more" / "users_clean.sql", "select 1 as x")
    duplicate = SHOP / "views" / "users_clean.sql"  # the first file in path order owns the name
    assert snapshot.views["users_clean"].path != duplicate
    assert lenses(snapshot, duplicate) == []
    assert lenses(snapshot, SHOP / "views" / "missing.sql") == []
    assert lenses(snapshot, SHOP / "viewls.toml") == []


def test_lenses_change_when_a_dependency_is_added_or_a_view_comes_or_goes(host):
    before = host.apply_change(SCRATCH, "select * from orders")
    assert lenses_changed(None, before)
    assert not lenses_changed(before, before)
    same_inputs = host.apply_change(SCRATCH, "select order_id from orders where order_id > 1")
    assert not lenses_changed(before, same_inputs)
    more = host.apply_change(SCRATCH, "select o.order_id, c.email from orders o join users_clean c using (user_id)")
    assert lenses_changed(same_inputs, more)  # users_clean now has one more downstream
    assert lenses_changed(more, same_inputs)  # and one less again
    gone = host.apply_change(SCRATCH, None)
    assert lenses_changed(more, gone)


def test_an_edge_between_names_already_connected_changes_no_lens(host):
    before = host.apply_change(SCRATCH, "select * from users_clean")
    redundant = host.apply_change(SCRATCH, "select c.email from users_clean c join users u on u.user_id = c.user_id")
    assert before.graph is not redundant.graph
    assert not lenses_changed(before, redundant)
    assert not lenses_changed(redundant, before)  # and removing it again

"""Completion as a pure function of (snapshot, file, offset, buffer text); the cursor is $0.

The buffer is not part of the snapshot, as in the editor: completion reads the text as
typed and only schemas and functions from the analysed project (a copy of the shop
example with two views on a cycle and a broken one added).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viewls.ide import completion
from viewls.ide.completion import complete, identifier
from viewls.analysis.host import AnalysisHost

SHOP = Path(__file__).parents[2] / "examples" / "shop"
EXTRA_VIEWS = {
    "cycle_a.sql": "SELECT * FROM cycle_b",
    "cycle_b.sql": "SELECT * FROM cycle_a",
    "broken.sql": "SELECT order_id, FROM orders WHERE",
}
ORDERS = ["order_id", "user_id", "ordered_at", "status", "channel", "coupon_code"]
USERS_CLEAN = ["user_id", "name", "email", "country", "signup_date", "marketing_opt_in"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("completion") / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    for name, text in EXTRA_VIEWS.items():
        (root / "views" / name).write_text(text)
    return root.resolve(), AnalysisHost.load(root).snapshot()


def complete_at(project, marked: str, file: str = "scratch.sql"):
    root, snapshot = project
    offset = marked.index("$0")
    text = marked.replace("$0", "")
    return complete(snapshot, root / "views" / file, offset, text), text


def labels(found, kind: str | None = None) -> list[str]:
    return [item.label for item in found.items if kind is None or item.kind == kind]


def item(found, label: str):
    (match,) = [i for i in found.items if i.label == label]
    return match


# --- FROM / JOIN: relations -------------------------------------------------------------

@pytest.mark.parametrize("marked", [
    "SELECT * FROM $0",
    "select * from orders o join $0",
    "SELECT * FROM orders o LEFT JOIN users_clean u ON u.user_id = o.user_id JOIN $0",
    "SELECT * FROM orders o, $0",
    "SELECT * FROM $0 WHERE x = 1",
    "SELECT * FROM (SELECT * FROM $0) s",
])
def test_after_from_and_join_the_views_and_extracts(project, marked):
    found, _ = complete_at(project, marked)
    assert found.context == "relation"
    assert {"users_clean", "orders_enriched", "customer_keys"} <= set(labels(found, "view"))
    assert {"orders", "users", "products", "order_items", "shipments"} <= set(labels(found, "extract"))
    assert not labels(found, "column") and not labels(found, "function")


def test_relation_details_summarize_schemas_and_describe(project):
    found, _ = complete_at(project, "SELECT * FROM $0")
    users_clean = item(found, "users_clean")
    assert users_clean.detail == "view (6 columns): user_id, name, email, country, …"
    assert users_clean.documentation.startswith("Registered users with trimmed")
    orders = item(found, "orders")
    assert orders.detail.startswith("extract (6 columns): order_id, user_id")
    assert "data/orders.parquet" in orders.documentation
    assert item(found, "cycle_a").detail == "view (schema unknown)"


def test_a_view_is_not_offered_to_itself(project):
    found, _ = complete_at(project, "SELECT * FROM $0", file="orders_enriched.sql")
    assert "orders_enriched" not in labels(found) and "users_clean" in labels(found)


def test_visible_ctes_come_first_with_their_columns(project):
    found, _ = complete_at(project, "WITH recent AS (SELECT order_id, status FROM orders) SELECT * FROM $0")
    recent = item(found, "recent")
    assert recent.kind == "cte" and recent.detail == "cte (2 columns): order_id, status"
    assert recent.sort < item(found, "orders").sort


def test_a_cte_body_does_not_see_itself_or_later_ctes(project):
    found, _ = complete_at(project, "WITH a AS (SELECT 1 AS x), b AS (SELECT * FROM $0), c AS (SELECT 2 AS y) "
                                    "SELECT * FROM b")
    assert "a" in labels(found, "cte")
    assert "b" not in labels(found) and "c" not in labels(found)


def test_a_partial_word_is_replaced_whole(project):
    found, text = complete_at(project, "SELECT * FROM users_c$0lean u")
    assert text[found.span.start:found.span.end] == "users_clean"
    assert "users_clean" in labels(found)


def test_after_a_relation_the_keywords_that_follow_it(project):
    found, _ = complete_at(project, "select * from orders o $0")
    assert found.context == "keyword"
    assert {"where", "join", "left join", "group by", "order by", "as"} <= set(labels(found))
    joined, _ = complete_at(project, "SELECT * FROM orders o JOIN users u $0")
    assert {"ON", "USING", "WHERE"} <= set(labels(joined))
    left, _ = complete_at(project, "SELECT * FROM orders o LEFT $0")
    assert "JOIN" in labels(left) and "WHERE" not in labels(left)


# --- alias. : the columns of that relation ------------------------------------------------

@pytest.mark.parametrize("marked, expected", [
    ("SELECT o.$0 FROM orders o", ORDERS),
    ("SELECT u.$0 FROM orders o JOIN users_clean u ON u.user_id = o.user_id", USERS_CLEAN),
    ("SELECT orders.$0 FROM orders", ORDERS),
    ("SELECT o.ord$0 FROM orders AS o", ORDERS),
    # Unparseable buffers: the scope comes from a token scan.
    ("SELECT o. FROM orders o WHERE o.$0", ORDERS),
    ("SELECT count(o.$0 FROM orders o", ORDERS),
    ("SELECT o.order_id, u.$0, FROM orders o, users_clean u WHERE (", USERS_CLEAN),
    # CTEs: select items, `*` expanded through the schemas they read, explicit column lists.
    ("WITH t AS (SELECT * FROM users_clean) SELECT t.$0 FROM t", USERS_CLEAN),
    ("WITH t AS (SELECT order_id, count(*) AS n FROM order_items GROUP BY order_id) SELECT t.$0 FROM t",
     ["order_id", "n"]),
    ("WITH t (a, b) AS (SELECT order_id, status FROM orders) SELECT x.$0 FROM t x", ["a", "b"]),
    ("WITH t AS (SELECT o.*, 1 AS one FROM orders o), u AS (SELECT t.* FROM t) SELECT u.$0 FROM u",
     ORDERS + ["one"]),
    ("WITH t AS (SELECT order_id FROM orders) SELECT t.$0 FROM t WHERE (", ["order_id"]),
    # Derived tables and correlated subqueries.
    ("SELECT s.$0 FROM (SELECT user_id AS uid, name FROM users) s", ["uid", "name"]),
    ("SELECT s.$0 FROM (SELECT user_id AS uid, name FROM users) s WHERE (", ["uid", "name"]),
    ("SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM users u WHERE u.user_id = o.$0)", ORDERS),
    # Not in scope yet (SELECT typed before FROM): the view or extract of that name.
    ("SELECT users_clean.$0", USERS_CLEAN),
])
def test_after_a_qualifier_exactly_its_columns(project, marked, expected):
    found, _ = complete_at(project, marked)
    assert found.context == "column"
    assert labels(found) == expected


def test_qualified_columns_carry_their_arrow_types(project):
    found, _ = complete_at(project, "SELECT u.$0 FROM users_clean u")
    assert item(found, "signup_date").detail == "date32"
    assert item(found, "marketing_opt_in").detail == "bool"
    cte, _ = complete_at(project, "WITH t AS (SELECT user_id, count(*) AS n FROM orders GROUP BY 1) SELECT t.$0 FROM t")
    assert item(cte, "user_id").detail == "int64"
    assert item(cte, "n").detail == ""  # computed: unknown until the view is planned


def test_unknown_qualifiers_offer_nothing(project):
    found, _ = complete_at(project, "SELECT nope.$0 FROM orders o")
    assert found.items == ()


# --- expressions: columns, aliases, functions, keywords -----------------------------------

@pytest.mark.parametrize("marked", [
    "SELECT $0 FROM orders o JOIN users_clean u ON u.user_id = o.user_id",
    "SELECT o.order_id FROM orders o JOIN users_clean u ON u.user_id = o.user_id WHERE $0",
    "SELECT 1 FROM orders o JOIN users_clean u ON $0",
    "SELECT 1 FROM orders o JOIN users_clean u ON u.user_id = o.user_id GROUP BY $0",
    "SELECT 1 FROM orders o JOIN users_clean u ON u.user_id = o.user_id GROUP BY 1 HAVING count($0) > 1",
    "SELECT 1 FROM orders o JOIN users_clean u ON u.user_id = o.user_id ORDER BY $0",
    "SELECT sum($0 FROM orders o JOIN users_clean u ON u.user_id = o.user_id",
    "SELECT $0, FROM orders o JOIN users_clean u USING (user_id) WHERE",
])
def test_in_expressions_the_columns_in_scope_aliases_and_functions(project, marked):
    found, _ = complete_at(project, marked)
    assert found.context == "expression"
    columns = set(labels(found, "column"))
    assert {"status", "coupon_code", "email", "signup_date"} <= columns
    assert {"o.user_id", "u.user_id"} <= columns and "user_id" not in columns  # ambiguous: qualified
    assert {"o", "u"} <= set(labels(found, "alias"))
    typed, _ = complete_at(project, marked.replace("$0", "s$0"))
    assert {"stable_hash64", "span_overlaps", "sum", "substr"} <= set(labels(typed, "function"))
    assert {"status", "signup_date"} <= set(labels(typed, "column"))


def test_column_details_give_type_and_source(project):
    found, _ = complete_at(project, "SELECT $0 FROM orders o JOIN users_clean u ON u.user_id = o.user_id")
    assert item(found, "email").detail == "string · u (users_clean)"
    assert item(found, "o.user_id").detail == "int64 · o (orders)"
    assert item(found, "o.user_id").filter == "user_id"
    assert item(found, "u").detail == "view users_clean"


def test_columns_sort_before_aliases_keywords_and_functions(project):
    found, _ = complete_at(project, "SELECT $0 FROM orders")
    assert found.incomplete  # the functions alone are more than a list carries: typing asks again
    kinds = [i.kind for i in sorted(found.items, key=lambda i: i.sort)]
    assert kinds.index("function") > kinds.index("keyword") > kinds.index("alias") > kinds.index("column")
    typed, _ = complete_at(project, "SELECT co$0 FROM orders")
    assert [i.label for i in sorted(typed.items, key=lambda i: i.sort)][:2] == ["coupon_code", "coalesce"]


def test_cte_and_subquery_columns_are_in_scope(project):
    found, _ = complete_at(project, "WITH t AS (SELECT user_id, count(*) AS n FROM orders GROUP BY 1) "
                                    "SELECT $0 FROM t JOIN (SELECT user_id AS uid FROM users) s ON s.uid = t.user_id")
    assert {"user_id", "n", "uid"} <= set(labels(found, "column"))
    assert {"t", "s"} <= set(labels(found, "alias"))


def function(project, name: str):
    """The completion item of function ``name`` with its name typed in a select list."""
    return item(complete_at(project, f"SELECT {name}$0 FROM orders")[0], name)


def test_functions_insert_a_snippet_of_their_required_parameters(project):
    overlaps = function(project, "span_overlaps")
    assert overlaps.insert == "span_overlaps"
    assert overlaps.snippet == "span_overlaps(${1:a_start}, ${2:a_end}, ${3:b_start}, ${4:b_end})"
    assert overlaps.detail == "span_overlaps(a_start, a_end, b_start, b_end) · native UDF"
    assert "half-open spans" in overlaps.documentation
    assert function(project, "stable_hash64").snippet == "stable_hash64(${1:value})"
    assert function(project, "substr").snippet == "substr(${1:str}, ${2:start_pos})"
    assert function(project, "now").snippet == "now()"
    assert function(project, "make_array").snippet == "make_array($1)"


def test_before_an_existing_parenthesis_a_function_inserts_its_name_only(project):
    found, _ = complete_at(project, "SELECT stable_$0(email) FROM users")
    assert item(found, "stable_hash64").snippet is None


@pytest.mark.parametrize("marked, expected, absent", [
    ("SELECT $0 FROM orders", {"FROM", "DISTINCT", "CASE", "AS"}, {"SELECT"}),
    ("SELECT * FROM orders WHERE $0", {"AND", "GROUP BY", "ORDER BY", "LIMIT"}, {"FROM", "WHERE"}),
    ("SELECT * FROM orders ORDER BY status $0", {"ASC", "DESC", "NULLS FIRST", "LIMIT"}, {"WHERE"}),
])
def test_expression_keywords_follow_the_clause(project, marked, expected, absent):
    found = set(labels(complete_at(project, marked)[0], "keyword"))
    assert expected <= found and not absent & found


# --- keywords elsewhere and nothing where nothing fits -----------------------------------

@pytest.mark.parametrize("marked, expected", [
    ("$0", ["SELECT", "VALUES", "WITH"]),
    ("-- @description: x\n$0", ["SELECT", "VALUES", "WITH"]),
    ("sel$0", ["select", "values", "with"]),
    ("WITH t AS ($0", ["SELECT", "VALUES", "WITH"]),
    ("WITH t $0", ["AS"]),
    ("with t as (select 1) $0", ["select", "values"]),
    ("SELECT 1 UNION $0", ["ALL", "DISTINCT", "SELECT", "VALUES"]),
    ("SELECT sum(x) OVER ($0", ["AND", "ASC", "BETWEEN", "CURRENT ROW", "DESC", "FOLLOWING", "ORDER BY",
                                "PARTITION BY", "PRECEDING", "RANGE", "ROWS", "UNBOUNDED PRECEDING"]),
])
def test_keywords_by_position(project, marked, expected):
    found, _ = complete_at(project, marked)
    assert found.context == "keyword"
    assert sorted(labels(found)) == expected


def test_keywords_follow_the_case_of_the_query(project):
    assert "where" in labels(complete_at(project, "select * from orders o $0")[0])
    assert "WHERE" in labels(complete_at(project, "SELECT * FROM orders o $0")[0])
    assert "WHERE" in labels(complete_at(project, "select * from orders o WH$0")[0])


@pytest.mark.parametrize("marked", [
    "SELECT 'abc$0' FROM orders",
    "SELECT 'it''s $0",
    "SELECT 1 -- a comm$0ent",
    "SELECT /* block $0",
    "SELECT 1 AS $0",
    "WITH $0",
    "WITH a AS (SELECT 1), $0",
    "SELECT 12$0",
    "SELECT * FROM orders LIMIT $0",
])
def test_nothing_where_nothing_fits(project, marked):
    found, _ = complete_at(project, marked)
    assert found.items == ()


# --- quoting ------------------------------------------------------------------------------

def test_in_an_open_quote_the_names_are_inserted_quoted(project):
    found, text = complete_at(project, 'SELECT * FROM "users_c$0')
    assert text[found.span.start:found.span.end] == '"users_c'
    users_clean = item(found, "users_clean")
    assert users_clean.insert == users_clean.filter == '"users_clean"'
    assert not labels(found, "keyword")


def test_an_open_quote_with_its_closing_quote_is_replaced_whole(project):
    found, text = complete_at(project, 'SELECT u."em$0" FROM users_clean u')
    assert text[found.span.start:found.span.end] == '"em"'
    assert item(found, "email").insert == '"email"'


@pytest.mark.parametrize("marked", [
    'SELECT x FROM orders o WHERE "st\nat$0',
    'SELECT x FROM orders o WHERE "st\r\nat$0',
    'SELECT x FROM orders o WHERE "st\rat$0',
    'SELECT x FROM orders o WHERE "st\n$0',
])
def test_a_quote_left_open_on_an_earlier_line_does_not_stretch_the_word(project, marked):
    # LSP edit ranges lie on the cursor's line: the word is the plain one typed there.
    found, text = complete_at(project, marked)
    word = text[found.span.start:found.span.end]
    assert found.span.start <= marked.index("$0") == found.span.end
    assert "\n" not in word and "\r" not in word and '"' not in word
    assert "status" in labels(found)


@pytest.mark.parametrize("name, written", [
    ("orders", "orders"), ("name", "name"), ("Orders", '"Orders"'), ("order", '"order"'),
    ("select", '"select"'), ("daily-report", '"daily-report"'), ('say "hi"', '"say ""hi"""'), ("1st", '"1st"'),
])
def test_identifiers_are_quoted_only_when_sql_needs_it(name, written):
    assert identifier(name) == written


# --- many views: filtered by the typed word and cut -------------------------------------

def test_long_lists_are_filtered_by_the_typed_word_and_marked_incomplete(project, monkeypatch):
    monkeypatch.setattr(completion, "MAX_ITEMS", 5)
    found, _ = complete_at(project, "SELECT * FROM cu$0")
    assert found.incomplete
    assert labels(found)[:3] == ["customer_keys", "customer_lifetime_value", "customer_orders"]
    assert len(found.items) <= 5
    assert all(all(ch in label for ch in "cu") for label in labels(found))
    short, _ = complete_at(project, "WITH t AS (SELECT 1 AS a, 2 AS b) SELECT t.$0 FROM t")
    assert not short.incomplete and labels(short) == ["a", "b"]


# --- never raises -------------------------------------------------------------------------

BROKEN = [
    "",
    "SELECT",
    "SELECT o. FROM orders o",
    "SELECT * FROM ",
    "SELECT count( FROM orders o, users u WHERE o.",
    "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT a. FROM a",
    "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT r. FROM r",
    "SELECT 'unterminated FROM orders",
    'SELECT "unterminated FROM orders',
    "SELECT * FROM (SELECT * FROM (SELECT",
    "SELECT ))) FROM (((",
    "SELECT * FROM cycle_a c JOIN broken b ON b.",
    "SELECT $$ dollar",
    "SELECT x FROM t /* open comment",
    "SELECT ünï.çødé FROM \"ünï\" ünï WHERE 😀 = '😀",
    "SELECT * FROM orders o WINDOW w AS (PARTITION BY o.",
    "DROP TABLE orders; SELECT o. FROM orders o",
]


@pytest.mark.parametrize("text", BROKEN)
def test_any_cursor_in_broken_text_never_raises(project, text):
    root, snapshot = project
    for file in ("scratch.sql", "cycle_a.sql", "broken.sql"):
        for offset in range(len(text) + 1):
            found = complete(snapshot, root / "views" / file, offset, text)
            assert found.span.start <= offset <= found.span.end


def test_a_cycle_member_still_completes_its_relations(project):
    found, _ = complete_at(project, "SELECT c.$0 FROM cycle_b c", file="cycle_a.sql")
    assert found.context == "column" and found.items == ()
    relations, _ = complete_at(project, "SELECT * FROM $0", file="cycle_a.sql")
    assert "cycle_b" in labels(relations) and "cycle_a" not in labels(relations)

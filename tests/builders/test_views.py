"""What builder modules define: @view functions, views(), row builders, and invalid results."""

from __future__ import annotations

from pathlib import Path

from sqlglot import exp

from tests.builders.project import Project, line, line_of
from viewls.spec import SpecRow, ViewSpec, view
from viewls.sql.dialect import DIALECT


def test_decorated_views_are_named_after_their_function_and_land_on_the_decorator(project: Project) -> None:
    build, text = project.build_one(
        """\
        from viewls.spec import view

        @view
        def users():
            return "SELECT id FROM raw_users"

        class Helpers:
            @view(name="orders_norm", description="Orders", ordering=["id"], evidence=["orders"])
            def orders():
                return "SELECT id FROM orders"

        orders = Helpers.orders
        """
    )
    assert build.problems == ()
    users, orders = build.views
    assert (users.name, users.sql, users.ast, users.description) == ("users", "SELECT id FROM raw_users", None, None)
    assert text[users.span.start : users.span.end] == "@view"
    assert (orders.name, orders.description, orders.ordering, orders.evidence) == ("orders_norm", "Orders", ("id",), ("orders",))
    assert line(text, orders.span) == line_of(text, "@view(name=")
    assert text[orders.span.start : orders.span.end].startswith("@view(")


def test_views_generator_yields_specs_each_on_its_own_line(project: Project) -> None:
    project.write(
        "specs/shared.py",
        """\
        from viewls.spec import ViewSpec

        def ids(source):
            return ViewSpec(f"{source}_ids", f"SELECT id FROM {source}")
        """,
    )
    build, text = project.build_one(
        """\
        from viewls.spec import ViewSpec
        from specs.shared import ids

        def views():
            yield ViewSpec("a", "SELECT 1 AS x", description="first")
            yield ViewSpec(
                "b", "SELECT 2 AS x", ordering=("x",),
            )
            for source in ("orders", "payments"):
                yield ids(source)
        """
    )
    assert build.problems == ()
    assert [v.name for v in build.views] == ["a", "b", "orders_ids", "payments_ids"]
    assert [line(text, v.span) for v in build.views] == [5, 6, 10, 10]
    assert build.views[1].ordering == ("x",)
    assert build.views[2].sql == "SELECT id FROM orders"


def test_an_expression_result_comes_back_as_an_equal_ast(project: Project) -> None:
    query = "SELECT date_trunc('month', ts) AS m, CAST(x AS DECIMAL(10, 2)) AS d FROM t WHERE a ~~ 'x%'"
    build, _ = project.build_one(
        f"""\
        from sqlglot import exp
        from viewls.spec import view, ViewSpec
        from viewls.sql.dialect import DIALECT

        @view
        def parsed():
            return DIALECT.parse({query!r})[0]

        def views():
            yield ViewSpec("built", exp.select("id").from_("users").where("id > 1"))
        """
    )
    assert build.problems == ()
    parsed, built = build.views
    assert parsed.sql is None and isinstance(parsed.ast, exp.Expression)
    assert parsed.ast == DIALECT.parse(query)[0]
    assert DIALECT.generate(parsed.ast) == DIALECT.generate(DIALECT.parse(query)[0])
    assert DIALECT.generate(built.ast) == "SELECT id FROM users WHERE id > 1"


def test_row_builder_is_called_with_the_row(project: Project) -> None:
    text = project.write(
        "specs/custom.py",
        """\
        from viewls.spec import ViewSpec

        def users_norm(row):
            columns = ", ".join(f"{c} AS {c}" for c in row.params["columns"].split())
            return f"SELECT {columns} FROM {row.source}"

        def described(row):
            return ViewSpec(row.name, f"SELECT * FROM {row.source}", description="from a row")

        def renamed(row):
            return ViewSpec("other", "SELECT 1")
        """,
    )
    path = Path("specs/custom.py")
    row = SpecRow("users_norm", "users", {"columns": "id email"})
    build = project.runner.call_row(path, text, "users_norm", row)
    assert build.problems == ()
    (built,) = build.views
    assert (built.name, built.sql) == ("users_norm", "SELECT id AS id, email AS email FROM users")
    assert line(text, built.span) == line_of(text, "def users_norm")

    (described,) = project.runner.call_row(path, text, "described", SpecRow("d", "users")).views
    assert (described.name, described.description, line(text, described.span)) == ("d", "from a row", 8)

    (problem,) = project.runner.call_row(path, text, "renamed", SpecRow("r", "users")).problems
    assert problem.kind == "invalid" and "'other'" in problem.message and line(text, problem.span) == 11

    (problem,) = project.runner.call_row(path, text, "missing", SpecRow("r", "users")).problems
    assert problem.kind == "invalid" and "'missing' is not defined" in problem.message


def test_an_exception_lands_on_the_raising_line_of_the_module(project: Project) -> None:
    project.write("specs/helper.py", "def fail():\n    raise KeyError('no such column')\n")
    build, text = project.build_one(
        """\
        from viewls.spec import view
        from specs.helper import fail

        def check(x):
            if x:
                raise ValueError("bad input")

        @view
        def a():
            check(1)
            return "SELECT 1"

        @view
        def b():
            fail()

        @view
        def c():
            return "SELECT 3"
        """
    )
    first, second = build.problems
    assert first.kind == "exception" and first.message == "ValueError: bad input (raised in a())"
    assert line(text, first.span) == line_of(text, "raise ValueError")
    assert second.message == "KeyError: 'no such column' (raised in b())"
    assert line(text, second.span) == line_of(text, "    fail()")
    assert [v.name for v in build.views] == ["c"]


def test_a_syntax_error_lands_on_its_line(project: Project) -> None:
    build, text = project.build_one("from viewls.spec import view\n\n@view\ndef a(:\n    return 'SELECT 1'\n")
    (problem,) = build.problems
    assert problem.kind == "exception" and problem.message.startswith("SyntaxError:")
    assert line(text, problem.span) == 4 and build.views == ()


def test_an_error_while_importing_lands_on_the_module_line(project: Project) -> None:
    project.write("specs/broken.py", "x = (\n")
    build, text = project.build_one("import os\nimport specs.broken\n")
    (problem,) = build.problems
    assert problem.message.startswith("SyntaxError: ") and "broken.py, line 1" in problem.message
    assert line(text, problem.span) == 2


def test_invalid_results_are_problems_on_the_view_line(project: Project) -> None:
    build, text = project.build_one(
        """\
        from viewls.spec import view, ViewSpec

        @view
        def number():
            return 42

        @view
        def nothing():
            pass

        @view
        def many():
            yield "SELECT 1"

        @view
        def empty():
            return "   "

        @view(name="9lives")
        def bad_name():
            return "SELECT 1"

        @view(description="both")
        def spec_and_metadata():
            return ViewSpec("x", "SELECT 1")

        @view
        def takes_row(row):
            return "SELECT 1"

        @view
        def ok():
            return "SELECT 1"

        @view(name="ok")
        def again():
            return "SELECT 2"

        def views():
            yield "SELECT 1"
            yield ViewSpec("listed", "SELECT 1", ordering="id")
            yield ViewSpec("described", "SELECT 1", description=3)
        """
    )
    assert [v.name for v in build.views] == ["ok"]
    found = [(problem.kind, line(text, problem.span), problem.message) for problem in build.problems]
    expected = [
        (line_of(text, "def number") - 1, "returned a int"),
        (line_of(text, "def nothing") - 1, "returned None"),
        (line_of(text, "def many") - 1, "not a generator"),
        (line_of(text, "def empty") - 1, "empty query"),
        (line_of(text, "9lives"), "not a SQL identifier"),
        (line_of(text, 'ViewSpec("x"'), "not to @view(...)"),
        (line_of(text, "def takes_row") - 1, "must take no arguments"),
        (line_of(text, '@view(name="ok")'), "already defined at line"),
        (line_of(text, "def views"), "yielded a str"),
        (line_of(text, 'ViewSpec("listed"'), "ordering must be a list"),
        (line_of(text, 'ViewSpec("described"'), "description must be text"),
    ]
    assert len(found) == len(expected)
    for (kind, at, message), (expected_line, fragment) in zip(found, expected, strict=True):
        assert kind == "invalid" and at == expected_line and fragment in message, (at, message)


def test_view_spec_records_its_caller() -> None:
    spec = ViewSpec("v", "SELECT 1", ordering=["a"])
    assert spec.origin[0] == (__file__, test_view_spec_records_its_caller.__code__.co_firstlineno + 1)
    assert spec.ordering == ("a",) and hash(spec) == hash(ViewSpec("v", "SELECT 1", ordering=("a",)))

    @view
    def plain() -> str:
        return "SELECT 1"

    assert plain() == "SELECT 1" and plain.__viewls_view__.origin[0][0] == __file__


def test_a_module_named_like_an_installed_one_is_refused(project: Project) -> None:
    (problem,) = project.runner.build({Path("json.py"): "X = 1\n"})[Path("json.py")].problems
    assert problem.kind == "exception" and "taken by an installed module" in problem.message


def test_views_imported_from_another_module_belong_to_that_module(project: Project) -> None:
    project.write("specs/__init__.py", "")
    base = "from viewls.spec import view\n\n@view\ndef base():\n    return 'SELECT 1'\n\ndef views():\n    return []\n"
    user = "from specs.base import base, views\nfrom viewls.spec import view\n\n@view\ndef own():\n    return 'SELECT 2'\n"
    builds = project.build(base=base, user=user)
    assert [v.name for v in builds["base"].views] == ["base"]
    assert [v.name for v in builds["user"].views] == ["own"]

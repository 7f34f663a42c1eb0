"""A builder may return an Ibis table expression: it comes back as a sqlglot AST (the
`ibis` extra; installed with the test extra)."""

from __future__ import annotations

from sqlglot import exp

from tests.builders.project import Project


def test_an_ibis_expression_comes_back_as_a_sqlglot_ast(project: Project) -> None:
    build, text = project.build_one(
        """\
        import ibis
        from viewls.spec import view

        @view(ordering=["order_id"])
        def paid_orders():
            orders = ibis.table({"order_id": "int64", "status": "string"}, name="orders")
            return orders.filter(orders.status == "paid").select(orders.order_id, status=orders.status.upper())
        """
    )
    (built,) = build.views
    assert build.problems == () and built.name == "paid_orders" and built.sql is None
    assert isinstance(built.ast, exp.Select)
    assert {t.name for t in built.ast.find_all(exp.Table)} == {"orders"}
    assert [e.alias_or_name for e in built.ast.expressions] == ["order_id", "status"]
    assert text[built.span.start:built.span.end].startswith("@view")

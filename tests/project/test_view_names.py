"""One rule for view names, which check, rename and materialize apply alike."""

from __future__ import annotations

import pytest

from viewls.project.names import name_problem

GOOD = ["orders", "orders_2024", "orders-2024", "Orders", "ventes_été", "with space", "a.b", "视图"]
BAD = {
    "": "a view's name cannot be empty",
    ".hidden": "view name '.hidden' starts with '.'",
    "..": "view name '..' starts with '.'",
    "a\\..\\..\\zz": "view name 'a\\..\\..\\zz' holds '\\'",
    "C:\\x": "view name 'C:\\x' holds ':'",
    "a/b": "view name 'a/b' holds '/'",
    "a\nb": "view name 'a\\nb' holds the control character U+000A",
    "a\0b": "view name 'a\\x00b' holds the control character U+0000",
}


@pytest.mark.parametrize("name", GOOD)
def test_names_that_can_be_file_names_are_accepted(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(("name", "start"), BAD.items())
def test_names_no_build_could_write_are_refused_with_the_rule(name, start):
    problem = name_problem(name)
    assert problem is not None and problem.startswith(start)
    assert name == "" or problem.endswith("may hold any character but '/', '\\', ':' and control characters, "
                                          "and may not start with '.'")

from __future__ import annotations

import pytest

from viewls.graph import DependencyGraph


def graph(edges, extra=()):
    nodes = {n for e in edges for n in e} | set(extra)
    return DependencyGraph(nodes, edges)


def test_order_is_lexicographic_among_ready_nodes():
    g = graph([("orders", "b_view"), ("orders", "a_view"), ("a_view", "c_view"), ("users", "c_view")])
    assert g.order() == ["orders", "a_view", "b_view", "users", "c_view"]


def test_order_is_deterministic_whatever_the_input_order():
    edges = [("e", "v1"), ("e", "v2"), ("v1", "v3"), ("v2", "v3"), ("v3", "v4")]
    orders = {tuple(DependencyGraph(reversed(sorted({n for e in es for n in e})), es).order())
              for es in (edges, list(reversed(edges)))}
    assert len(orders) == 1


def test_cycles_are_found_and_left_out_of_the_order():
    g = graph([("e", "a"), ("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("s", "s")])
    assert g.cyclic == {"a", "b", "c", "s"}
    assert g.cycle_through("b") == ["b", "c", "a", "b"]
    assert g.cycle_through("s") == ["s", "s"]
    assert g.order() == ["d", "e"]


def test_ancestors_and_descendants():
    g = graph([("e", "a"), ("a", "b"), ("b", "c"), ("x", "c")], extra=["lonely"])
    assert g.ancestors("c") == {"e", "a", "b", "x"}
    assert g.descendants("a") == {"b", "c"}
    assert g.upstream("c") == ["b", "x"] and g.downstream("e") == ["a"]
    assert g.ancestors("lonely") == set() == g.descendants("lonely")


@pytest.mark.parametrize("size", [5000])
def test_large_chains_are_fine(size):
    edges = [(f"v{i:05}", f"v{i + 1:05}") for i in range(size)]
    g = graph(edges)
    assert g.order()[0] == "v00000" and len(g.order()) == size + 1
    assert len(g.descendants("v00000")) == size

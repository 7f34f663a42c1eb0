"""The dependency graph of extracts and views, built with rustworkx.

Edges run from an input to the view that reads it. Build order is a deterministic
lexicographical topological sort; views on a cycle cannot be ordered and are
reported instead, while everything else still gets an order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import rustworkx as rx


class DependencyGraph:
    def __init__(self, nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> None:
        self._graph = rx.PyDiGraph(multigraph=False)
        self._index: dict[str, int] = {}
        for name in sorted(set(nodes)):
            self._index[name] = self._graph.add_node(name)
        index = self._index
        self._graph.add_edges_from_no_data(
            [(index[a], index[b]) for a, b in edges if a in index and b in index])
        self._cyclic = self._find_cyclic()
        self._order: list[str] | None = None

    def __contains__(self, name: str) -> bool:
        return name in self._index

    @property
    def nodes(self) -> list[str]:
        return list(self._index)

    def _find_cyclic(self) -> frozenset[str]:
        graph = self._graph
        cyclic: set[str] = set()
        for component in rx.strongly_connected_components(graph):
            if len(component) > 1 or graph.has_edge(component[0], component[0]):
                cyclic.update(graph[i] for i in component)
        return frozenset(cyclic)

    @property
    def cyclic(self) -> frozenset[str]:
        """Every node that lies on a dependency cycle."""
        return self._cyclic

    def cycle_through(self, name: str) -> list[str]:
        """The shortest cycle from ``name`` back to itself, as a list of names (first == last)."""
        graph, start = self._graph, self._index[name]
        parents: dict[int, int] = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for succ in sorted(graph.successor_indices(node), key=graph.__getitem__):
                if succ == start:
                    path = [start, node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [graph[i] for i in reversed(path)]
                if succ not in parents:
                    parents[succ] = node
                    queue.append(succ)
        return []

    def order(self) -> list[str]:
        """Lexicographical topological order of every node not on a cycle."""
        if self._order is None:
            acyclic = self._graph.copy()
            for name in self._cyclic:
                acyclic.remove_node(self._index[name])
            self._order = list(rx.lexicographical_topological_sort(acyclic, key=str))
        return self._order

    def upstream(self, name: str) -> list[str]:
        graph = self._graph
        return sorted(graph[i] for i in graph.predecessor_indices(self._index[name]))

    def downstream(self, name: str) -> list[str]:
        graph = self._graph
        return sorted(graph[i] for i in graph.successor_indices(self._index[name]))

    def ancestors(self, name: str) -> set[str]:
        graph = self._graph
        return {graph[i] for i in rx.ancestors(graph, self._index[name])}

    def descendants(self, name: str) -> set[str]:
        graph = self._graph
        return {graph[i] for i in rx.descendants(graph, self._index[name])}

    def edges(self) -> list[tuple[str, str]]:
        graph = self._graph
        return sorted((graph[a], graph[b]) for a, b in graph.edge_list())

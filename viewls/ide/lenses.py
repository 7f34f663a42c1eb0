"""Code lenses as plain data: actions shown above a view's query.

Each lens kind is one function in ``_LENSES`` taking (snapshot, view name, span): the
graph lens counts the view's whole neighbourhood (every ancestor and descendant, views
and extracts alike) and opens it; the run lenses materialize the view or preview its
first rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from viewls.analysis.snapshot import Snapshot
from viewls.graph import DependencyGraph
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class Lens:
    span: Span
    title: str
    action: str  # what clicking runs: "show-graph", "materialize" or "preview"
    view: str


def lenses(snapshot: Snapshot, path: Path) -> list[Lens]:
    """The lenses of each view defined in ``path``, where the view is named or starts; none
    for a definition that does not own its name (a duplicate is not a node of the graph)."""
    source = snapshot.sources.get(path)
    found = []
    for view in source.views if source is not None else ():
        if snapshot.views.get(view.name) is view:
            span = view.definition.anchor
            found.extend(lens for make in _LENSES if (lens := make(snapshot, view.name, span)) is not None)
    return found


def _graph_lens(snapshot: Snapshot, name: str, span: Span) -> Lens | None:
    counts = _counts(snapshot.graph, name)
    if counts is None:
        return None
    upstream, downstream = counts
    return Lens(span, f"{upstream} upstream · {downstream} downstream", "show-graph", name)


def _materialize_lens(snapshot: Snapshot, name: str, span: Span) -> Lens:
    return Lens(span, "▶ Materialize", "materialize", name)


def _preview_lens(snapshot: Snapshot, name: str, span: Span) -> Lens:
    return Lens(span, "Preview", "preview", name)


_LENSES = (_graph_lens, _materialize_lens, _preview_lens)


def lenses_changed(old: Snapshot | None, new: Snapshot) -> bool:
    """Whether some view's lens may read differently in ``new`` than in ``old``.

    Counts are sizes of reachable sets, so they change only with reachability: when an
    edge appears between names not yet connected, or vanishes leaving its ends
    unconnected. That costs one graph search per changed edge, not one per view.
    """
    if old is None:
        return bool(new.views)
    if old.graph is new.graph:
        return False
    if {n: v.path for n, v in old.views.items()} != {n: v.path for n, v in new.views.items()}:
        return True
    old_edges, new_edges = set(old.graph.edges()), set(new.graph.edges())
    return any(not _reaches(old.graph, a, b) for a, b in new_edges - old_edges) \
        or any(not _reaches(new.graph, a, b) for a, b in old_edges - new_edges)


def _counts(graph: DependencyGraph, name: str) -> tuple[int, int] | None:
    if name not in graph:
        return None
    return len(graph.ancestors(name)), len(graph.descendants(name))


def _reaches(graph: DependencyGraph, source: str, target: str) -> bool:
    return source in graph and target in graph and source in graph.ancestors(target)

"""Which views a run builds, in the selector syntax dbt users know.

``name`` selects a view, ``name+`` adds its descendants, ``+name`` its ancestors (views
only: extracts are inputs, never built), ``+name+`` both.
"""

from __future__ import annotations

from collections.abc import Iterable

from viewls.analysis.snapshot import Snapshot
from viewls.suggest import did_you_mean


class SelectionError(Exception):
    pass


def select(snapshot: Snapshot, selectors: Iterable[str]) -> set[str]:
    chosen: set[str] = set()
    for selector in selectors:
        ancestors, descendants = selector.startswith("+"), selector.endswith("+")
        name = selector.strip("+")
        if name not in snapshot.views:
            hint = did_you_mean(name, list(snapshot.views))[0]
            what = "an extract, and extracts are not built" if name in snapshot.extracts else "no view of this project"
            raise SelectionError(f"'{name}' is {what}{hint}")
        chosen.add(name)
        if ancestors:
            chosen |= snapshot.graph.ancestors(name)
        if descendants:
            chosen |= snapshot.graph.descendants(name)
    return {name for name in chosen if name in snapshot.views}

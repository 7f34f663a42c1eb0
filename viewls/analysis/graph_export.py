"""The dependency graph as DOT, Mermaid or JSON, for the CLI and the editor."""

from __future__ import annotations

import json
from collections.abc import Iterable

from viewls.analysis.model import State
from viewls.analysis.snapshot import Snapshot


def neighbourhood(snapshot: Snapshot, names: Iterable[str]) -> set[str]:
    """The given nodes with all their ancestors and descendants."""
    graph = snapshot.graph
    selected: set[str] = set()
    for name in names:
        if name in graph:
            selected |= {name} | graph.ancestors(name) | graph.descendants(name)
    return selected


def _nodes(snapshot: Snapshot, selected: set[str] | None) -> list[tuple[str, str]]:
    """(name, kind) pairs; kind is extract, view, or broken."""
    found = []
    for name in snapshot.graph.nodes:
        if selected is not None and name not in selected:
            continue
        if name in snapshot.extracts:
            found.append((name, "extract"))
        else:
            view = snapshot.views[name]
            found.append((name, "view" if view.output.state is State.OK else "broken"))
    return found


def _defined_in(snapshot: Snapshot, name: str) -> str:
    path = snapshot.views[name].definition.path if name in snapshot.views else snapshot.config.config_path
    return path.relative_to(snapshot.root).as_posix()


def _edges(snapshot: Snapshot, selected: set[str] | None) -> list[tuple[str, str]]:
    return [(a, b) for a, b in snapshot.graph.edges()
            if selected is None or (a in selected and b in selected)]


def to_dot(snapshot: Snapshot, selected: set[str] | None = None) -> str:
    shapes = {"extract": "cylinder", "view": "box", "broken": "box"}
    lines = ["digraph viewls {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for name, kind in _nodes(snapshot, selected):
        style = ', color="red"' if kind == "broken" else ""
        lines.append(f"  {json.dumps(name)} [shape={shapes[kind]}{style}];")
    lines += [f"  {json.dumps(a)} -> {json.dumps(b)};" for a, b in _edges(snapshot, selected)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(snapshot: Snapshot, selected: set[str] | None = None) -> str:
    ids = {}
    lines = ["flowchart LR"]
    for index, (name, kind) in enumerate(_nodes(snapshot, selected)):
        ids[name] = f"n{index}"
        label = name.replace('"', "#quot;")
        shape = f'[("{label}")]' if kind == "extract" else f'["{label}"]'
        lines.append(f"  {ids[name]}{shape}")
        if kind == "broken":
            lines.append(f"  style {ids[name]} stroke:#d00,stroke-width:2px")
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in _edges(snapshot, selected)]
    return "\n".join(lines) + "\n"


def to_json(snapshot: Snapshot, selected: set[str] | None = None) -> dict:
    """Nodes carry the file that defines them (a view's file, an extract's viewls.toml),
    relative to ``root``, so an editor can open it."""
    return {
        "root": str(snapshot.root),
        "nodes": [{"name": name, "kind": "extract" if kind == "extract" else "view",
                   "ok": kind != "broken", "path": _defined_in(snapshot, name)}
                  for name, kind in _nodes(snapshot, selected)],
        "edges": [{"from": a, "to": b} for a, b in _edges(snapshot, selected)],
        "order": [n for n in snapshot.build_order() if selected is None or n in selected],
        "cycles": sorted(snapshot.graph.cyclic),
    }

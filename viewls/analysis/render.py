"""The SQL a view runs, shown for debugging: what a spec row or a builder generated.

Display only: the text is pretty-printed from the view's AST, while runs and fingerprints
use the view's canonical SQL (or its text as written), exactly as analysis proved it.
"""

from __future__ import annotations

from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.sql.dialect import DIALECT
from viewls.text import LineIndex


def render(snapshot: Snapshot, view: ViewAnalysis) -> str:
    """The view's query with a header saying where it is defined and what runs."""
    definition = view.definition
    line = LineIndex(definition.text).position(definition.anchor.start)[0] + 1
    where = f"{definition.path.relative_to(snapshot.root).as_posix()}:{line}"
    origin = f"{definition.origin.described} in {where}" if definition.generated else where
    header = [f"-- {view.name}: {origin}"]
    tree = definition.syntax_tree()
    if tree is None:
        return "\n".join([*header, "-- no query: the definition has errors (viewls check)", ""])
    if view.sql is not None and definition.canonical is not None and view.sql != definition.canonical.sql:
        header.append("-- runs as written (sqlglot reads it differently from DataFusion)")
    return "\n".join([*header, DIALECT.generate(tree, pretty=True, comments=False), ""])

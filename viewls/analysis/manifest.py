"""The project manifest: everything derived about a project in one JSON-ready document.

Catalogs and documentation tools want one file to read instead of asking per view
(dbt's ``manifest.json`` plays this part there). Everything in it comes from the
snapshot, so it says exactly what ``check`` and the editor say. Mappings are sorted by
name and lists are deterministic, so two runs on the same inputs print the same bytes
(hence no generation timestamp).

Bump ``MANIFEST_VERSION`` whenever a field is removed or changes meaning; adding a
field does not need a bump.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pyarrow as pa
import sqlglot

from viewls import __version__
from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.diagnostics import Diagnostic, Severity
from viewls.project.extracts import ExtractInfo
from viewls.project.types import format_arrow_type
from viewls.text import LineIndex

MANIFEST_VERSION = 1


def manifest(snapshot: Snapshot) -> dict:
    """The manifest of ``snapshot``; see README.md ("Manifest") for the fields."""
    graph = snapshot.graph
    lines = {path: LineIndex(source.text) for path, source in snapshot.sources.items()}
    return {
        "metadata": _metadata(snapshot),
        "views": {name: _view(snapshot, view, lines) for name, view in sorted(snapshot.views.items())},
        "duplicates": [_duplicate(snapshot, view) for view in snapshot.definitions()
                       if snapshot.views.get(view.name) is not view],
        "extracts": {name: _extract(snapshot, info) for name, info in sorted(snapshot.extracts.items())},
        "parent_map": {name: graph.upstream(name) for name in graph.nodes},
        "child_map": {name: graph.downstream(name) for name in graph.nodes},
        "build_order": snapshot.build_order(),
        "cycles": sorted(graph.cyclic),
    }


def columns(schema: pa.Schema | None) -> list[dict] | None:
    """A schema as ``viewls schema`` prints it; None when it is unknown."""
    if schema is None:
        return None
    return [{"name": f.name, "type": format_arrow_type(f.type), "nullable": f.nullable} for f in schema]


def _metadata(snapshot: Snapshot) -> dict:
    # The native crate is compiled into viewls, so viewls_version identifies it too.
    return {
        "manifest_version": MANIFEST_VERSION,
        "viewls_version": __version__,
        "datafusion_version": metadata.version("datafusion"),
        "sqlglot_version": sqlglot.__version__,
        "project": snapshot.root.name,
    }


def _view(snapshot: Snapshot, view: ViewAnalysis, lines: dict[Path, LineIndex]) -> dict:
    parsed = view.definition
    contract = parsed.metadata
    return {
        "name": view.name,
        "path": _shown(snapshot.root, view.path),
        # What generated the view (a spec row, a template instance), null for a SQL file.
        "generated_by": parsed.origin.described or None,
        "line": lines[view.path].position(parsed.anchor.start)[0] + 1,
        "state": view.output.state.value,
        "columns": columns(view.schema),
        "depends_on": {
            "views": [name for name in view.dependencies if name in snapshot.views],
            "extracts": [name for name in view.dependencies if name in snapshot.extracts],
            "unresolved": [name for name in view.dependencies
                           if name not in snapshot.views and name not in snapshot.extracts],
        },
        "required_udfs": list(view.required_udfs),
        "description": contract.description,
        "ordering": [{"name": key.name, "direction": "desc" if key.descending else "asc"}
                     for key in contract.ordering],
        "evidence": list(contract.evidence),
        "fingerprint": view.fingerprint,
        "canonical_sql": parsed.canonical.sql if parsed.canonical is not None else None,
        # What a run executes: the canonical SQL, or the text when the guard runs it as written.
        "sql": view.sql,
        "runs_as_written": view.sql is not None and (parsed.canonical is None or view.sql != parsed.canonical.sql),
        **_counts(view.diagnostics),
    }


def _duplicate(snapshot: Snapshot, view: ViewAnalysis) -> dict:
    """A view file that does not own its name: it never builds, so only where it is and
    what has the name instead."""
    owner = snapshot.views.get(view.name)
    return {
        "name": view.name,
        "path": _shown(snapshot.root, view.path),
        "state": "error",
        "defined_by": _shown(snapshot.root, owner.path) if owner is not None else "extract",
        **_counts(view.diagnostics),
    }


def _extract(snapshot: Snapshot, info: ExtractInfo) -> dict:
    config = snapshot.config.extract(info.name)
    declared = config.columns
    return {
        "name": info.name,
        "path": config.path,
        "format": info.format,
        "files": [_shown(snapshot.root, file) for file in info.files],
        "state": "ok" if info.schema is not None else "error",
        "columns": columns(info.schema),
        "declared_columns": [{"name": n, "type": t} for n, t in declared] if declared is not None else None,
        **_counts(info.diagnostics),
    }


def _counts(diagnostics: tuple[Diagnostic, ...]) -> dict:
    return {"errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics)}


def _shown(root: Path, path: Path) -> str:
    """Project-relative POSIX paths, so manifests compare across machines; absolute
    outside the project."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

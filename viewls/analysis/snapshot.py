"""An immutable analysis snapshot: the one thing the CLI and the language server read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from viewls.analysis.model import SourceAnalysis, ViewAnalysis
from viewls.diagnostics import Diagnostic
from viewls.engine.functions import FunctionRegistry
from viewls.graph import DependencyGraph
from viewls.project.config import ProjectConfig
from viewls.project.extracts import ExtractInfo


@dataclass(frozen=True)
class Snapshot:
    root: Path
    config: ProjectConfig
    extracts: Mapping[str, ExtractInfo]
    # Every source file (SQL files, spec files) and the views it defines, duplicates included.
    sources: Mapping[Path, SourceAnalysis]
    # The view that owns each view name.
    views: Mapping[str, ViewAnalysis]
    graph: DependencyGraph
    registry: FunctionRegistry

    def view(self, name: str) -> ViewAnalysis | None:
        return self.views.get(name)

    def definitions(self) -> Iterator[ViewAnalysis]:
        """Every view definition of every source, duplicates included, in source order."""
        for source in self.sources.values():
            yield from source.views

    def document_view(self, path: Path) -> ViewAnalysis | None:
        """The view whose query is the whole text of ``path`` (a SQL file)."""
        source = self.sources.get(path)
        return source.document_view if source is not None else None

    def view_at(self, path: Path, offset: int) -> ViewAnalysis | None:
        """The view defined at ``offset`` in the source file ``path``."""
        source = self.sources.get(path)
        return source.view_at(offset) if source is not None else None

    def schema_of(self, name: str) -> pa.Schema | None:
        """The schema of the view or extract ``name`` (None: unknown name or broken input)."""
        view = self.views.get(name)
        if view is not None:
            return view.schema
        extract = self.extracts.get(name)
        return extract.schema if extract is not None else None

    def build_order(self) -> list[str]:
        """Views in deterministic lexicographical topological order (extracts left out)."""
        return [name for name in self.graph.order() if name in self.views]

    def touched_since(self, previous: Snapshot | None) -> set[Path] | None:
        """The files whose diagnostics may differ from ``previous``'s; None when any may.

        A source the host did not re-read or re-analyse keeps its analysis object, so
        identity finds the few files an edit touched without comparing every diagnostic.
        """
        if previous is None or previous.config is not self.config or previous.extracts.keys() != self.extracts.keys() \
                or any(previous.extracts[name] is not info for name, info in self.extracts.items()):
            return None
        touched = {path for path, source in self.sources.items() if previous.sources.get(path) is not source}
        return touched | (previous.sources.keys() - self.sources.keys())

    def diagnostics(self, paths: set[Path] | None = None) -> dict[Path, list[Diagnostic]]:
        """Every diagnostic of the project (or of the source files ``paths``) grouped by file,
        files and diagnostics in order."""
        grouped: dict[Path, list[Diagnostic]] = defaultdict(list)
        if paths is None:
            grouped[self.config.config_path].extend(self.config.diagnostics)
            for info in self.extracts.values():
                for diagnostic in info.diagnostics:
                    grouped[diagnostic.path].append(diagnostic)
        for path in self.sources if paths is None else paths & self.sources.keys():
            grouped[path].extend(self.sources[path].reported())
        return {path: sorted(found, key=lambda d: (d.span, d.code))
                for path, found in sorted(grouped.items()) if found}

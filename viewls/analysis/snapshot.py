"""An immutable analysis snapshot: the one thing the CLI and the language server read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from viewls.analysis.model import ViewAnalysis
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
    # Every view file, including duplicates that do not own their name.
    files: Mapping[Path, ViewAnalysis]
    # The view that owns each view name.
    views: Mapping[str, ViewAnalysis]
    graph: DependencyGraph
    registry: FunctionRegistry

    def view(self, name: str) -> ViewAnalysis | None:
        return self.views.get(name)

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

    def diagnostics(self) -> dict[Path, list[Diagnostic]]:
        """Every diagnostic of the project grouped by file, files and diagnostics in order."""
        grouped: dict[Path, list[Diagnostic]] = defaultdict(list)
        grouped[self.config.config_path].extend(self.config.diagnostics)
        for info in self.extracts.values():
            for diagnostic in info.diagnostics:
                grouped[diagnostic.path].append(diagnostic)
        for path, analysis in self.files.items():
            grouped[path].extend(analysis.diagnostics)
        return {path: sorted(found, key=lambda d: (d.span, d.code))
                for path, found in sorted(grouped.items()) if found}

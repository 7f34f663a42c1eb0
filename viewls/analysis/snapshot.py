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

    def touched_since(self, previous: Snapshot | None) -> set[Path] | None:
        """The files whose diagnostics may differ from ``previous``'s; None when any may.

        A view the host did not re-analyse keeps its analysis object, so identity finds the
        few files an edit touched without comparing every diagnostic of the project.
        """
        if previous is None or previous.config is not self.config or previous.extracts.keys() != self.extracts.keys() \
                or any(previous.extracts[name] is not info for name, info in self.extracts.items()):
            return None
        touched = {path for path, analysis in self.files.items() if previous.files.get(path) is not analysis}
        return touched | (previous.files.keys() - self.files.keys())

    def diagnostics(self, paths: set[Path] | None = None) -> dict[Path, list[Diagnostic]]:
        """Every diagnostic of the project (or of the view files ``paths``) grouped by file,
        files and diagnostics in order."""
        grouped: dict[Path, list[Diagnostic]] = defaultdict(list)
        if paths is None:
            grouped[self.config.config_path].extend(self.config.diagnostics)
            for info in self.extracts.values():
                for diagnostic in info.diagnostics:
                    grouped[diagnostic.path].append(diagnostic)
        for path in self.files if paths is None else paths & self.files.keys():
            grouped[path].extend(self.files[path].diagnostics)
        return {path: sorted(found, key=lambda d: (d.span, d.code))
                for path, found in sorted(grouped.items()) if found}

"""The one rule that stops a run before anything runs.

``viewls materialize``, ``viewls preview`` and the editor's ``viewls.materialize`` and
``viewls.preview`` all plan through ``plan_run``, which asks this module: a run is refused
when ``viewls.toml`` has an error, or a selected view or any view or extract upstream of
one has an error diagnostic, exactly as ``viewls check`` reports it. The refusal carries
those diagnostics, so every caller shows the reason at its place, never a stand-in such
as a dependent's hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from viewls.analysis.host import read_text
from viewls.analysis.model import SourceAnalysis, ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.diagnostics import Diagnostic, Severity
from viewls.text import LineIndex


@dataclass(frozen=True)
class Refusal:
    """Why a run may not start; empty (false) when it may."""

    # The errors, grouped by file in path order, as `check` reports them.
    diagnostics: dict[Path, list[Diagnostic]]
    views: tuple[str, ...]  # the views to run, or upstream of them, that have errors
    extracts: tuple[str, ...]  # the extracts upstream of them that have errors
    config: bool  # viewls.toml has errors
    checked: tuple[int, int]  # how many views and extracts the rule looked at

    def __bool__(self) -> bool:
        return bool(self.views or self.extracts or self.config)

    @property
    def reason(self) -> str:
        """What has errors, in one line (editors look for "have errors" to offer their
        problems view)."""
        parts = ["viewls.toml"] if self.config else []
        for kind, names in (("view", self.views), ("extract", self.extracts)):
            if names:
                parts.append(f"{kind}{'s' * (len(names) > 1)} {', '.join(names)}")
        return "nothing was run: these have errors: " + "; ".join(parts)

    def texts(self, snapshot: Snapshot) -> dict[Path, str]:
        """The text of every file a diagnostic points into, to locate it as `check` does."""
        return {path: snapshot.sources[path].text if path in snapshot.sources else read_text(path)
                for path in self.diagnostics}

    def lines(self, snapshot: Snapshot) -> list[str]:
        """``path:line:column: message`` for each error, paths relative to the project."""
        found = []
        for path, text in self.texts(snapshot).items():
            index = LineIndex(text)
            shown = path.relative_to(snapshot.root).as_posix() if path.is_relative_to(snapshot.root) else str(path)
            for diagnostic in self.diagnostics[path]:
                line, column = index.position(diagnostic.span.start)
                found.append(f"{shown}:{line + 1}:{column + 1}: {diagnostic.message}")
        return found


def refusal(snapshot: Snapshot, selected: Iterable[str]) -> Refusal:
    """Whether the views ``selected`` may run: refused when the configuration, one of them,
    or a view or extract upstream of one has an error."""
    involved = set(selected)
    for name in list(involved):
        involved |= snapshot.graph.ancestors(name) if name in snapshot.graph else set()
    grouped: dict[Path, list[Diagnostic]] = {}
    config = _errors(snapshot.config.diagnostics)
    if config:
        grouped.setdefault(snapshot.config.config_path, []).extend(config)
    extracts = []
    for name in sorted(involved & snapshot.extracts.keys()):
        found = _errors(snapshot.extracts[name].diagnostics)
        if found:
            extracts.append(name)
            for diagnostic in found:
                grouped.setdefault(diagnostic.path, []).append(diagnostic)
    views = sorted(name for name in involved if name in snapshot.views and _view_errors(snapshot, name))
    for path in sorted({snapshot.views[name].path for name in views}):
        grouped.setdefault(path, []).extend(_reported(snapshot.sources[path], [snapshot.views[n] for n in views]))
    return Refusal({path: sorted(found, key=lambda d: (d.span, d.code)) for path, found in sorted(grouped.items())},
                   tuple(views), tuple(extracts), bool(config),
                   (len(involved & snapshot.views.keys()), len(involved & snapshot.extracts.keys())))


def _errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def _own(source: SourceAnalysis, view: ViewAnalysis) -> list[Diagnostic]:
    """The view's errors and its source file's errors within the text that defines it (all
    of them for a file defining one view)."""
    extent = view.definition.extent
    around = [d for d in source.diagnostics
              if len(source.views) == 1 or extent.start <= d.span.start and d.span.end <= extent.end]
    return _errors([*view.diagnostics, *around])


def _view_errors(snapshot: Snapshot, name: str) -> list[Diagnostic]:
    view = snapshot.views[name]
    return _own(snapshot.sources[view.path], view)


def _reported(source: SourceAnalysis, views: list[ViewAnalysis]) -> list[Diagnostic]:
    """The source's diagnostics as `check` reports them (a generated view's named, alike
    template instances merged) that stand for an error of one of ``views``."""
    keys = {(d.span, d.code) for view in views if view.path == source.path for d in _own(source, view)}
    return [d for d in _errors(source.reported()) if (d.span, d.code) in keys]

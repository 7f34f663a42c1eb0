"""Projects of the workspace: each viewls.toml root with its analysis host.

Unsaved buffers win: an open document's text replaces the file on disk for analysis
until the document is closed.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from viewls.analysis.host import AnalysisHost, resolve_extracts
from viewls.analysis.snapshot import Snapshot
from viewls.builders.runner import BuilderRunner
from viewls.diagnostics import Diagnostic
from viewls.lsp.convert import UTF16, Document
from viewls.project.config import CONFIG_FILE, DEFAULT_SPECS, DEFAULT_VIEWS, load_config
from viewls.project.discover import is_source_file, matches_globs
from viewls.project.files import Boundary, read_file
from viewls.source_text import SourceText

# Directories never searched for projects: dependencies, build output, VCS data.
_SKIPPED = {"node_modules", "target", "__pycache__", "site-packages"}


def find_roots(folder: Path) -> list[Path]:
    """Every directory at or below ``folder`` holding a viewls.toml."""
    roots = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d not in _SKIPPED)
        if CONFIG_FILE in files:
            roots.append(Path(directory).resolve())
    return roots


class Project:
    """One viewls.toml root. Only the analysis worker calls ``load`` and ``apply``."""

    def __init__(self, root: Path, encoding: str = UTF16) -> None:
        self.root = root
        self.encoding = encoding  # the client's position encoding, for documents
        self.host: AnalysisHost | None = None
        # Runs builder modules; kept across reloads so that its cache of their results is.
        self.runner = BuilderRunner(root)
        # The latest analysed snapshot: what read-only requests (hover, ...) answer from.
        self.snapshot: Snapshot | None = None
        # Open documents: path -> (version, text).
        self.open: dict[Path, tuple[int | None, str]] = {}
        # The diagnostics last delivered per file, with a result id that changes with them
        # (pull clients send it back and get "unchanged" while it still holds).
        self.published: dict[Path, tuple[Diagnostic, ...]] = {}
        self.result_ids: dict[Path, str] = {}
        self._generation = 0
        self.announced: set[Path] = set()  # open documents published at least once

    def owns(self, path: Path) -> bool:
        """Whether ``path`` is a view of this project. Runs on the event loop, so it reads
        the published snapshot, never the host the worker may be updating."""
        if not path.is_relative_to(self.root):
            return False
        snapshot = self.snapshot
        if snapshot is None:
            return matches_globs(self.root, path, (*DEFAULT_VIEWS, *DEFAULT_SPECS))
        return path in snapshot.sources or is_source_file(self.root, path, snapshot.config)

    def record(self, snapshot: Snapshot) -> set[Path]:
        """Make ``snapshot`` the published one; the files whose diagnostics changed."""
        touched = snapshot.touched_since(self.snapshot)
        self.snapshot = snapshot
        diagnostics = snapshot.diagnostics(touched)
        self._generation += 1
        changed = set()
        for path in set(diagnostics) | (set(self.published) if touched is None else touched):
            found = tuple(diagnostics.get(path, ()))
            if self.published.get(path, ()) == found:
                continue
            changed.add(path)
            self.result_ids[path] = f"{self._generation}"
            if found:
                self.published[path] = found
            else:
                del self.published[path]
        return changed

    def result_id(self, path: Path) -> str:
        return self.result_ids.get(path, "0")

    def document(self, path: Path) -> Document | None:
        """A file's text as analysed: the view in the snapshot, else the open buffer, else disk."""
        source = self.snapshot.sources.get(path) if self.snapshot is not None else None
        if source is not None:
            return Document(source.text, self.encoding)
        if path in self.open:
            return Document(self.open[path][1], self.encoding)
        text = self.disk_text(path)
        return Document(text, self.encoding) if text is not None else None

    def load(self) -> Snapshot:
        gc.unfreeze()
        self.host = AnalysisHost.load(self.root, staged=True, runner=self.runner)
        snapshot = self.host.snapshot()
        if self.open:
            snapshot = self.host.apply_changes({path: text for path, (_, text) in self.open.items()})
        # A loaded project is millions of objects that live as long as the server: out of
        # the collector's sight, a full collection during an edit stops scanning all of them
        # (100-300 ms at 5000 views), and only what edits allocate is ever collected.
        gc.collect()
        gc.freeze()
        return snapshot

    def apply(self, changes: dict[Path, str | None]) -> Snapshot:
        assert self.host is not None
        return self.host.apply_changes(changes)

    def complete(self) -> Snapshot:
        """The planning stages after the logical plan, for what the last edits touched."""
        assert self.host is not None
        return self.host.complete()

    def refresh_builders(self) -> Snapshot:
        assert self.host is not None
        return self.host.refresh_builders()

    def reload_extracts(self) -> Snapshot:
        """Data files changed: re-read the extracts' schemas under the same config."""
        assert self.host is not None
        config_text = read_file(self.root / CONFIG_FILE)
        return self.host.set_config(config_text, resolve_extracts(load_config(self.root, config_text)))

    def disk_source(self, path: Path) -> SourceText | None:
        """A closed document's file as analysis reads it (``read_file``: a pipe, a device or
        a file outside the project is refused, never read), or None when the file is gone."""
        if not os.path.lexists(path):
            return None
        boundary = self.snapshot.config.boundary if self.snapshot is not None else Boundary.of(self.root)
        return read_file(path, boundary)

    def disk_text(self, path: Path) -> str | None:
        """The saved text of a closed document, or None when the file is gone."""
        source = self.disk_source(path)
        return source.text if source is not None else None

"""What reading a source may need besides its own text."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from viewls.builders.runner import BuilderRunner
from viewls.project.limits import Limits


@dataclass
class ReadContext:
    root: Path
    extract_names: Collection[str] = ()
    # Whether a Python module may run as a builder (it matches `[project] builders`).
    may_build: Callable[[Path], bool] = lambda path: False
    # A module's text as analysed (the editor's buffer wins over the disk); None: no such file.
    module_text: Callable[[Path], str | None] = lambda path: None
    limits: Limits = Limits()  # a source over max_view_bytes is not parsed
    _runner: BuilderRunner | None = field(default=None, repr=False)
    # Each spec file's rows as last read, by their text (and what else their reading depends
    # on): an edit of one row re-reads that row alone; rows no file holds any more are dropped.
    rows: dict = field(default_factory=dict, repr=False)

    @property
    def runner(self) -> BuilderRunner:
        """The builder runner, started on first use: most projects run no code."""
        if self._runner is None:
            self._runner = BuilderRunner(self.root)
        return self._runner

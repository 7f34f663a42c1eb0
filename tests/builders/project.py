"""A builder project in a temporary directory, and line helpers for the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from viewls.builders.runner import BuilderRunner, ModuleBuild
from viewls.text import Span


class Project:
    """A project on disk in tmp_path, its runner (1 s time limit) and helpers to build modules."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = BuilderRunner(root, timeout=1.0)

    def write(self, relative: str, text: str) -> str:
        text = textwrap.dedent(text)
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return text

    def build(self, **modules: str) -> dict[str, ModuleBuild]:
        """Builds `name=text` modules as specs/<name>.py (texts given, not written; specs/ exists)."""
        (self.root / "specs").mkdir(exist_ok=True)
        texts = {Path(f"specs/{name}.py"): textwrap.dedent(text) for name, text in modules.items()}
        return {path.stem: build for path, build in self.runner.build(texts).items()}

    def build_one(self, text: str) -> tuple[ModuleBuild, str]:
        text = textwrap.dedent(text)
        return self.build(m=text)["m"], text


def line(text: str, span: Span) -> int:
    """The 1-based line a span starts on."""
    return text.count("\n", 0, span.start) + 1


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the first line containing `marker`."""
    return next(number for number, content in enumerate(text.splitlines(), 1) if marker in content)

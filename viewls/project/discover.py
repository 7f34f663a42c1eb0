"""Finding the project root and its view files.

Globs are matched by walking only below each glob's literal prefix, pruning hidden
directories and the output directory on the way: a pattern like ``**/*.sql`` must not
descend into ``.venv`` or into materialized output.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from viewls.project.config import CONFIG_FILE, DEFAULT_OUTPUT, ProjectConfig

_WILDCARD = re.compile(r"[*?\[]")


def find_project_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds ``viewls.toml``."""
    here = Path(os.path.abspath(start))
    for directory in (here, *here.parents):
        if (directory / CONFIG_FILE).is_file():
            return directory
    return None


def source_globs(config: ProjectConfig) -> tuple[str, ...]:
    """The globs of every kind of view source: SQL files, spec files, builder modules."""
    return (*config.view_globs, *config.spec_globs, *config.builder_globs)


def discover_sources(root: Path, config: ProjectConfig) -> list[Path]:
    """Every view source file of the project, sorted."""
    return discover_files(root, source_globs(config), config.output)


def is_source_file(root: Path, path: Path, config: ProjectConfig) -> bool:
    """Whether ``discover_sources`` would find ``path`` (which need not exist yet)."""
    return matches_globs(root, path, source_globs(config), config.output)


def discover_files(root: Path, globs: Iterable[str], output: str = DEFAULT_OUTPUT) -> list[Path]:
    """Absolute paths of the files matching any of ``globs`` (relative to ``root``), sorted."""
    root = Path(os.path.abspath(root))
    excluded = os.path.normpath(root / output)
    found: set[Path] = set()
    for glob in globs:
        if glob.strip() and not Path(glob).is_absolute():
            found.update(_matches(root, glob, excluded))
    return sorted(found)


def matches_globs(root: Path, path: Path, globs: Iterable[str], output: str = DEFAULT_OUTPUT) -> bool:
    """Whether ``discover_files`` would find ``path`` (which need not exist yet)."""
    root, path = Path(os.path.abspath(root)), Path(os.path.abspath(path))
    excluded = os.path.normpath(root / output)
    for glob in globs:
        if not glob.strip() or Path(glob).is_absolute():
            continue
        base, pattern = _split(root, glob)
        if not path.is_relative_to(base):
            continue
        parts = path.relative_to(base).parts
        if any(part.startswith(".") for part in parts):
            continue
        if any(os.path.normpath(base.joinpath(*parts[:depth])) == excluded for depth in range(1, len(parts))):
            continue
        if pattern.fullmatch("/".join(parts)):
            return True
    return False


def _split(root: Path, glob: str) -> tuple[Path, re.Pattern[str]]:
    """The directory a glob's literal prefix names, and a regex for the rest of it."""
    parts = [part for part in glob.replace("\\", "/").split("/") if part not in ("", ".")]
    literal = 0
    while literal < len(parts) - 1 and not _WILDCARD.search(parts[literal]):
        literal += 1
    return Path(os.path.normpath(root.joinpath(*parts[:literal]))), _compile(parts[literal:])


def _matches(root: Path, glob: str, excluded: str) -> Iterable[Path]:
    base, pattern = _split(root, glob)
    for directory, subdirectories, files in os.walk(base):
        subdirectories[:] = [
            name
            for name in subdirectories
            if not name.startswith(".") and os.path.join(directory, name) != excluded
        ]
        relative = os.path.relpath(directory, base).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in files:
            if not name.startswith(".") and pattern.fullmatch(prefix + name):
                yield Path(directory, name)


def _compile(parts: list[str]) -> re.Pattern[str]:
    """A regex for ``/``-separated glob parts where ``**`` spans any number of directories."""
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:[^/]+/)*"
        else:
            regex += _translate(part) + ("" if last else "/")
    return re.compile(regex)


def _translate(part: str) -> str:
    """One path component's glob as a regex: ``*``, ``?`` and ``[...]`` never cross ``/``."""
    regex, index = "", 0
    while index < len(part):
        char = part[index]
        closing = part.find("]", index + 2) if char == "[" else -1
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif closing != -1:
            body = part[index + 1 : closing].replace("\\", "\\\\")
            regex += f"[^{body[1:]}/]" if body.startswith("!") else f"[{body}]"
            index = closing
        else:
            regex += re.escape(char)
        index += 1
    return regex

"""Reading a project's files: regular files only, of bounded size, inside the project.

Every file viewls reads as source text (``viewls.toml``, view files, spec files, builder
modules) comes through ``read_file``, in ``check`` and the language server alike. It never
blocks and never reads without bound: it stats first and refuses what is not a regular
file (a named pipe would block, ``/dev/zero`` never ends), opens without blocking, checks
the opened file again, and reads at most ``MAX_FILE_BYTES + 1`` bytes. Every refusal is a
``SourceText`` with a problem saying what is wrong (a symbolic link loop, a dangling link,
a permission, a device), which becomes a diagnostic on the file.

The boundary: a file whose real path (symbolic links followed) lies outside the project
root is not read unless it lies in a directory listed in ``[project] allow_outside``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from viewls.diagnostics import Code
from viewls.source_text import SourceText, decode, unreadable

# The largest source file read; the limits of a project may lower it.
MAX_FILE_BYTES = 16 * 1024 * 1024

ALLOW_KEY = "[project] allow_outside"

_WILDCARD = re.compile(r"[*?\[]")

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True, slots=True)
class Boundary:
    """Where a project may read: its root and the directories it allows (all real paths).

    Make one per load (or per read): it remembers the real path of each directory it
    has seen, so that a project of thousands of files resolves each directory once.
    """

    root: Path
    allowed: tuple[Path, ...] = ()
    _directories: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _prefixes: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        prefixes = tuple(str(base).rstrip(os.sep) + os.sep for base in (self.root, *self.allowed))
        object.__setattr__(self, "_prefixes", prefixes)

    @classmethod
    def of(cls, root: Path, allow_outside: Iterable[str] = ()) -> Boundary:
        return cls(_real(root), tuple(_real(root / entry) for entry in allow_outside))

    def admits(self, path: Path | str, linked: bool | None = None) -> bool:
        """Whether ``path``, symbolic links followed, lies inside the boundary (``linked``:
        whether ``path`` itself is a symbolic link, when the caller knows)."""
        real = self.real(path, os.path.islink(path) if linked is None else linked) + os.sep
        return real.startswith(self._prefixes)

    def real(self, path: Path | str, linked: bool) -> str:
        """``os.path.realpath(path)``, resolving each directory once."""
        directory, name = os.path.split(os.path.abspath(path))
        if linked or not name:
            return os.path.realpath(path)
        real = self._directories.get(directory)
        if real is None:
            real = self._directories[directory] = os.path.realpath(directory)
        return os.path.join(real, name)

    def suggestion(self, path: Path) -> str:
        """The ``allow_outside`` entry that would admit ``path`` (its real directory),
        relative to the root when that reads better."""
        real = _real(path)
        directory = real.parent if real.exists() and not real.is_dir() else real
        relative = os.path.relpath(directory, self.root)
        return relative if relative.count("..") <= 2 else str(directory)


def outside_message(what: str, target: Path, boundary: Boundary) -> str:
    """Why ``what`` (resolving to ``target``) is refused, and how to allow it."""
    entry = boundary.suggestion(target)
    return (f"{what} resolves to {_real(target)}, outside the project: viewls reads only files inside "
            f"the project unless allowed; to allow it, add {ALLOW_KEY} = [\"{entry}\"] to viewls.toml")


def literal_base(root: Path, pattern: str) -> Path:
    """The directory (or file) a glob or path names before its first wildcard: where
    everything it matches lies."""
    parts = pattern.replace("\\", "/").split("/")
    literal = next((index for index, part in enumerate(parts) if _WILDCARD.search(part)), len(parts))
    return Path(os.path.normpath(root.joinpath(*parts[:literal])))


def read_file(path: Path, boundary: Boundary | None = None, limit: int = MAX_FILE_BYTES) -> SourceText:
    """``path``'s text, or why it cannot be read; never blocks, never raises."""
    try:
        info = os.lstat(path)
        linked = stat.S_ISLNK(info.st_mode)
        if linked:
            info = os.stat(path)
    except OSError as failure:
        return unreadable(_failure(path, failure))
    if boundary is not None and not boundary.admits(path, linked):
        return unreadable(outside_message("this file", path, boundary), Code.OUTSIDE_PROJECT)
    kind = _kind(info.st_mode)
    if kind:
        return unreadable(_not_regular(path, kind))
    if info.st_size > limit:
        return unreadable(_too_large(limit))
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError as failure:
        return unreadable(_failure(path, failure))
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        opened = os.fstat(descriptor)
        kind = _kind(opened.st_mode)  # replaced since the stat?
        if kind:
            return unreadable(_not_regular(path, kind))
        try:
            data = _read_bounded(file, opened.st_size, limit)
        except OSError as failure:
            return unreadable(_failure(path, failure))
    if len(data) > limit:
        return unreadable(_too_large(limit))
    return decode(data)


def _read_bounded(file, size: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: the size the file states and one byte more, then, for a
    file that holds more than it states (``/proc`` files state 0, a file may grow), bounded
    chunks."""
    data = file.read(min(size, limit) + 1)
    if len(data) <= size:
        return data
    chunks, total = [data], len(data)
    while total <= limit and (chunk := file.read(min(65536, limit + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is."""
    return next((name for test, name in _KINDS if test(mode)), None)


def _link_note(path: Path) -> str:
    return f"this file is a symbolic link to '{os.readlink(path)}', " if path.is_symlink() else "this file is "


def _not_regular(path: Path, kind: str) -> str:
    return f"cannot read: {_link_note(path)}{kind}, not a regular file; viewls reads only regular files"


def _too_large(limit: int) -> str:
    return f"cannot read: the file is larger than {limit:,} bytes, the largest source file viewls reads"


def _failure(path: Path, failure: OSError) -> str:
    """What an operating system error means for the user."""
    if failure.errno == errno.ELOOP:
        return "cannot read: symbolic link loop (the link leads back to itself); point it at a file or delete it"
    if failure.errno == errno.ENOENT and path.is_symlink():
        return (f"cannot read: dangling symbolic link to '{os.readlink(path)}', which does not exist; "
                "point it at a file or delete it")
    if failure.errno in (errno.EACCES, errno.EPERM):
        return ("cannot read: permission denied (the file, or a directory on its path, does not let "
                "viewls read it); make it readable, e.g. chmod a+r")
    return f"cannot read: {failure.strerror or failure}"

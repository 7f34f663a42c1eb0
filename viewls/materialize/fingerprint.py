"""Build fingerprints: what a view's output depends on, in one hash.

A view's build fingerprint combines its canonical AST's fingerprint, its ordering keys
(they change the rows' order), the build fingerprints of the views it reads, the identity
of the extracts it reads (each file's path, size and modification time, and its content
hash where that is cheap), and the native crate's version when it calls UDFs. An output
whose stored fingerprint equals the current one is up to date; anything else is stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from viewls import __version__
from viewls.analysis.snapshot import Snapshot

# Files up to this size are hashed by content, so a rewrite with the same size and
# modification time is still noticed; larger ones would make every no-op run read them.
CONTENT_HASH_LIMIT = 1024 * 1024
# Bumped when what an output holds changes for the same inputs.
OUTPUT_FORMAT = "1"


def build_fingerprints(snapshot: Snapshot, names: Iterable[str] | None = None) -> dict[str, str | None]:
    """The build fingerprints of ``names`` (default: every view) and of every view they
    read, directly or not (the rest of the project plays no part); None for a view that
    cannot be built."""
    needed = None if names is None else set(names)
    for name in list(needed or ()):
        needed |= snapshot.graph.ancestors(name) if name in snapshot.graph else set()
    found: dict[str, str | None] = {}
    for name in snapshot.build_order():
        if needed is not None and name not in needed:
            continue
        view = snapshot.views[name]
        if view.fingerprint is None:
            found[name] = None
            continue
        parts = [OUTPUT_FORMAT, view.fingerprint,
                 repr([(key.name, key.descending) for key in view.definition.metadata.ordering])]
        for dependency in sorted(view.dependencies):
            if dependency in snapshot.views:
                parts.append(f"view {dependency} {found.get(dependency)}")
            elif dependency in snapshot.extracts:
                parts.append(f"extract {dependency} {extract_identity(snapshot, dependency)}")
        if view.required_udfs:
            parts.append(f"udfs {__version__} {','.join(view.required_udfs)}")
        broken = any(snapshot.views.get(d) is not None and found.get(d) is None for d in view.dependencies)
        found[name] = None if broken else hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return found


def extract_identity(snapshot: Snapshot, name: str) -> str:
    info = snapshot.extracts[name]
    return ";".join(f"{path}:{size}:{mtime}:{_content_hash(path, size, mtime)}"
                    for path, size, mtime in info.identity)


@lru_cache(maxsize=4096)
def _content_hash(path: Path, size: int, mtime: int) -> str:
    """The content hash of a small file, "-" for a large one. Cached by path, size and
    modification time, for a long-running server: a file rewritten within the filesystem's
    timestamp resolution at the same size would keep its old hash until the server restarts."""
    if size > CONTENT_HASH_LIMIT:
        return "-"
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "unreadable"

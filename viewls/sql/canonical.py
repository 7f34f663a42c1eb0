"""Canonical form of a view: the normalized AST, the SQL generated from it, its fingerprint.

The generated SQL is what DataFusion plans and runs, so the editor, ``check`` and
``materialize`` all see the same query. The fingerprint hashes that text: it is
stable under whitespace, comments and keyword or identifier case, and changes
with anything DataFusion would see differently.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from viewls.sql.dialect import DIALECT


@dataclass(frozen=True, slots=True)
class Canonical:
    sql: str
    fingerprint: str


def normalize(ast: exp.Expression) -> exp.Expression:
    """Lowercase unquoted identifiers in place, exactly as DataFusion resolves them."""
    return normalize_identifiers(ast, dialect=DIALECT)


def canonicalize(ast: exp.Expression) -> Canonical:
    """The SQL handed to DataFusion and its fingerprint; ``ast`` must be normalized.

    Generation may rewrite ``ast`` in place (it skips sqlglot's defensive deep copy,
    which costs more than the generation itself): derive everything else first.
    """
    sql = _generator().generate(ast, copy=False)
    return Canonical(sql, fingerprint(sql))


_local = threading.local()


def _generator():
    """A generator per thread: creating one costs about as much as using it."""
    generator = getattr(_local, "generator", None)
    if generator is None:
        generator = _local.generator = DIALECT.generator(comments=False)
    return generator


def fingerprint(sql: str) -> str:
    return hashlib.blake2b(sql.encode(), digest_size=16).hexdigest()

"""Rename as a pure function of (snapshot, file, offset, new name).

A view's name is its file's stem, so renaming a view moves its file (same directory and
suffix) and rewrites every reference; a CTE is renamed inside its file. Names are exact,
as a quoted identifier means them: references are written bare where SQL reads the bare
word back as the same name (lowercase, not a keyword) and quoted otherwise; schema and
catalog qualifiers stay as written.

A rename is refused rather than allowed to change the meaning of a query: the renamed
names are set in each affected tree, and every table reference and column qualifier
must still bind to what it bound to before (a CTE of the new name would otherwise
capture a view reference, or a renamed CTE capture a view of its new name).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp
from sqlglot.tokens import TokenType

from viewls.ide.bindings import cte_of, source_of, sources
from viewls.ide.references import Kind, Named, Symbol, declared_at, name_at, usages
from viewls.analysis.snapshot import Snapshot
from viewls.engine.planner import quote
from viewls.project.discover import matches_globs
from viewls.project.names import name_problem
from viewls.sql.dialect import DIALECT
from viewls.sql.spans import name_span, node_span, token_span
from viewls.text import LineIndex, Span

_BARE = re.compile(r"[a-z_][a-z0-9_]*")
_GENERATED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The longest file name in bytes on the usual file systems (ext4, APFS, NTFS): a longer
# view name cannot become its file's name.
_NAME_MAX = 255


@dataclass(frozen=True, slots=True)
class Prepared:
    span: Span
    placeholder: str


@dataclass(frozen=True, slots=True)
class Refusal:
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class FileEdit:
    path: Path
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Renaming:
    """Text edits per file, then the move of a renamed view's file: in this order, so every
    text edit applies to a file that still has its old name."""

    files: tuple[FileEdit, ...]
    move: tuple[Path, Path] | None = None


def prepare_rename(snapshot: Snapshot, path: Path, offset: int) -> Prepared | Refusal | None:
    """The name a rename at ``offset`` would change; None where there is no name at all."""
    named = name_at(snapshot, path, offset)
    if named is None:
        return None
    refusal = _refusal(named)
    return refusal if refusal is not None else Prepared(named.span, named.name)


def rename(snapshot: Snapshot, path: Path, offset: int, new_name: str) -> Renaming | Refusal:
    named = name_at(snapshot, path, offset)
    if named is None:
        return Refusal("there is no view or CTE name here to rename")
    refusal = _refusal(named)
    if refusal is not None:
        return refusal
    return _rename(snapshot, named.symbol, new_name)


def rename_view(snapshot: Snapshot, name: str, new_name: str) -> Renaming | Refusal:
    """Rename the view ``name``, as when its file is renamed in the editor's file explorer
    (the editor moves the file; the references follow)."""
    view = snapshot.views.get(name)
    if view is None:
        return Refusal(f"there is no view named '{name}'")
    return _rename(snapshot, Symbol(Kind.VIEW, name, declared_at(view)), new_name)


def _rename(snapshot: Snapshot, symbol: Symbol, new_name: str) -> Renaming | Refusal:
    problem = _invalid(snapshot, symbol, new_name)
    if problem is not None:
        return Refusal(problem)
    if new_name == symbol.name:
        return Renaming(())
    written = sql_name(new_name)
    edits: dict[Path, list[Edit]] = {}
    for usage in usages(snapshot, symbol):
        spans = sorted(filter(None, (token_span(identifier) for identifier in usage.identifiers)))
        problem = _changes_meaning(snapshot, usage.path, usage.tree, usage.identifiers, symbol, new_name) \
            or _not_written_alike(snapshot, usage.path, spans, symbol.name)
        if problem is not None:
            return Refusal(problem)
        here = _in_toml_string(written) if usage.path.suffix == ".toml" else written
        edits.setdefault(usage.path, []).extend(Edit(span, here) for span in spans)
    move = None
    if symbol.kind is Kind.VIEW:
        view = snapshot.views[symbol.name]
        if view.definition.generated:  # its name is written in its spec row, not a file name
            anchor = view.definition.anchor
            if view.path.suffix != ".toml" or view.definition.text[anchor.start:anchor.end] != symbol.name:
                return Refusal(f"'{symbol.name}' is generated ({view.definition.origin.described}): "
                               f"rename it where {_relative(snapshot, view.path)} names it")
            edits.setdefault(view.path, []).append(Edit(anchor, _in_toml_string(new_name)))
        else:
            old = symbol.declaration.path
            move = (old, old.with_name(new_name + old.suffix))
    files = tuple(FileEdit(path, tuple(sorted(set(found), key=lambda e: e.span))) for path, found in edits.items())
    return Renaming(files, move)


def _not_written_alike(snapshot: Snapshot, path: Path, spans: list[Span], name: str) -> str | None:
    """Why references in a generated view cannot be edited in place: a builder's code
    spells them, or a spec writes them through a template parameter or an escape."""
    if snapshot.sources[path].document_view is not None:
        return None
    if path.suffix != ".toml":
        return f"'{name}' is read by a Python builder ({_relative(snapshot, path)}): rename it there by hand"
    text = snapshot.sources[path].text
    for span in spans:
        if text[span.start:span.end] != name:
            line = LineIndex(text).position(span.start)[0] + 1
            return (f"'{name}' is read through a template parameter or an escape at {_relative(snapshot, path)}:"
                    f"{line}: rename it there by hand")
    return None


def _in_toml_string(written: str) -> str:
    """A name as a TOML basic string holds it."""
    return written.replace("\\", "\\\\").replace('"', '\\"')


def sql_name(name: str) -> str:
    """``name`` as written in SQL: bare when it reads back as the same name, else quoted."""
    if _BARE.fullmatch(name):
        tokens = DIALECT.tokenize(name)
        if len(tokens) == 1 and tokens[0].token_type is TokenType.VAR:
            return name
    return quote(name)


def _refusal(named: Named) -> Refusal | None:
    if named.symbol is None:
        if named.what == "table":
            return Refusal(f"'{named.name}' is not a view of this project")
        return Refusal(f"only views and CTEs can be renamed, not {_ARTICLE[named.what]}")
    if named.symbol.kind is Kind.EXTRACT:
        return Refusal(f"'{named.name}' is an extract: rename [extracts.{named.name}] in viewls.toml "
                       "together with its references")
    return None


_ARTICLE = {"column": "columns", "function": "functions", "alias": "table aliases", "name": "this name"}


def _invalid(snapshot: Snapshot, symbol: Symbol, new: str) -> str | None:
    if not new.strip():
        return "the new name is empty"
    if new != new.strip() or any(ord(ch) < 32 or ord(ch) == 127 for ch in new):
        return f"'{new}' starts or ends with spaces or holds control characters"
    if symbol.kind is Kind.CTE or new == symbol.name:
        return None
    problem = name_problem(new)  # the rule check applies to every view file's name
    if problem is not None:
        return problem
    other = next((view for view in snapshot.definitions() if view.name == new), None)
    if other is not None:
        return f"a view named '{new}' already exists: {_relative(snapshot, other.path)}"
    if snapshot.config.extract(new) is not None or new in snapshot.extracts:
        return f"an extract named '{new}' already exists in viewls.toml"
    view = snapshot.views.get(symbol.name)
    if view is not None and view.definition.generated:  # no file to move: a name in a row
        return None if _GENERATED_NAME.fullmatch(new) else \
            f"'{new}' cannot name a generated view: use letters, digits and '_', starting with a letter or '_'"
    old = symbol.declaration.path
    target = old.with_name(new + old.suffix)
    try:  # the name is the user's: the file system may reject it in many ways
        if len(os.fsencode(target.name)) > _NAME_MAX:
            return f"'{new}' is too long for a file name (at most {_NAME_MAX} bytes with its suffix)"
        if target.exists() and not target.samefile(old):
            return f"{_relative(snapshot, target)} already exists"
    except UnicodeError:
        return f"'{new}' cannot be a file name: it is not valid Unicode"
    except OSError as error:
        return f"cannot check {_relative(snapshot, target)}: {error.strerror or error}"
    config = snapshot.config
    if not matches_globs(snapshot.root, target, config.view_globs, config.output):
        globs = ", ".join(config.view_globs)
        return f"{_relative(snapshot, target)} would not be a view: it matches none of the view globs ({globs})"
    return None


def _changes_meaning(snapshot: Snapshot, path: Path, tree: exp.Expression, identifiers: tuple[exp.Identifier, ...],
                     symbol: Symbol, new: str) -> str | None:
    """Rename ``identifiers`` in ``tree`` (in place) and name the first reference that
    would then bind to something else, if any."""
    before = _bindings(tree)
    renamed_tables = {id(i.parent) for i in identifiers if isinstance(i.parent, exp.Table) and i.arg_key == "this"}
    for identifier in identifiers:
        identifier.set("this", new)
    after = _bindings(tree)
    for key, (node, bound) in before.items():
        expected = new if symbol.kind is not Kind.CTE and key in renamed_tables else bound
        if after[key][1] != expected:
            span = name_span(node) if isinstance(node, exp.Table | exp.Column) else node_span(node)
            line = LineIndex(snapshot.sources[path].text).position(span.start)[0] + 1 if span is not None else 1
            return (f"renaming '{symbol.name}' to '{new}' would change what "
                    f"{_relative(snapshot, path)}:{line} refers to")
    return None


def _bindings(tree: exp.Expression) -> dict[int, tuple[exp.Expression, object]]:
    """What every name of a query binds to, by node identity (sqlglot nodes compare by
    value): tables to a CTE or a relation name, column qualifiers to a source; and how
    many names clash per FROM list and per WITH."""
    found: dict[int, tuple[exp.Expression, object]] = {}
    for node in tree.walk():
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            cte = cte_of(node)
            found[id(node)] = (node, id(cte) if cte is not None else node.name)
        elif isinstance(node, exp.Column) and node.table:
            found[id(node)] = (node, id(source_of(node)))
        elif isinstance(node, exp.Select):
            names = [source.alias_or_name for source in sources(node)]
            found[id(node)] = (node, len(names) - len(set(names)))
        elif isinstance(node, exp.With):
            names = [cte.alias_or_name for cte in node.expressions]
            found[id(node)] = (node, len(names) - len(set(names)))
    return found


def _relative(snapshot: Snapshot, path: Path) -> str:
    return path.relative_to(snapshot.root).as_posix() if path.is_relative_to(snapshot.root) else str(path)

"""The editor's current buffer, for requests that answer as the user types.

Completion and signature help must follow the text as typed, which is usually ahead
of the analysed snapshot: they read the buffer pygls keeps up to date and take only
schemas and functions from the latest snapshot, without waiting for analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from viewls.analysis.snapshot import Snapshot
from viewls.lsp.convert import Document, path_of
from viewls.lsp.server import ViewlsServer


@dataclass(frozen=True, slots=True)
class Buffer:
    snapshot: Snapshot
    path: Path
    document: Document  # the current text, as the client sees it
    offset: int  # the cursor


async def buffer_at(ls: ViewlsServer, uri: str, position: types.Position) -> Buffer | None:
    """The buffer behind ``uri`` with the cursor at ``position``; None outside a project.

    Only the search for projects and a project's first load are waited for: later
    snapshots may lag the buffer.
    """
    project = await ls.project_of(uri)
    if project is None:
        return None
    snapshot = project.snapshot or await ls.settled(project)
    if snapshot is None:
        return None
    document = ls.document(ls.workspace.get_text_document(uri).source)
    return Buffer(snapshot, path_of(uri), document, document.offset(position))

"""workspace/codeLens/refresh when a new snapshot changes what some lens says.

An edit in one view changes the counts shown above others, and clients re-request
lenses only for the document being edited. Called where a project's snapshot is
replaced (publish.py); it needs only what every pygls server has, not viewls's server.
"""

from __future__ import annotations

from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

from viewls.ide.lenses import lenses_changed
from viewls.analysis.snapshot import Snapshot


def refresh_lenses(server: LanguageServer, old: Snapshot | None, new: Snapshot) -> None:
    """Ask a client that supports it to fetch every lens again if ``new`` changes one."""
    if get_capability(server.client_capabilities, "workspace.code_lens.refresh_support", False) \
            and lenses_changed(old, new):
        server.workspace_code_lens_refresh(None)

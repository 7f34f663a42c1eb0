"""``viewls/status``: what each project's analysis is doing, for an editor's status bar.

Sent only to clients that ask for it with the client capability
``experimental.viewlsStatus: true`` (as rust-analyzer's ``experimental/serverStatus``),
once per change of a project's state. Params::

    {"root": "file:///.../shop", "name": "shop",
     "state": "loading" | "analysing" | "ready" | "failed",
     "views": 15, "extracts": 5,          # counts of the latest snapshot (0 while loading)
     "errors": 0, "warnings": 1,          # over the diagnostics published for the project
     "message": "..."}                    # "failed" only: why the project could not load

"analysing" spans a run from its first planning stage to its last publication; "ready"
follows the last publication, so its counts are what the Problems panel shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

from viewls.diagnostics import Severity
from viewls.lsp.convert import uri

if TYPE_CHECKING:
    from viewls.lsp.workspace import Project

STATUS = "viewls/status"
LOADING, ANALYSING, READY, FAILED = "loading", "analysing", "ready", "failed"


def wanted(server: LanguageServer) -> bool:
    experimental = get_capability(server.client_capabilities, "experimental", None)
    return isinstance(experimental, dict) and experimental.get("viewlsStatus") is True


def report(server: LanguageServer, project: Project, state: str, message: str | None = None) -> None:
    if not wanted(server):
        return
    server.protocol.notify(STATUS, status(project, state, message))


def status(project: Project, state: str, message: str | None = None) -> dict[str, Any]:
    snapshot = project.snapshot
    severities = [d.severity for found in project.published.values() for d in found]
    params: dict[str, Any] = {
        "root": uri(project.root), "name": project.root.name, "state": state,
        "views": len(snapshot.views) if snapshot is not None else 0,
        "extracts": len(snapshot.extracts) if snapshot is not None else 0,
        "errors": severities.count(Severity.ERROR), "warnings": severities.count(Severity.WARNING),
    }
    if message is not None:
        params["message"] = message
    return params

"""Pull diagnostics: textDocument/diagnostic and workspace/diagnostic.

Offered only to clients that can also receive ``workspace/diagnostic/refresh``: an edit
changes diagnostics in other files, open or not, and a client that pulls without being
told to pull again would keep stale errors. Every other client gets pushed diagnostics,
never both (editors would show each problem twice). The answer reflects every edit
recorded before the request, and repeats of an unchanged result are "unchanged".
"""

from __future__ import annotations

from lsprotocol import types

from viewls.lsp.convert import path_of, uri
from viewls.lsp.publish import lsp_diagnostics
from viewls.lsp.server import ViewlsServer

OPTIONS = types.DiagnosticOptions(identifier="viewls", inter_file_dependencies=True, workspace_diagnostics=True)


def supported(capabilities: types.ClientCapabilities) -> bool:
    pull = capabilities.text_document.diagnostic if capabilities.text_document else None
    refresh = capabilities.workspace.diagnostics if capabilities.workspace else None
    return pull is not None and bool(refresh and refresh.refresh_support)


def enable(server: ViewlsServer) -> None:
    """Register the pull handlers; called while initializing, before capabilities are computed."""
    server.pull_diagnostics = True

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, OPTIONS)
    async def on_document(ls: ViewlsServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        found = await ls.settled_file(params.text_document.uri)  # a view or viewls.toml
        if found is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        project, _, path, _ = found
        result_id = project.result_id(path)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=lsp_diagnostics(project, path) or [],
                                                         result_id=result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def on_workspace(ls: ViewlsServer, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
        previous = {p.uri: p.value for p in params.previous_result_ids}
        held = [p for p in map(path_of, previous) if p is not None]
        reports: list[types.WorkspaceDocumentDiagnosticReport] = []
        for project in await ls.all_projects():
            await ls.settled(project)
            # Files with problems, and files the client still holds problems for.
            paths = set(project.published) | {p for p in held if _innermost(ls, p) is project}
            for path in sorted(paths):
                result_id, version = project.result_id(path), project.open.get(path, (None, None))[0]
                if previous.get(uri(path)) == result_id:
                    reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=uri(path), result_id=result_id, version=version))
                    continue
                items = lsp_diagnostics(project, path)
                if items is not None:
                    reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri(path), items=items, result_id=result_id, version=version))
        return types.WorkspaceDiagnosticReport(items=reports)


def _innermost(ls: ViewlsServer, path):
    """The project whose root most closely contains ``path`` (its viewls.toml or data included)."""
    roots = [root for root in ls.projects if path.is_relative_to(root)]
    return ls.projects[max(roots, key=lambda r: len(r.parts))] if roots else None

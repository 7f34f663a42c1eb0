"""textDocument/codeAction: "did you mean" quick fixes.

Every diagnostic with a suggestion carries it in ``data``; the fix replaces the
diagnostic's range with it. The edit applies to the client's own diagnostic range, so it
needs no analysis and cannot go stale.
"""

from __future__ import annotations

from lsprotocol import types

from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def on_code_action(ls: ViewlsServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        actions = []
        for diagnostic in params.context.diagnostics:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            suggestion = data.get("suggestion")
            if diagnostic.source != "viewls" or not isinstance(suggestion, str):
                continue
            actions.append(types.CodeAction(
                title=f"Replace with '{suggestion}'",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={params.text_document.uri: [
                    types.TextEdit(range=diagnostic.range, new_text=suggestion)]}),
            ))
        return actions

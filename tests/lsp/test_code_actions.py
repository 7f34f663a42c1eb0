"""Quick fixes for "did you mean" suggestions, through the real server."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, open_view


async def test_a_misspelled_table_gets_a_quick_fix(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT user_id FROM users_clan\n"
    path.write_text(text)
    open_view(client, path, text)
    (diagnostic,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    (action,) = actions
    assert action.kind == types.CodeActionKind.QuickFix and action.title == "Replace with 'users_clean'"
    (edit,) = action.edit.changes[path.as_uri()]
    assert edit.new_text == "users_clean" and edit.range == diagnostic.range
    assert text.splitlines()[edit.range.start.line][edit.range.start.character:edit.range.end.character] == "users_clan"

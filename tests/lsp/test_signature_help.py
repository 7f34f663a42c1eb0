"""textDocument/signatureHelp through the real server, on buffers ahead of the analysis."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.buffers import ODD_POSITIONS, minimal_client, odd_documents, position  # noqa: F401 (fixture)
from tests.lsp.conftest import open_view, replace

SPAN_OVERLAPS = "span_overlaps(a_start: Int64, a_end: Int64, b_start: Int64, b_end: Int64) -> Boolean"


async def signature_help(client, path, text: str, trigger: str) -> types.SignatureHelp | None:
    return await client.text_document_signature_help_async(types.SignatureHelpParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, len(text)),
        context=types.SignatureHelpContext(trigger_kind=types.SignatureHelpTriggerKind.TriggerCharacter,
                                           trigger_character=trigger, is_retrigger=False)))


async def test_the_active_parameter_follows_the_commas_typed(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT 1"
    open_view(client, path, text)
    text = replace(client, path, 2, "1", "span_overlaps(", text)
    first = await signature_help(client, path, text, "(")
    text = replace(client, path, 3, "span_overlaps(", "span_overlaps(1, 2, ", text)
    third = await signature_help(client, path, text, ",")
    assert first.active_parameter == 0 and third.active_parameter == 2
    (signature,) = third.signatures
    assert signature.label == SPAN_OVERLAPS
    start, end = signature.parameters[2].label  # both clients take offsets into the label
    assert signature.label[start:end] == "b_start: Int64"
    assert signature.active_parameter == 2
    assert signature.documentation.kind == types.MarkupKind.Markdown
    assert "half-open spans" in signature.documentation.value


async def test_nothing_outside_a_call(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT upper(name) "
    open_view(client, path, text)
    assert await signature_help(client, path, text, ",") is None


async def test_a_client_without_label_offsets_or_markup_gets_strings(minimal_client, project):
    client = minimal_client
    path = project / "views" / "scratch.sql"
    text = "SELECT span_overlaps(1, 2, 'a, b', "
    open_view(client, path, text)
    found = await signature_help(client, path, text, ",")
    assert found.active_parameter == 3
    (signature,) = found.signatures
    assert [p.label for p in signature.parameters] == ["a_start: Int64", "a_end: Int64", "b_start: Int64",
                                                        "b_end: Int64"]
    assert signature.active_parameter is None  # not declared by this client
    assert isinstance(signature.documentation, str)


async def test_any_position_in_odd_documents_answers_without_errors(client, project):
    for path, text in odd_documents(project).items():
        open_view(client, path, text)
        for at in ODD_POSITIONS:
            result = await client.text_document_signature_help_async(types.SignatureHelpParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=at))
            assert result is None or result.signatures, (path.name, at)

"""Pull diagnostics for a client that pulls and can be told to pull again; push for the rest."""

from __future__ import annotations

import asyncio
import sys

import attrs
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import accept_registrations, diagnostics_for, files_changed, open_view, replace


def pulling_capabilities() -> types.ClientCapabilities:
    """VS Code's capabilities as recorded, plus pull diagnostics with refresh (as newer VS Code declares)."""
    capabilities = client_capabilities("visual-studio-code")
    return attrs.evolve(
        capabilities,
        text_document=attrs.evolve(capabilities.text_document, diagnostic=types.DiagnosticClientCapabilities(
            dynamic_registration=True, related_document_support=False)),
        workspace=attrs.evolve(capabilities.workspace, diagnostics=types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True)),
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]))
async def puller(lsp_client: LanguageClient, project):
    accept_registrations(lsp_client)
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pulling_capabilities(), root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")]))
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()


async def pull(client: LanguageClient, path, previous: str | None = None):
    return await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), previous_result_id=previous))


async def until_refreshed(client: LanguageClient, count: int) -> None:
    for _ in range(400):
        if client.diagnostic_refresh_count >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no workspace/diagnostic/refresh after {client.diagnostic_refresh_count}")


async def test_a_pulling_client_gets_reports_refreshes_and_no_pushes(puller, project):
    provider = puller.server_capabilities.diagnostic_provider
    assert provider.inter_file_dependencies and provider.workspace_diagnostics and provider.identifier == "viewls"
    root_view, dependent = project / "views" / "users_clean.sql", project / "views" / "customer_keys.sql"
    text = root_view.read_text()
    open_view(puller, root_view, text)

    clean = await pull(puller, root_view)
    assert clean.kind == "full" and not clean.items
    assert (await pull(puller, root_view, clean.result_id)).kind == "unchanged"

    # A schema change in the open view breaks the unopened dependent: the client is told to pull again.
    refreshes = puller.diagnostic_refresh_count
    changed = replace(puller, root_view, 2, "lower(trim(email)) as email", "lower(trim(email)) as mail", text)
    broken = await pull(puller, dependent)  # answers after the edit is analysed
    assert [d.code for d in broken.items] == ["unknown-column"] and "email" in broken.items[0].message
    await until_refreshed(puller, refreshes + 1)
    assert (await pull(puller, dependent, broken.result_id)).kind == "unchanged"

    everything = await puller.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert {item.uri: [d.code for d in item.items] for item in everything.items} == {
        dependent.as_uri(): ["unknown-column"]}

    replace(puller, root_view, 3, "as mail", "as email", changed)
    fixed = await pull(puller, dependent, broken.result_id)
    assert fixed.kind == "full" and not fixed.items
    # The client held problems for the dependent: the workspace report clears them.
    after = await puller.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
        previous_result_ids=[types.PreviousResultId(uri=dependent.as_uri(), value=broken.result_id)]))
    assert [(item.uri, item.kind, list(item.items)) for item in after.items] == [(dependent.as_uri(), "full", [])]
    assert puller.diagnostics == {}  # nothing was pushed


async def test_clients_that_cannot_be_told_to_pull_again_get_pushed_diagnostics(client, project):
    # pytest-lsp's Neovim declares pull support without refresh; the recorded VS Code declares neither.
    assert client.server_capabilities.diagnostic_provider is None
    path = project / "views" / "users_clean.sql"
    open_view(client, path, "SELECT nope FROM users")
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert found.code == "unknown-column"



async def test_viewls_toml_is_pulled_like_a_view(puller, project):
    config = project / "viewls.toml"
    config.write_text(config.read_text() + '\n[extracts.later]\npath = "data/later.parquet"\n')
    files_changed(puller, (config, types.FileChangeType.Changed))
    for _ in range(200):
        report = await pull(puller, config)
        if report.items:
            break
        await asyncio.sleep(0.05)
    assert [d.code for d in report.items] == ["extract-error"]
    assert report.items[0].range.start.line == config.read_text().splitlines().index("[extracts.later]") + 1

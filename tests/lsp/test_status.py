"""viewls/status through the real server: loading, analysing and ready with the counts the
Problems panel shows, for clients that ask for it, and nothing for those that do not."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import accept_registrations, diagnostics_for, open_view, replace

STATUS = "viewls/status"


def record_statuses(client: LanguageClient) -> None:
    client.statuses = []

    @client.feature(STATUS)
    def status(params) -> None:
        client.statuses.append(params)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]))
async def status_client(lsp_client: LanguageClient, project: Path):
    accept_registrations(lsp_client)
    record_statuses(lsp_client)
    capabilities = client_capabilities("visual-studio-code")
    capabilities.experimental = {"viewlsStatus": True}
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")]))
    yield
    await lsp_client.shutdown_session()


def field(params, name: str):
    return params[name] if isinstance(params, dict) else getattr(params, name)


async def ready(client: LanguageClient, after: int, predicate=lambda s: True, timeout: float = 20.0):
    """The first "ready" status at index ``after`` or later that satisfies ``predicate``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for params in client.statuses[after:]:
            if field(params, "state") == "ready" and predicate(params):
                return params
        assert loop.time() < deadline, f"no matching ready status: {client.statuses[after:]}"
        await asyncio.sleep(0.05)


async def test_status_goes_from_loading_to_ready_and_counts_what_was_published(status_client, project):
    client = status_client
    first = await ready(client, 0)
    states = [field(s, "state") for s in client.statuses]
    assert states[0] == "loading" and "analysing" in states
    assert field(first, "name") == "shop" and field(first, "root") == project.as_uri()
    assert field(first, "views") == len(list((project / "views").glob("*.sql"))) + 3  # + specs/normalize.toml's
    assert field(first, "extracts") == 5 and field(first, "errors") == 0

    path = project / "views" / "users_clean.sql"
    text = path.read_text()
    open_view(client, path, text)
    seen = len(client.statuses)
    text = replace(client, path, 2, "signup_date,", "signup_dat,", text)
    await diagnostics_for(client, path, lambda d: len(d) == 1)
    broken = await ready(client, seen, lambda s: field(s, "errors") == 1)
    assert "analysing" in [field(s, "state") for s in client.statuses[seen:client.statuses.index(broken)]]

    seen = len(client.statuses)
    replace(client, path, 3, "signup_dat,", "signup_date,", text)
    await ready(client, seen, lambda s: field(s, "errors") == 0)


async def test_clients_that_do_not_ask_get_no_status(client, project):
    record_statuses(client)
    path = project / "views" / "users_clean.sql"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    await asyncio.sleep(0.5)
    assert client.statuses == []

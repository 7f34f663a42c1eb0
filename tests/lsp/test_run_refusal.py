"""The editor's viewls.materialize and viewls.preview follow the refusal rule of the
command line: the cases of tests/materialize/refusal_cases.py, each in its own project
served by the real server over stdio, are refused with every error that stops them at
its place (path:line:column, as `check` reports it), and nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import accept_registrations
from tests.lsp.test_run_commands import execute
from tests.materialize.refusal_cases import CASES, Case


@pytest.fixture(params=CASES, ids=lambda case: case.id)
def case(request) -> Case:
    return request.param


@pytest.fixture
def project(tmp_path: Path, case: Case) -> Path:
    return case.write(tmp_path / "project")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]))
async def client(lsp_client: LanguageClient, project: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")]))
    yield
    await lsp_client.shutdown_session()


async def test_the_editor_commands_refuse_what_check_rejects(client, project: Path, case: Case):
    where = [f"{path}:{line}:{column}: " for path, line, column, _ in case.errors]
    for command, argument in [("viewls.materialize", {"views": [case.selected]}),
                              ("viewls.materialize", {"all": True}),
                              ("viewls.preview", {"view": case.selected})]:
        with pytest.raises(JsonRpcException, match="nothing was run: these have errors: ") as refused:
            await execute(client, command, argument)
        message = str(refused.value)
        assert all(place in message for place in where), message
    assert sorted(p.name for p in project.iterdir()) == sorted({Path(name).parts[0] for name in
                                                                ["viewls.toml", *case.files]})
    for name in case.runnable:
        result = await execute(client, "viewls.materialize", {"views": [name]})
        assert [(v["name"], v["status"]) for v in result["views"]] == [(name, "built")]

// The pure modules against the real viewls server (no VS Code): what the extension would show
// for the example projects. The server is found the way the extension finds it.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection, ExecuteCommandRequest, InitializeRequest, ProtocolConnection, StreamMessageReader, StreamMessageWriter,
  WorkDoneProgressCreateRequest,
} from "vscode-languageserver-protocol/node";
import { discoverServer } from "../src/discovery";
import { layoutGraph, nodeAtPath, parseGraph, renderSvg } from "../src/graphModel";
import { runSummary, unsavedFiles } from "../src/messages";
import { parsePreview, previewTableHtml } from "../src/previewModel";
import { allGlobs, sourceGlobs } from "../src/selector";
import { isStatusParams, StatusParams, statusView } from "../src/statusText";

const EXAMPLES = path.resolve(__dirname, "../../../../examples");
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "viewls-vscode-test-"));
let server: ChildProcess;
let connection: ProtocolConnection;
const statuses = new Map<string, StatusParams>();
const progress: { token: string | number; kind: string; message?: string }[] = [];
let log = "";  // the server's stderr, shown when it never gets ready
let readyWaiters: (() => void)[] = [];
const uriOf = (file: string) => pathToFileURL(file).toString();

function allReady(): boolean {
  return statuses.size === 2 && [...statuses.values()].every((s) => s.state === "ready");
}

before(async () => {
  // Copies, so that materializing writes nothing into the repository.
  for (const name of ["shop", "broken"]) fs.cpSync(path.join(EXAMPLES, name), path.join(workspace, name), { recursive: true });
  const found = discoverServer({ folders: [path.resolve(__dirname, "../../..")], pathEnv: process.env.PATH },
    { isExecutable: (file) => { try { fs.accessSync(file, fs.constants.X_OK); return fs.statSync(file).isFile(); } catch { return false; } } });
  assert.ok(found.ok, `no viewls server: ${found.ok ? "" : found.tried.join("; ")} (run make install first)`);
  server = spawn(found.server.command, found.server.args, { cwd: workspace, stdio: ["pipe", "pipe", "pipe"] });
  server.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.onNotification("viewls/status", (params: unknown) => {
    assert.ok(isStatusParams(params), `malformed status ${JSON.stringify(params)}`);
    statuses.set(params.root, params);
    if (allReady()) readyWaiters.splice(0).forEach((resolve) => resolve());
  });
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  connection.onNotification("$/progress", (params: { token: string | number; value: { kind: string; message?: string } }) => {
    progress.push({ token: params.token, kind: params.value.kind, message: params.value.message });
  });
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("workspace/codeLens/refresh", () => null);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: uriOf(workspace), workspaceFolders: [{ uri: uriOf(workspace), name: "examples" }],
    capabilities: { experimental: { viewlsStatus: true }, window: { workDoneProgress: true } },
  });
  const ready = new Promise<void>((resolve) => readyWaiters.push(resolve));
  await connection.sendNotification("initialized", {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() =>
    reject(new Error(`the server did not report both projects ready in 60 s; statuses ${JSON.stringify([...statuses.values()])}; log:\n${log}`)), 60_000)));
  await Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
});

after(async () => {
  readyWaiters = [];
  try {
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
  } finally {
    connection.dispose();
    server.kill();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});

const run = (command: string, argument: object) => connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });

test("the status bar text once both projects are analysed", () => {
  const shop = [...statuses.values()].find((s) => s.name === "shop")!;
  const broken = [...statuses.values()].find((s) => s.name === "broken")!;
  assert.equal(statusView([shop]).text, "$(check) viewls: shop ready");
  assert.match(statusView([broken]).text, /^\$\(error\) viewls: broken ready · \d+ errors?/);
  assert.match(statusView(statuses.values()).text, /^\$\(error\) viewls: 2 projects ready · \d+ errors?/);
});

test("the document selector's globs name every file that defines a view, spec files included", async () => {
  const { globs } = sourceGlobs(fs.readFileSync(path.join(workspace, "shop/viewls.toml"), "utf8"));
  const graph = parseGraph(await run("viewls.showGraph", { uri: uriOf(path.join(workspace, "shop/views/order_lines.sql")), view: null, format: "json" }));
  const sources = new Set(graph.nodes.filter((n) => n.kind === "view").map((n) => n.path));
  const unmatched = [...sources].filter((file) => !allGlobs(globs).some((glob) => path.matchesGlob(file, glob)));
  assert.deepEqual(unmatched, []);
  assert.ok(sources.has("specs/normalize.toml"), `no view from the spec file among ${[...sources].join(", ")}`);
});

test("the project graph renders every node with its hooks", async () => {
  const anyView = uriOf(path.join(workspace, "shop/views/order_lines.sql"));
  const graph = parseGraph(await run("viewls.showGraph", { uri: anyView, view: null, format: "json" }));
  const shop = [...statuses.values()].find((s) => s.name === "shop")!;
  assert.equal(graph.nodes.length, shop.views + shop.extracts);
  const svg = renderSvg(layoutGraph(graph));
  assert.equal((svg.match(/<g class="node /g) ?? []).length, graph.nodes.length);
  assert.equal((svg.match(/data-kind="extract"/g) ?? []).length, shop.extracts);
  assert.equal((svg.match(/data-ok="false"/g) ?? []).length, 0);
});

test("a view's neighbourhood is centred on it; broken views are marked", async () => {
  const file = path.join(workspace, "shop/views/order_lines.sql");
  const graph = parseGraph(await run("viewls.showGraph", { uri: uriOf(file), format: "json" }));
  assert.equal(nodeAtPath(graph, file)?.name, "order_lines");
  assert.ok(graph.nodes.length < 20);
  const broken = parseGraph(await run("viewls.showGraph", { uri: uriOf(path.join(workspace, "broken/views/city_stats.sql")), view: null, format: "json" }));
  assert.ok(renderSvg(layoutGraph(broken)).includes('data-name="city_stats" data-kind="view" data-ok="false"'));
});

test("preview rows become the table", async () => {
  const result = parsePreview(await run("viewls.preview", { uri: uriOf(path.join(workspace, "shop/views/order_lines.sql")), limit: 5 }));
  assert.equal(result.view, "order_lines");
  const html = previewTableHtml(result, 5);
  assert.equal((html.match(/<th scope="col">/g) ?? []).length, result.columns.length);
  assert.equal((html.match(/<tr>/g) ?? []).length, 6);
  assert.match(html, /first 5 rows \(limit 5\)/);
});

test("materialize all: server-created progress, then the summary", async () => {
  const result = await run("viewls.materialize", { uri: uriOf(path.join(workspace, "shop/views/order_lines.sql")), all: true });
  const summary = runSummary(result);
  // Every view, the spec file's generated ones included, as the status counts them.
  const views = [...statuses.values()].find((s) => s.name === "shop")!.views;
  assert.match(summary.text, new RegExp(`^${views} built, 0 up to date in \\d+\\.\\d s$`));
  assert.equal(summary.details.length, views);
  const kinds = progress.map((p) => p.kind);
  assert.equal(kinds[0], "begin");
  assert.equal(kinds.at(-1), "end");
  assert.ok(kinds.includes("report"));
  const again = runSummary(await run("viewls.materialize", { uri: uriOf(path.join(workspace, "shop/views/order_lines.sql")), all: true, changed: true }));
  assert.match(again.text, new RegExp(`^0 built, ${views} up to date`));
});

test("an unsaved buffer is refused with the file named", async () => {
  const file = path.join(workspace, "shop/views/order_lines.sql");
  const text = fs.readFileSync(file, "utf8");
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uriOf(file), languageId: "sql", version: 1, text: `${text}\n-- edited\n` } });
  await assert.rejects(run("viewls.materialize", { uri: uriOf(file) }), (error: Error) => {
    assert.deepEqual(unsavedFiles(error.message), ["order_lines.sql"]);
    return true;
  });
});

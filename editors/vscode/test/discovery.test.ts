import assert from "node:assert/strict";
import { test } from "node:test";
import { commandSetting, discoverServer, notFoundMessage, venvSearchDirectories } from "../src/discovery";

const fakeFs = (...executables: string[]) => ({ isExecutable: (file: string) => executables.includes(file) });
const PATH = "/usr/local/bin:/usr/bin";

test("the command setting wins over everything, as an array or a string", () => {
  const probe = fakeFs("/opt/v/bin/viewls", "/w/.venv/bin/viewls", "/usr/bin/viewls");
  const array = discoverServer({ command: ["/opt/v/bin/viewls", "serve", "--log", "debug"], folders: ["/w"], pathEnv: PATH }, probe);
  assert.ok(array.ok);
  assert.deepEqual([array.server.command, array.server.args], ["/opt/v/bin/viewls", ["serve", "--log", "debug"]]);
  assert.equal(array.server.source, "setting viewls.server.command");
  const text = discoverServer({ command: "  viewls   serve ", folders: ["/w"], pathEnv: PATH }, probe);
  assert.ok(text.ok);
  assert.deepEqual([text.server.command, text.server.args], ["/usr/bin/viewls", ["serve"]]);
});

test("a wrong command setting is the error, not silently replaced by the .venv", () => {
  const found = discoverServer({ command: ["/nope/viewls", "serve"], folders: ["/w"], pathEnv: PATH }, fakeFs("/w/.venv/bin/viewls"));
  assert.equal(found.ok, false);
  assert.match(!found.ok ? found.error : "", /viewls\.server\.command names "\/nope\/viewls"/);
  assert.deepEqual(found.tried, ["setting viewls.server.command: /nope/viewls serve (not found)"]);
  const empty = discoverServer({ command: [], folders: [], pathEnv: PATH }, fakeFs());
  assert.equal(empty.ok, false);
});

test("the python setting runs -m viewls serve, found on PATH or as a path", () => {
  const onPath = discoverServer({ python: "python3", folders: ["/w"], pathEnv: PATH }, fakeFs("/usr/bin/python3", "/w/.venv/bin/viewls"));
  assert.ok(onPath.ok);
  assert.deepEqual([onPath.server.command, onPath.server.args], ["/usr/bin/python3", ["-m", "viewls", "serve"]]);
  const missing = discoverServer({ python: "/envs/x/bin/python", folders: ["/w"], pathEnv: PATH }, fakeFs());
  assert.equal(missing.ok, false);
});

test("null settings fall through to the workspace .venv: viewls, then its python", () => {
  const venv = discoverServer({ command: null, python: null, folders: ["/w/a"], pathEnv: PATH }, fakeFs("/w/a/.venv/bin/viewls", "/usr/bin/viewls"));
  assert.ok(venv.ok);
  assert.equal(venv.server.command, "/w/a/.venv/bin/viewls");
  assert.deepEqual(venv.server.args, ["serve"]);
  const python = discoverServer({ folders: ["/w/a"], pathEnv: PATH }, fakeFs("/w/a/.venv/bin/python", "/usr/bin/viewls"));
  assert.ok(python.ok);
  assert.deepEqual([python.server.command, python.server.args], ["/w/a/.venv/bin/python", ["-m", "viewls", "serve"]]);
});

test("a .venv in a parent of the folder is found (a project opened inside its repository)", () => {
  const found = discoverServer({ folders: ["/repo/examples/shop"], pathEnv: PATH }, fakeFs("/repo/.venv/bin/viewls"));
  assert.ok(found.ok);
  assert.equal(found.server.command, "/repo/.venv/bin/viewls");
  assert.deepEqual(found.tried.slice(0, 4), ["/repo/examples/shop/.venv/bin/viewls", "/repo/examples/shop/.venv/bin/python -m viewls",
    "/repo/examples/.venv/bin/viewls", "/repo/examples/.venv/bin/python -m viewls"]);
});

test("every folder is searched before any parent", () => {
  assert.deepEqual(venvSearchDirectories(["/a/b", "/c"]), ["/a/b", "/c", "/a"]);
});

test("PATH is the last resort; nothing found lists everything tried", () => {
  const onPath = discoverServer({ folders: ["/w"], pathEnv: "/home/u/.local/bin::/usr/bin" }, fakeFs("/home/u/.local/bin/viewls"));
  assert.ok(onPath.ok);
  assert.equal(onPath.server.source, "PATH");
  const none = discoverServer({ folders: ["/w"], pathEnv: PATH }, fakeFs());
  assert.equal(none.ok, false);
  assert.deepEqual(none.tried, ["/w/.venv/bin/viewls", "/w/.venv/bin/python -m viewls", "viewls on PATH"]);
  const message = notFoundMessage(!none.ok ? none.error : "", none.tried);
  assert.match(message, /not found\. Tried: \/w\/\.venv\/bin\/viewls; .*viewls on PATH\./);
  assert.match(message, /viewls\.server\.python/);
  assert.match(message, /viewls\.server\.command/);
});

test("Windows: Scripts\\viewls.exe and ; separated PATH", () => {
  const found = discoverServer({ folders: ["C:\\w"], pathEnv: "C:\\bin;C:\\py", platform: "win32" }, fakeFs("C:\\py/viewls.exe"));
  assert.ok(found.ok);
  assert.equal(found.server.command, "C:\\py/viewls.exe");
});

test("commandSetting", () => {
  assert.equal(commandSetting(null), undefined);
  assert.equal(commandSetting(undefined), undefined);
  assert.deepEqual(commandSetting(""), []);
  assert.deepEqual(commandSetting("a b"), ["a", "b"]);
});

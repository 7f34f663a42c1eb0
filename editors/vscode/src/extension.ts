// Entry point: wires the server, the panels and the commands together.
//
// Command ids: the server registers viewls.showGraph / viewls.preview / viewls.materialize (its
// code lenses carry them); the client's own commands have different ids, and the lens commands
// are intercepted in the client's executeCommand middleware so that clicking a lens opens the
// graph or preview panel, or runs a materialization with a progress notification.
import * as vscode from "vscode";
import { GraphPanel, GraphTarget, SHOW_GRAPH } from "./graphPanel";
import { MATERIALIZE, Materializer } from "./materialize";
import { PREVIEW, PreviewPanel, PreviewTarget } from "./previewPanel";
import { isViewSource, Project, someViewFile } from "./projects";
import { Server } from "./server";
import { activeViewTarget } from "./viewTarget";

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const argumentOf = (args: unknown[]): Record<string, unknown> =>
    typeof args[0] === "object" && args[0] !== null ? args[0] as Record<string, unknown> : {};

  const started = new Server({
    executeCommand: async (command, args, next) => {
      // The lenses' commands, shown instead of returned (a lens has nowhere to put a result).
      if (command === SHOW_GRAPH) return graph.show(argumentOf(args) as GraphTarget);
      if (command === PREVIEW) return preview.show(argumentOf(args) as PreviewTarget);
      if (command === MATERIALIZE) return materializer.run(argumentOf(args));
      return next(command, args);
    },
    progressCreated: (client, token) => materializer.progressCreated(client, token),
  });
  server = started;
  // The hooks above run only once the server is up, after these exist.
  const materializer = new Materializer(started);
  const graph = new GraphPanel(started);
  const preview = new PreviewPanel(started);
  context.subscriptions.push(started, materializer, graph, preview);

  const register = (id: string, run: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));
  register("viewls.showLog", () => started.log.show());
  register("viewls.restartServer", () => started.restart());
  // Commands on "the current view": the explorer's SQL file, or the view at the cursor.
  const onView = (what: string, run: (target: { uri: string; view?: string }) => Promise<void>) => async (resource?: unknown) => {
    const target = await activeViewTarget(started.projects, resource);
    if (target === null) return;  // a choice was cancelled
    if (!target) return void vscode.window.showInformationMessage(`viewls: open a view's source file (SQL, spec or builder) to ${what}.`);
    await run(target);
  };
  register("viewls.showGraphView", onView("see its dependency graph", (target) => graph.show(target)));
  register("viewls.showGraphProject", async () => {
    const uri = await projectUri(started);
    if (uri !== null) await graph.show({ uri, view: null });
  });
  register("viewls.previewView", onView("preview it", (target) => preview.show(target)));
  register("viewls.materializeView", onView("materialize it",
    (target) => materializer.run({ uri: target.uri, views: target.view ? [target.view] : undefined })));
  register("viewls.materializeAll", async () => {
    const uri = await projectUri(started);
    if (uri !== null) await materializer.run({ uri, all: true });
  });

  // Restart when the set of projects or their source globs change; other edits of viewls.toml
  // reach the server through its own file watchers.
  const watcher = vscode.workspace.createFileSystemWatcher("**/viewls.toml");
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void started.projectsChanged(), 500);
  };
  context.subscriptions.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed),
    vscode.workspace.onDidChangeWorkspaceFolders(changed), { dispose: () => clearTimeout(timer) },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("viewls.server")) void started.restart();
    }));
  void vscode.commands.executeCommand("setContext", "viewls.active", true);
  // Whether the active editor shows a view source: the view commands in menus and palette.
  const sourceContext = () => void vscode.commands.executeCommand("setContext", "viewls.viewSource",
    vscode.window.activeTextEditor !== undefined && isViewSource(started.projects, vscode.window.activeTextEditor.document));
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(sourceContext), started.onStatus(sourceContext));
  await started.start();
}

/** A view source naming the project to act on: the active editor's, the only project's, or the
 * one the user picks. undefined lets the server choose (one project); null means cancelled. */
async function projectUri(server: Server): Promise<string | undefined | null> {
  const editor = vscode.window.activeTextEditor;
  const projects = server.projects;
  if (editor && isViewSource(projects, editor.document)) return editor.document.uri.toString();
  if (projects.length <= 1) return undefined;
  const picked = await vscode.window.showQuickPick(projects.map((p): vscode.QuickPickItem & { project: Project } =>
    ({ label: p.name, description: vscode.workspace.asRelativePath(p.dir), project: p })), { placeHolder: "viewls project" });
  if (!picked) return null;
  const file = await someViewFile(picked.project);
  if (!file) {
    void vscode.window.showErrorMessage(`viewls: ${picked.label} has no view files.`);
    return null;
  }
  return file.toString();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}

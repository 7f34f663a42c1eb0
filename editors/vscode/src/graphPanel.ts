// "viewls graph: ..." webview: the neighbourhood of a view or the whole project, laid out by
// graphModel.ts, following edits (re-queried when analysis is ready or diagnostics change).
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { extractLine, GraphJson, layoutGraph, nodeAtPath, parseGraph, renderSvg } from "./graphModel";
import { makeNonce } from "./html";
import { Server } from "./server";
import { activeViewTarget } from "./viewTarget";
import { GraphMessage, graphPageHtml, GraphPageState } from "./webviewPages";

export const SHOW_GRAPH = "viewls.showGraph";

export interface GraphTarget {
  /** A view source: names the project, and the view unless `view` says otherwise. */
  uri?: string;
  /** The view at the centre; null for the whole project. */
  view?: string | null;
}

export class GraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: GraphTarget = {};
  /** The neighbourhood to go back to from the whole project. */
  private neighbourhood: GraphTarget | undefined;
  private graph: GraphJson | undefined;
  private state: GraphPageState = { title: "viewls graph", toggle: "Whole project", svg: "" };
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly server: Server) {
    // Follow edits: a new analysis (or new diagnostics) may change edges and broken views.
    this.disposables.push(server.onStatus((status) => status.state === "ready" && this.refreshSoon()),
      vscode.languages.onDidChangeDiagnostics(() => this.refreshSoon()));
  }

  async show(target: GraphTarget): Promise<void> {
    this.target = target;
    // Remember a neighbourhood to toggle back to: the webview takes the focus (and with it
    // the active editor) once it is shown.
    if (target.view !== null) this.neighbourhood = target;
    else this.neighbourhood ??= (await activeViewTarget(this.server.projects)) ?? undefined;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("viewls.graph", "viewls graph", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
      });
      this.panel.webview.onDidReceiveMessage((message: GraphMessage) => this.received(message));
      this.ready = false;
      this.panel.webview.html = graphPageHtml(this.state, makeNonce(crypto.randomBytes));
    } else {
      this.panel.reveal(undefined, true);
    }
    await this.refresh();
  }

  private refreshSoon(): void {
    if (!this.panel) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 400);
  }

  private async refresh(): Promise<void> {
    if (!this.panel) return;
    const generation = ++this.generation;  // a slow answer must not overwrite a newer one
    const target = this.target;
    void this.panel.webview.postMessage({ type: "busy" });
    try {
      const graph = parseGraph(await this.server.request(SHOW_GRAPH, { ...target, format: "json" }));
      if (generation !== this.generation) return;
      this.graph = graph;
      const centre = target.view ?? (target.view === null || !target.uri ? undefined : nodeAtPath(graph, vscode.Uri.parse(target.uri).fsPath)?.name);
      const project = path.basename(graph.root);
      const title = target.view === null ? `viewls graph: ${project}` : `viewls graph: ${centre ?? project}`;
      const cycles = graph.cycles.length ? `Cycles: ${graph.cycles.map((c) => c.join(" → ")).join("; ")}` : undefined;
      this.render({ title, toggle: target.view === null ? "Neighbourhood" : "Whole project", svg: renderSvg(layoutGraph(graph, centre ?? undefined)), error: cycles });
    } catch (error) {
      if (generation !== this.generation) return;
      this.render({ ...this.state, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private render(state: GraphPageState): void {
    this.state = state;
    if (!this.panel) return;
    this.panel.title = state.title;
    if (this.ready) void this.panel.webview.postMessage({ type: "render", ...state });
  }

  private async received(message: GraphMessage): Promise<void> {
    if (message.type === "ready") {
      this.ready = true;
      this.render(this.state);
    } else if (message.type === "toggle") {
      if (this.target.view === null) {
        const back = this.neighbourhood ?? await activeViewTarget(this.server.projects);
        if (back === null) return;
        if (!back) {
          void vscode.window.showInformationMessage("viewls: open a view's source file to see its neighbourhood.");
          return;
        }
        this.target = back;
      } else {
        this.target = { uri: this.target.uri, view: null };
      }
      await this.refresh();
    } else if (message.type === "open") {
      await this.open(message.name);
    }
  }

  /** Opens a node's file: a view's source at its definition (a spec row, a builder), or
   * viewls.toml at an extract's declaration. */
  private async open(name: string): Promise<void> {
    const node = this.graph?.nodes.find((n) => n.name === name);
    if (!node || !this.graph) return;
    const uri = vscode.Uri.file(path.join(this.graph.root, node.path));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const position = node.kind === "extract" ? new vscode.Position(extractLine(document.getText(), node.name), 0)
        : await viewPosition(document, node.name);
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
    } catch (error) {
      void vscode.window.showErrorMessage(`viewls: cannot open ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Where `view` is defined in `document`: the server's document symbol of that view (a class
 * symbol: a spec file or builder module defines several views, each at its row); the start
 * otherwise (a SQL file is its one view). */
async function viewPosition(document: vscode.TextDocument, view: string): Promise<vscode.Position> {
  const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(
    "vscode.executeDocumentSymbolProvider", document.uri);
  const found = (symbols ?? []).find((s) => s.name === view && s.kind === vscode.SymbolKind.Class);
  if (!found) return new vscode.Position(0, 0);
  return "selectionRange" in found ? found.selectionRange.start : found.location.range.start;
}

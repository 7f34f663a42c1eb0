// "viewls preview: <view>" webview: the first rows of a view from viewls.preview.
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { makeNonce } from "./html";
import { saveDirty } from "./materialize";
import { unsavedFiles } from "./messages";
import { parsePreview, previewTableHtml } from "./previewModel";
import { Server } from "./server";
import { previewPageHtml, PreviewMessage, PreviewPageState } from "./webviewPages";

export const PREVIEW = "viewls.preview";
const DEFAULT_LIMIT = 20;

export interface PreviewTarget {
  uri?: string;
  view?: string;
  limit?: number;
}

export class PreviewPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: PreviewTarget = {};
  private state: PreviewPageState = { title: "viewls preview", limit: DEFAULT_LIMIT, table: "" };
  private ready = false;
  private generation = 0;

  constructor(private readonly server: Server) {}

  async show(target: PreviewTarget): Promise<void> {
    this.target = { ...target, limit: target.limit ?? this.state.limit };
    const name = target.view ?? (target.uri ? path.basename(vscode.Uri.parse(target.uri).fsPath, ".sql") : "");
    this.state = { ...this.state, title: `viewls preview: ${name}`, limit: this.target.limit ?? DEFAULT_LIMIT };
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("viewls.preview", this.state.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
      });
      this.panel.webview.onDidReceiveMessage((message: PreviewMessage) => this.received(message));
      this.ready = false;
      this.panel.webview.html = previewPageHtml(this.state, makeNonce(crypto.randomBytes));
    } else {
      this.panel.reveal(undefined, true);
    }
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    if (!this.panel) return;
    const generation = ++this.generation;
    const limit = this.target.limit ?? DEFAULT_LIMIT;
    void this.panel.webview.postMessage({ type: "busy" });
    try {
      const result = parsePreview(await this.server.request(PREVIEW, { ...this.target, limit }));
      if (generation !== this.generation) return;
      const name = result.view || this.target.view || "";
      this.render({ title: `viewls preview: ${name}`, limit, table: previewTableHtml(result, limit) });
    } catch (error) {
      if (generation !== this.generation) return;
      const message = error instanceof Error ? error.message : String(error);
      this.render({ ...this.state, error: message });
      const unsaved = unsavedFiles(message);
      if (unsaved) {
        const choice = await vscode.window.showWarningMessage(`viewls: ${message}`, "Save and Preview");
        if (choice === "Save and Preview" && await saveDirty(unsaved)) await this.refresh();
      }
    }
  }

  private render(state: PreviewPageState): void {
    this.state = state;
    if (!this.panel) return;
    this.panel.title = state.title;
    if (this.ready) void this.panel.webview.postMessage({ type: "render", ...state, error: state.error ?? "" });
  }

  private async received(message: PreviewMessage): Promise<void> {
    if (message.type === "ready") {
      this.ready = true;
      this.render(this.state);
    } else if (message.type === "refresh") {
      this.target = { ...this.target, limit: message.limit };
      await this.refresh();
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

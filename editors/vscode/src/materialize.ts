// viewls.materialize with a cancellable progress notification and a summary at the end.
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, ProgressToken, WorkDoneProgress, WorkDoneProgressCancelNotification } from "vscode-languageclient/node";
import { runSummary, unsavedFiles } from "./messages";
import { Server } from "./server";

export const MATERIALIZE = "viewls.materialize";

interface Run {
  progress: vscode.Progress<{ message?: string; increment?: number }>;
  /** Server-created tokens this run reports through (cancelled with it). */
  tokens: { client: LanguageClient; token: ProgressToken }[];
  percentage: number;
  /** Progress listeners, ended with the run. */
  listeners: vscode.Disposable[];
}

export class Materializer implements vscode.Disposable {
  private current: Run | undefined;

  constructor(private readonly server: Server) {}

  /** `window/workDoneProgress/create`: the server's progress for the run under way. */
  progressCreated(client: LanguageClient, token: ProgressToken): void {
    const run = this.current;
    if (!run) {
      // Nothing of ours is running (another client feature asked): show it plainly.
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "viewls" }, (progress) =>
        new Promise<void>((resolve) => {
          const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
            if (value.kind === "end") {
              listener.dispose();
              resolve();
            } else if (value.message) progress.report({ message: value.message });
          });
        }));
      return;
    }
    run.tokens.push({ client, token });
    this.follow(run, client, token);
  }

  /** Reports the server's progress on `token` in the run's notification. */
  private follow(run: Run, client: LanguageClient, token: ProgressToken): void {
    run.listeners.push(client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === "end") return;
      const increment = value.percentage !== undefined ? Math.max(0, value.percentage - run.percentage) : undefined;
      if (value.percentage !== undefined) run.percentage = Math.max(run.percentage, value.percentage);
      run.progress.report({ message: value.message, increment });
    }));
  }

  /** Runs `argument` ({uri, views} or {uri?, all}) and tells how it went. */
  async run(argument: { uri?: string; views?: string[]; all?: boolean; changed?: boolean }): Promise<void> {
    if (this.current) {
      void vscode.window.showInformationMessage("viewls: a materialization is already running.");
      return;
    }
    const what = argument.all ? "all views" : argument.views?.length ? argument.views.join(", ")
      : argument.uri ? path.posix.basename(vscode.Uri.parse(argument.uri).path, ".sql") : "the view";
    let result: unknown;
    let cancelled = false;
    try {
      result = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, title: `viewls: materializing ${what}`, cancellable: true,
      }, async (progress, cancel) => {
        const run: Run = { progress, tokens: [], percentage: 0, listeners: [] };
        this.current = run;
        // The request's own token too: a server that reports through it (rather than one it
        // creates, as viewls does today) reaches the same notification.
        const workDoneToken = `viewls-client-${crypto.randomUUID()}`;
        const client = this.server.client;
        if (client) this.follow(run, client, workDoneToken);
        // Cancelling the server's progress lets the run stop at its next batch and still
        // answer with a summary; without a progress yet, the request itself is cancelled.
        const requestCancel = new vscode.CancellationTokenSource();
        const onCancel = cancel.onCancellationRequested(() => {
          cancelled = true;
          if (run.tokens.length === 0) requestCancel.cancel();
          for (const { client, token } of run.tokens) {
            void client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
          }
        });
        try {
          return await this.server.request(MATERIALIZE, argument, requestCancel.token, workDoneToken);
        } finally {
          onCancel.dispose();
          requestCancel.dispose();
          run.listeners.forEach((listener) => listener.dispose());
          this.current = undefined;
        }
      });
    } catch (error) {
      if (cancelled || error instanceof vscode.CancellationError) {
        void vscode.window.showInformationMessage("viewls: materialization cancelled.");
        return;
      }
      await this.failed(error, argument);
      return;
    }
    const summary = runSummary(result);
    for (const line of summary.details) this.server.log.info(line);
    const text = `viewls: materialized ${what}: ${summary.text}`;
    if (summary.failed) {
      const choice = await vscode.window.showErrorMessage(text, "Show Log");
      if (choice === "Show Log") this.server.log.show(true);
    } else {
      void vscode.window.showInformationMessage(text);
    }
  }

  private async failed(error: unknown, argument: Parameters<Materializer["run"]>[0]): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.server.log.error(`materialize failed: ${message}`);
    const unsaved = unsavedFiles(message);
    if (unsaved) {
      const choice = await vscode.window.showWarningMessage(`viewls: ${message}`, "Save and Materialize");
      if (choice === "Save and Materialize" && await saveDirty(unsaved)) await this.run(argument);
      return;
    }
    const problems = message.includes("have errors");
    const choice = await vscode.window.showErrorMessage(`viewls: ${message}`, ...(problems ? ["Show Problems"] : []), "Show Log");
    if (choice === "Show Problems") void vscode.commands.executeCommand("workbench.actions.view.problems");
    if (choice === "Show Log") this.server.log.show(true);
  }

  dispose(): void {
    this.current?.listeners.forEach((listener) => listener.dispose());
  }
}

/** Saves the open, modified documents with these file names; false when one would not save. */
export async function saveDirty(names: string[]): Promise<boolean> {
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && names.some((n) => d.uri.path.endsWith(`/${n}`)));
  const saved = await Promise.all(dirty.map((d) => d.save()));
  return saved.every(Boolean);
}

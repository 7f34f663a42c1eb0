// The language client's life: finding the server, starting it with a document selector for the
// projects' view files, restarting it, and the status bar item fed by `viewls/status`.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as vscode from "vscode";
import {
  ClientCapabilities, CloseAction, ErrorAction, ExecuteCommandRequest, FeatureState, LanguageClient, LanguageClientOptions,
  Middleware, ProgressToken, ServerOptions, StaticFeature, WorkDoneProgressCreateRequest,
} from "vscode-languageclient/node";
import { discoverServer, notFoundMessage, ServerCommand } from "./discovery";
import { documentSelector, findProjects, Project, selectorKey } from "./projects";
import { allGlobs } from "./selector";
import { isStatusParams, SERVER_FAILED, STARTING, StatusParams, statusView } from "./statusText";

export const STATUS_NOTIFICATION = "viewls/status";

/** Asks the server for `viewls/status` notifications (an experimental client capability). */
class StatusFeature implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), viewlsStatus: true };
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: "static" };
  }
  clear(): void {}
}

const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

export interface ServerHooks {
  /** Client-side handling of the server's own commands (the code lenses carry them). */
  executeCommand: NonNullable<Middleware["executeCommand"]>;
  /** A server-created progress token (`window/workDoneProgress/create`). */
  progressCreated(client: LanguageClient, token: ProgressToken): void;
}

/** A client whose server-created progress (`window/workDoneProgress/create`) goes to the
 * extension: the client's own handler shows it in the status bar only, while a
 * materialization deserves a cancellable notification (materialize.ts). Overriding the
 * registration keeps this true after the client restarts a crashed server. */
class ViewlsClient extends LanguageClient {
  constructor(id: string, name: string, server: ServerOptions, options: LanguageClientOptions,
    private readonly progressCreated: ServerHooks["progressCreated"]) {
    super(id, name, server, options);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the base method is overloaded
  override onRequest(type: any, handler: any): vscode.Disposable {
    const method = typeof type === "string" ? type : type.method;
    if (method === WorkDoneProgressCreateRequest.method) {
      return super.onRequest(WorkDoneProgressCreateRequest.type, (params) => this.progressCreated(this, params.token));
    }
    return super.onRequest(type, handler);
  }
}

export class Server implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel("viewls", { log: true });
  private readonly trace = vscode.window.createOutputChannel("viewls trace", { log: true });
  private readonly item = vscode.window.createStatusBarItem("viewls.status", vscode.StatusBarAlignment.Left, 10);
  private readonly statuses = new Map<string, StatusParams>();
  private readonly statusEmitter = new vscode.EventEmitter<StatusParams>();
  /** Fires on every `viewls/status` notification (panels re-query on "ready"). */
  readonly onStatus = this.statusEmitter.event;
  client: LanguageClient | undefined;
  projects: Project[] = [];
  private key = "";
  private starting: Promise<void> | undefined;
  /** The server's last stderr lines (for start-up failures). */
  private stderrTail: string[] = [];
  /** Clients that got through initialize (a crash of one of those is restarted). */
  private readonly running = new WeakSet<LanguageClient>();

  constructor(private readonly hooks: ServerHooks) {
    this.item.name = "viewls";
    this.item.command = "viewls.showLog";
  }

  /** Starts the server unless it runs; an already running start is awaited, not repeated. */
  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async restart(): Promise<void> {
    await this.starting;
    await this.stop();
    await this.start();
  }

  /** Restarts when the projects' source globs changed (the selector is fixed per client). */
  async projectsChanged(): Promise<void> {
    const projects = await findProjects(this.log);
    if (selectorKey(projects) !== this.key || !this.client) {
      this.log.info("the viewls projects or their source globs changed: restarting");
      await this.restart();
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.statuses.clear();
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.log.warn(`stopping the server: ${String(error)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  /** Runs one of the server's commands, bypassing the client-side interception of lenses. */
  async request(command: string, argument: object, token?: vscode.CancellationToken, workDoneToken?: ProgressToken): Promise<unknown> {
    await this.starting;
    if (!this.client?.isRunning()) throw new Error("the viewls server is not running (see viewls: Show Log)");
    return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument], workDoneToken }, token);
  }

  private async doStart(): Promise<void> {
    this.showStatus(STARTING);
    this.projects = await findProjects(this.log);
    this.key = selectorKey(this.projects);
    if (this.projects.length === 0) {
      this.log.info("no viewls.toml in this workspace: the server is not started");
      this.item.hide();
      return;
    }
    const config = vscode.workspace.getConfiguration("viewls");
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
    const found = discoverServer({
      command: config.get<string[] | string | null>("server.command"), python: config.get<string | null>("server.python"),
      folders, pathEnv: process.env.PATH,
    }, { isExecutable });
    if (!found.ok) {
      this.failed(notFoundMessage(found.error, found.tried));
      return;
    }
    const server = found.server;
    this.log.info(`starting ${[server.command, ...server.args].join(" ")} (from ${server.source}) for ` +
      this.projects.map((p) => `${p.name} [${allGlobs(p.globs).join(", ")}]`).join(", "));
    const client = this.createClient(server, folders[0]);
    this.client = client;
    try {
      await client.start();
      this.running.add(client);
    } catch (error) {
      if (this.client === client) this.client = undefined;
      await client.dispose().catch(() => undefined);
      const said = this.stderrTail.length ? `it said: ${this.stderrTail.join(" ⏎ ")}` : (error instanceof Error ? error.message : String(error));
      this.failed(`viewls: the server (${[server.command, ...server.args].join(" ")}, from ${server.source}) did not start; ` +
        `${said}. Tried: ${found.tried.join("; ")}. ` +
        "Check that this command runs `viewls serve` (pip install viewls), or set viewls.server.command / viewls.server.python.");
      return;
    }
  }

  private createClient(server: ServerCommand, cwd: string | undefined): LanguageClient {
    // Spawned here rather than by the client: the last lines the server wrote to stderr go into
    // the message when it dies during start-up ("No module named viewls" says more than "the
    // connection got disposed"). The client still copies stderr into the log.
    const serverOptions: ServerOptions = async () => {
      this.stderrTail = [];
      const child = spawn(server.command, server.args, { cwd, stdio: "pipe" });
      child.on("error", (error) => this.stderrTail.push(String(error)));
      child.stderr.on("data", (chunk: Buffer) => {
        this.stderrTail = [...this.stderrTail, ...chunk.toString().split(/\r?\n/).filter((l) => l.trim())].slice(-6);
      });
      return child;
    };
    let crashes = 0;
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(this.projects),
      outputChannel: this.log,
      traceOutputChannel: this.trace,
      middleware: { executeCommand: this.hooks.executeCommand },
      initializationFailedHandler: (error) => {
        this.log.error(`initialize failed: ${String(error)}`);
        return false;
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          // During start-up, doStart reports the failure; restarting would only repeat it.
          if (!this.running.has(client)) return { action: CloseAction.DoNotRestart, handled: true };
          // A crash restarts the server a few times; then the user is told, not left guessing.
          crashes += 1;
          if (crashes <= 3) {
            this.log.warn(`the server stopped unexpectedly; restarting (${crashes} of 3)`);
            this.statuses.clear();
            this.showStatus(STARTING);
            return { action: CloseAction.Restart };
          }
          this.failed("viewls: the server stopped unexpectedly 4 times and is not restarted. See the log, then run viewls: Restart Server.");
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new ViewlsClient("viewls", "viewls", serverOptions, clientOptions, this.hooks.progressCreated);
    client.registerFeature(new StatusFeature());
    client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      if (!isStatusParams(params)) {
        this.log.warn(`ignoring a malformed ${STATUS_NOTIFICATION}: ${JSON.stringify(params)}`);
        return;
      }
      if (params.state === "failed") this.log.error(`${params.name}: ${params.message ?? "failed to load"}`);
      this.statuses.set(params.root, params);
      this.showStatus(statusView(this.statuses.values()));
      this.statusEmitter.fire(params);
    });
    return client;
  }

  private failed(message: string): void {
    this.log.error(message);
    this.showStatus({ ...SERVER_FAILED, tooltip: `${message}\nClick to show the log.` });
    void vscode.window.showErrorMessage(message, "Open Settings", "Show Log").then((choice) => {
      if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "viewls.server");
      if (choice === "Show Log") this.log.show();
    });
  }

  private showStatus(view: { text: string; tooltip: string; error: boolean }): void {
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, "") };
    this.item.show();
  }

  dispose(): void {
    void this.stop();
    this.item.dispose();
    this.statusEmitter.dispose();
    this.trace.dispose();
    this.log.dispose();
  }
}

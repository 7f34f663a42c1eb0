// The status bar text, from the server's `viewls/status` notifications. Pure (no `vscode`).
//
// Text format (the end-to-end test reads "ready" from it; keep it stable):
//   before any notification           "$(loading~spin) viewls: starting"
//   the server could not start        "$(error) viewls: failed"
//   one project, loading/analysing    "$(sync~spin) viewls: shop analysing"   ("loading" likewise)
//   one project, ready and clean      "$(check) viewls: shop ready"
//   one project, ready with findings  "$(error) viewls: shop ready · 1 error, 2 warnings"
//                                     "$(warning) viewls: shop ready · 1 warning"
//   one project, failed to load       "$(error) viewls: shop failed"
//   several projects                  the same with "N projects" for the name, the least settled
//                                     state of all, and findings summed:
//                                     "$(sync~spin) viewls: 2 projects analysing",
//                                     "$(check) viewls: 2 projects ready",
//                                     "$(error) viewls: 1 of 2 projects failed"
// "ready" appears in the text exactly when every project is ready.

export type State = "loading" | "analysing" | "ready" | "failed";

export interface StatusParams {
  root: string;
  name: string;
  state: State;
  views: number;
  extracts: number;
  errors: number;
  warnings: number;
  message?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Whether the item should use the error background. */
  error: boolean;
}

export const STARTING: StatusView = { text: "$(loading~spin) viewls: starting", tooltip: "viewls: starting the language server", error: false };
export const SERVER_FAILED: StatusView = { text: "$(error) viewls: failed", tooltip: "viewls: the language server is not running. Click to show the log.", error: true };

const STATES: ReadonlySet<string> = new Set(["loading", "analysing", "ready", "failed"]);

/** Whether a notification's params have the documented shape (a bad one is logged, not shown). */
export function isStatusParams(value: unknown): value is StatusParams {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.root === "string" && typeof v.name === "string" && typeof v.state === "string" && STATES.has(v.state) &&
    ["views", "extracts", "errors", "warnings"].every((key) => typeof v[key] === "number");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function findings(errors: number, warnings: number): string {
  return [errors ? plural(errors, "error") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean).join(", ");
}

function describe(project: StatusParams): string {
  const counts = `${plural(project.views, "view")}, ${plural(project.extracts, "extract")}`;
  switch (project.state) {
    case "failed":
      return `${project.name}: failed${project.message ? ` — ${project.message}` : ""}`;
    case "ready": {
      const found = findings(project.errors, project.warnings);
      return `${project.name}: ready (${counts}${found ? `; ${found}` : ""})`;
    }
    default:
      return `${project.name}: ${project.state}`;
  }
}

/** The status bar item for the latest status of each project (keyed by root). */
export function statusView(projects: Iterable<StatusParams>): StatusView {
  const all = [...projects].sort((a, b) => a.root.localeCompare(b.root));
  if (all.length === 0) return STARTING;
  const name = all.length === 1 ? all[0].name : `${all.length} projects`;
  const tooltip = ["viewls (click to show the log)", ...all.map(describe)].join("\n");
  const failed = all.filter((p) => p.state === "failed").length;
  if (failed) {
    const who = all.length === 1 ? name : `${failed} of ${all.length} projects`;
    return { text: `$(error) viewls: ${who} failed`, tooltip, error: true };
  }
  const busy = all.find((p) => p.state === "loading") ?? all.find((p) => p.state === "analysing");
  if (busy) return { text: `$(sync~spin) viewls: ${name} ${busy.state}`, tooltip, error: false };
  const errors = all.reduce((sum, p) => sum + p.errors, 0);
  const warnings = all.reduce((sum, p) => sum + p.warnings, 0);
  const found = findings(errors, warnings);
  const icon = errors ? "$(error)" : warnings ? "$(warning)" : "$(check)";
  return { text: `${icon} viewls: ${name} ready${found ? ` · ${found}` : ""}`, tooltip, error: false };
}

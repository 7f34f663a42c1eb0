// Which files belong to a viewls project: the `[project] views` globs of its viewls.toml.
// Pure (no `vscode`): the extension turns these into RelativePatterns.
import { parse } from "smol-toml";

export const DEFAULT_VIEW_GLOBS = ["views/**/*.sql"];

export interface ProjectGlobs {
  globs: string[];
  /** Why the defaults were used instead of what the file says, if they were. */
  problem?: string;
}

/** The view globs a viewls.toml declares; defaults (with the reason) when it cannot say. */
export function viewGlobs(tomlText: string): ProjectGlobs {
  let document: Record<string, unknown>;
  try {
    document = parse(tomlText) as Record<string, unknown>;
  } catch (error) {
    // The server reports the syntax error itself; the defaults keep the views served meanwhile.
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { globs: DEFAULT_VIEW_GLOBS, problem: `viewls.toml is not valid TOML (${reason})` };
  }
  const project = document.project;
  if (project === undefined) return { globs: DEFAULT_VIEW_GLOBS };
  if (typeof project !== "object" || project === null || Array.isArray(project)) {
    return { globs: DEFAULT_VIEW_GLOBS, problem: "[project] is not a table" };
  }
  const views = (project as Record<string, unknown>).views;
  if (views === undefined) return { globs: DEFAULT_VIEW_GLOBS };
  if (!Array.isArray(views)) return { globs: DEFAULT_VIEW_GLOBS, problem: "project.views is not an array of globs" };
  const globs = views.filter((glob): glob is string => typeof glob === "string" && glob.trim() !== "")
    .map((glob) => glob.replace(/\\/g, "/").replace(/^\.\//, ""));
  if (globs.length !== views.length) {
    return { globs, problem: "project.views holds entries that are not glob strings; they are ignored" };
  }
  return { globs };
}

/** A document filter as the language client takes it (LSP's, with a RelativePattern). */
export interface ProjectFilter {
  scheme: "file";
  language?: "sql";
  pattern: { baseUri: string; pattern: string };
}

/** The filters for one project: its view files (SQL under its globs) and its viewls.toml, whose
 * diagnostics, references and definitions the server also answers (whatever language VS Code
 * gives it). `dirUri` is the project directory's file URI. */
export function projectFilters(dirUri: string, globs: string[]): ProjectFilter[] {
  return [
    ...globs.map((glob): ProjectFilter => ({ scheme: "file", language: "sql", pattern: { baseUri: dirUri, pattern: glob } })),
    { scheme: "file", pattern: { baseUri: dirUri, pattern: "viewls.toml" } },
  ];
}

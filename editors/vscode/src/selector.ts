// Which files belong to a viewls project: the view sources its viewls.toml names under
// `[project]` (SQL files `views`, spec files `specs`, builder modules `builders`).
// Pure (no `vscode`): the extension turns these into RelativePatterns.
import { parse } from "smol-toml";

/** The glob lists of each kind of view source. */
export interface SourceGlobs {
  views: string[];
  specs: string[];
  builders: string[];
}

/** What the server assumes when `[project]` does not say (builders are opt-in). */
export const DEFAULT_GLOBS: Readonly<SourceGlobs> = Object.freeze({
  views: ["views/**/*.sql"],
  specs: ["specs/**/*.toml"],
  builders: [],
});

export interface ProjectGlobs {
  globs: SourceGlobs;
  /** Why defaults were used (or entries dropped) instead of what the file says. */
  problems: string[];
}

const KINDS = ["views", "specs", "builders"] as const;

const defaults = (): SourceGlobs => ({ views: [...DEFAULT_GLOBS.views], specs: [...DEFAULT_GLOBS.specs], builders: [...DEFAULT_GLOBS.builders] });

/** The source globs a viewls.toml declares; defaults (with the reason) where it cannot say. */
export function sourceGlobs(tomlText: string): ProjectGlobs {
  let document: Record<string, unknown>;
  try {
    document = parse(tomlText) as Record<string, unknown>;
  } catch (error) {
    // The server reports the syntax error itself; the defaults keep the sources served meanwhile.
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { globs: defaults(), problems: [`viewls.toml is not valid TOML (${reason})`] };
  }
  const project = document.project;
  if (project === undefined) return { globs: defaults(), problems: [] };
  if (typeof project !== "object" || project === null || Array.isArray(project)) {
    return { globs: defaults(), problems: ["[project] is not a table"] };
  }
  const globs = defaults();
  const problems: string[] = [];
  for (const kind of KINDS) {
    let value = (project as Record<string, unknown>)[kind];
    if (value === undefined) continue;
    if (typeof value === "string") {
      // As the server does: it reports the missing brackets and uses the one glob.
      problems.push(`project.${kind} is a string, not an array of globs; it is used as one glob`);
      value = [value];
    }
    if (!Array.isArray(value)) {
      problems.push(`project.${kind} is not an array of globs`);
      continue;
    }
    globs[kind] = value.filter((glob): glob is string => typeof glob === "string" && glob.trim() !== "")
      .map((glob) => glob.replace(/\\/g, "/").replace(/^\.\//, ""));
    if (globs[kind].length !== value.length) problems.push(`project.${kind} holds entries that are not glob strings; they are ignored`);
  }
  return { globs, problems };
}

/** A document filter as the language client takes it (LSP's, with a RelativePattern). */
export interface ProjectFilter {
  scheme: "file";
  language?: "sql" | "python";
  pattern: { baseUri: string; pattern: string };
}

/** The filters for one project's view sources: its SQL view files, its spec files (any
 * language id: VS Code has no TOML language of its own, extensions name it differently) and
 * its Python builder modules. Other TOML and Python files stay with other extensions.
 * `dirUri` is the project directory's file URI. */
export function sourceFilters(dirUri: string, globs: SourceGlobs): ProjectFilter[] {
  const filter = (pattern: string, language?: ProjectFilter["language"]): ProjectFilter =>
    ({ scheme: "file", ...(language ? { language } : {}), pattern: { baseUri: dirUri, pattern } });
  return [
    ...globs.views.map((glob) => filter(glob, "sql")),
    ...globs.specs.map((glob) => filter(glob)),
    ...globs.builders.map((glob) => filter(glob, "python")),
  ];
}

/** What the server is sent of one project: its view sources and its viewls.toml, whose
 * diagnostics, references and definitions the server also answers. */
export function projectFilters(dirUri: string, globs: SourceGlobs): ProjectFilter[] {
  return [...sourceFilters(dirUri, globs), { scheme: "file", pattern: { baseUri: dirUri, pattern: "viewls.toml" } }];
}

/** Every glob of a project, views first (to find some file that names the project). */
export function allGlobs(globs: SourceGlobs): string[] {
  return [...globs.views, ...globs.specs, ...globs.builders];
}

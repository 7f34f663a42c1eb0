// The workspace's viewls projects (each viewls.toml) and the document selector built from
// their source globs, so that only their view sources (SQL, spec and builder files) reach the
// server.
import * as path from "node:path";
import * as vscode from "vscode";
import { DocumentFilter } from "vscode-languageclient/node";
import { allGlobs, projectFilters, SourceGlobs, sourceFilters, sourceGlobs } from "./selector";

export interface Project {
  /** The directory holding viewls.toml. */
  dir: vscode.Uri;
  name: string;
  globs: SourceGlobs;
}

const EXCLUDE = "**/{node_modules,.git,.venv,target}/**";

export async function findProjects(log: vscode.LogOutputChannel): Promise<Project[]> {
  const configs = await vscode.workspace.findFiles("**/viewls.toml", EXCLUDE);
  const projects: Project[] = [];
  for (const config of configs.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    if (config.scheme !== "file") continue;  // the server reads projects from disk
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(config));
    } catch (error) {
      log.warn(`cannot read ${config.fsPath}: ${String(error)}`);
      continue;
    }
    const { globs, problems } = sourceGlobs(text);
    if (problems.length) log.warn(`${config.fsPath}: ${problems.join("; ")}; serving ${allGlobs(globs).join(", ")}`);
    const dir = vscode.Uri.file(path.dirname(config.fsPath));
    projects.push({ dir, name: path.basename(dir.fsPath), globs });
  }
  return projects;
}

export function documentSelector(projects: Project[]): DocumentFilter[] {
  return projects.flatMap((project) => projectFilters(project.dir.toString(), project.globs));
}

/** A stable key: a restart is needed only when this changes (the server itself follows other
 * viewls.toml edits through its file watchers). */
export function selectorKey(projects: Project[]): string {
  return JSON.stringify(projects.map((p) => [p.dir.fsPath, p.globs]));
}

/** Whether `document` is a view source (SQL, spec or builder file) of one of `projects`. */
export function isViewSource(projects: Project[], document: vscode.TextDocument): boolean {
  const filters = projects.flatMap((p) => sourceFilters(p.dir.toString(), p.globs)
    .map(({ language, pattern }) => ({ scheme: "file", language, pattern: new vscode.RelativePattern(p.dir, pattern.pattern) })));
  return vscode.languages.match(filters, document) > 0;
}

/** A source file of `project`: commands without an editor still need one to name the project. */
export async function someViewFile(project: Project): Promise<vscode.Uri | undefined> {
  for (const glob of allGlobs(project.globs)) {
    const [found] = await vscode.workspace.findFiles(new vscode.RelativePattern(project.dir, glob), EXCLUDE, 1);
    if (found) return found;
  }
  return undefined;
}

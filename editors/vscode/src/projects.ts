// The workspace's viewls projects (each viewls.toml) and the document selector built from
// their view globs, so that only their SQL files reach the server.
import * as path from "node:path";
import * as vscode from "vscode";
import { DocumentFilter } from "vscode-languageclient/node";
import { projectFilters, viewGlobs } from "./selector";

export interface Project {
  /** The directory holding viewls.toml. */
  dir: vscode.Uri;
  name: string;
  globs: string[];
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
    const { globs, problem } = viewGlobs(text);
    if (problem) log.warn(`${config.fsPath}: ${problem}; serving ${globs.join(", ")}`);
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

/** The project holding `uri`, nearest first. */
export function projectOf(projects: Project[], uri: vscode.Uri): Project | undefined {
  return projects.filter((p) => uri.fsPath === p.dir.fsPath || uri.fsPath.startsWith(p.dir.fsPath + path.sep))
    .sort((a, b) => b.dir.fsPath.length - a.dir.fsPath.length)[0];
}

/** A view file of `project`: commands without an editor still need one to name the project. */
export async function someViewFile(project: Project): Promise<vscode.Uri | undefined> {
  for (const glob of project.globs) {
    const [found] = await vscode.workspace.findFiles(new vscode.RelativePattern(project.dir, glob), EXCLUDE, 1);
    if (found) return found;
  }
  return undefined;
}

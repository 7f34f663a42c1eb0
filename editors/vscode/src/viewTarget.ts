// The view a command acts on: the file it was invoked on (explorer), or the view defined at
// the cursor of the active editor when that is a view source of a project.
import * as vscode from "vscode";
import { isViewSource, Project } from "./projects";
import { ViewSymbol, viewsAt } from "./viewsAt";

export interface ViewTarget {
  /** The view source. */
  uri: string;
  /** The view; unset: the file's only one (the server knows it). */
  view?: string;
}

/** The target, or undefined when there is none, or null when the user cancelled a choice. A
 * file's only view is left to the server to find (`view` unset); a spec row or builder that
 * defines several at the cursor (a template's instances) is chosen from a list. */
export async function activeViewTarget(projects: Project[], resource?: unknown): Promise<ViewTarget | undefined | null> {
  if (resource instanceof vscode.Uri) {
    // The explorer offers the commands on SQL files, which define one view each.
    return resource.scheme === "file" && resource.path.endsWith(".sql") ? { uri: resource.toString() } : undefined;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== "file" || !isViewSource(projects, editor.document)) return undefined;
  const uri = editor.document.uri.toString();
  const views = viewsAt(await viewSymbols(editor.document.uri), editor.selection.active.line);
  if (views.length <= 1) return { uri, view: views[0] };
  const picked = await vscode.window.showQuickPick(views, { placeHolder: "viewls: the view of this row" });
  return picked === undefined ? null : { uri, view: picked };
}

/** The class symbols of the server's document symbols: the views a file defines. */
async function viewSymbols(uri: vscode.Uri): Promise<ViewSymbol[]> {
  const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(
    "vscode.executeDocumentSymbolProvider", uri);
  return (symbols ?? []).filter((s) => s.kind === vscode.SymbolKind.Class).map((s) => {
    const range = "range" in s ? s.range : s.location.range;
    return { name: s.name, startLine: range.start.line, endLine: range.end.line };
  });
}

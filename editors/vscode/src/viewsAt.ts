// Which views a source file defines at a line, from the server's document symbols (a view
// is a class symbol): a spec file or builder module defines several, each at its row, and a
// template row several at once. Pure (no `vscode`), so it is unit-tested without an editor.

export interface ViewSymbol {
  name: string;
  /** 0-based lines of the symbol's range. */
  startLine: number;
  endLine: number;
}

/** The views whose symbol range holds `line`; else the last view starting above it (its row
 * reaches down to the next one); none when no view starts at or above `line`. */
export function viewsAt(symbols: ViewSymbol[], line: number): string[] {
  const holding = symbols.filter((s) => s.startLine <= line && line <= s.endLine);
  if (holding.length) return unique(holding.map((s) => s.name));
  const above = symbols.filter((s) => s.startLine < line);
  if (!above.length) return [];
  const start = Math.max(...above.map((s) => s.startLine));
  return unique(above.filter((s) => s.startLine === start).map((s) => s.name));
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

// Texts made from the server's answers. Pure (no `vscode`).

export interface RunSummary {
  text: string;
  failed: boolean;
  /** One line per view, for the log. */
  details: string[];
}

interface ViewRun {
  name: string;
  status: string;
  rows?: number | null;
  seconds?: number;
  message?: string | null;
}

/** The summary of a `viewls.materialize` result: "3 built, 12 up to date in 1.2 s". */
export function runSummary(result: unknown): RunSummary {
  const r = result as { views?: ViewRun[]; summary?: Record<string, number> } | null;
  const totals = r?.summary;
  if (!totals || typeof totals !== "object") {
    return { text: "materialize finished without a summary", failed: false, details: [JSON.stringify(result)] };
  }
  const parts = [`${totals.built ?? 0} built`, `${totals.up_to_date ?? 0} up to date`];
  for (const key of ["failed", "skipped", "cancelled"]) if (totals[key]) parts.push(`${totals[key]} ${key}`);
  const seconds = typeof totals.seconds === "number" ? ` in ${totals.seconds.toFixed(1)} s` : "";
  const views = Array.isArray(r?.views) ? r.views : [];
  const failures = views.filter((v) => v.status === "failed").map((v) => `${v.name}: ${v.message ?? "failed"}`);
  const details = views.map((v) => `${v.name}: ${v.status}${typeof v.rows === "number" ? `, ${v.rows} rows` : ""}` +
    `${typeof v.seconds === "number" ? `, ${v.seconds.toFixed(2)} s` : ""}${v.message ? ` — ${v.message}` : ""}`);
  const text = `${parts.join(", ")}${seconds}` + (failures.length ? `. ${failures.slice(0, 3).join("; ")}` : "");
  return { text, failed: Boolean(totals.failed), details };
}

/** The files the server asks to save first ("save a.sql, b.sql first: ..."), if that is the refusal. */
export function unsavedFiles(message: string): string[] | undefined {
  const match = /\bsave (.+?) first\b/.exec(message);
  return match ? match[1].split(/,\s*/).filter(Boolean) : undefined;
}

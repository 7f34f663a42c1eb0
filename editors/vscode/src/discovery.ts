// Finding the viewls server: pure logic, no `vscode` import, so it is unit-tested with a fake
// file system. Order: setting viewls.server.command, setting viewls.server.python, a `.venv`
// in a workspace folder or one of its parents, `viewls` on PATH.
import * as path from "node:path";

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where it came from, for the log and error messages. */
  source: string;
}

export interface DiscoveryInput {
  /** `viewls.server.command`: an array, or a string split on whitespace. */
  command?: string[] | string | null;
  /** `viewls.server.python`. */
  python?: string | null;
  /** Absolute paths of the workspace folders. */
  folders: string[];
  /** The PATH environment variable. */
  pathEnv?: string;
  platform?: NodeJS.Platform;
}

export interface Probe {
  /** Whether the path is a file this process may execute. */
  isExecutable(file: string): boolean;
}

export type Discovery =
  | { ok: true; server: ServerCommand; tried: string[] }
  | { ok: false; error: string; tried: string[] };

const SERVE = ["serve"];

export function discoverServer(input: DiscoveryInput, probe: Probe): Discovery {
  const tried: string[] = [];
  const platform = input.platform ?? process.platform;
  const pathEnv = input.pathEnv ?? "";

  // An explicit setting is never skipped silently: when it is wrong, that is the error.
  const fromSetting = commandSetting(input.command);
  if (fromSetting !== undefined) {
    if (fromSetting.length === 0 || fromSetting[0] === "") {
      return { ok: false, error: "the setting viewls.server.command is empty", tried: ["setting viewls.server.command: empty"] };
    }
    const [program, ...args] = fromSetting;
    const found = resolveProgram(program, pathEnv, platform, probe);
    tried.push(`setting viewls.server.command: ${fromSetting.join(" ")}${found ? "" : " (not found)"}`);
    if (!found) {
      return { ok: false, error: `viewls.server.command names "${program}", which is not an executable file or on PATH`, tried };
    }
    return { ok: true, server: { command: found, args, source: "setting viewls.server.command" }, tried };
  }
  if (input.python) {
    const found = resolveProgram(input.python, pathEnv, platform, probe);
    tried.push(`setting viewls.server.python: ${input.python}${found ? "" : " (not found)"}`);
    if (!found) {
      return { ok: false, error: `viewls.server.python names "${input.python}", which is not an executable file or on PATH`, tried };
    }
    return { ok: true, server: { command: found, args: ["-m", "viewls", ...SERVE], source: "setting viewls.server.python" }, tried };
  }

  const bin = platform === "win32" ? "Scripts" : "bin";
  const exe = platform === "win32" ? ".exe" : "";
  for (const directory of venvSearchDirectories(input.folders)) {
    const venv = path.join(directory, ".venv", bin);
    const viewls = path.join(venv, `viewls${exe}`);
    tried.push(viewls);
    if (probe.isExecutable(viewls)) {
      return { ok: true, server: { command: viewls, args: SERVE, source: `virtual environment ${path.dirname(venv)}` }, tried };
    }
    const python = path.join(venv, `python${exe}`);
    tried.push(`${python} -m viewls`);
    if (probe.isExecutable(python)) {
      return { ok: true, server: { command: python, args: ["-m", "viewls", ...SERVE], source: `virtual environment ${path.dirname(venv)}` }, tried };
    }
  }

  const onPath = findOnPath("viewls", pathEnv, platform, probe);
  tried.push("viewls on PATH");
  if (onPath) {
    return { ok: true, server: { command: onPath, args: SERVE, source: "PATH" }, tried };
  }
  return { ok: false, error: "the viewls language server was not found", tried };
}

/** The setting as a list of words, or undefined when unset. */
export function commandSetting(value: string[] | string | null | undefined): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value.trim() === "" ? [] : value.trim().split(/\s+/);
  return value;
}

/** Each workspace folder, then its parents: a project opened below the repository that holds
 * the `.venv` (as `examples/shop` is) still finds it. Folders first, nearest first. */
export function venvSearchDirectories(folders: string[]): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const add = (directory: string) => {
    if (!seen.has(directory)) {
      seen.add(directory);
      order.push(directory);
    }
  };
  folders.forEach(add);
  for (const folder of folders) {
    let directory = path.dirname(folder);
    while (directory !== path.dirname(directory)) {
      add(directory);
      directory = path.dirname(directory);
    }
  }
  return order;
}

function resolveProgram(program: string, pathEnv: string, platform: NodeJS.Platform, probe: Probe): string | undefined {
  if (program.includes("/") || (platform === "win32" && program.includes("\\"))) {
    return probe.isExecutable(program) ? program : undefined;
  }
  return findOnPath(program, pathEnv, platform, probe);
}

export function findOnPath(name: string, pathEnv: string, platform: NodeJS.Platform, probe: Probe): string | undefined {
  const separator = platform === "win32" ? ";" : ":";
  const suffixes = platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const directory of pathEnv.split(separator)) {
    if (!directory) continue;
    for (const suffix of suffixes) {
      const candidate = path.join(directory, name + suffix);
      if (probe.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The message shown when the server cannot be found or started. */
export function notFoundMessage(error: string, tried: string[]): string {
  return `viewls: ${error}. Tried: ${tried.join("; ")}. ` +
    "Install viewls in the workspace's .venv (pip install viewls), or set viewls.server.python " +
    "to an interpreter that has it, or viewls.server.command to the full command.";
}

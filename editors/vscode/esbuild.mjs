// Bundles the extension (dist/extension.js, `vscode` external) or, with --tests, each unit test
// (out/test/*.test.js, run by node:test; tests import only modules that do not import `vscode`).
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

const tests = process.argv.includes("--tests");
const common = { bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: true, logLevel: "warning" };

if (tests) {
  const entryPoints = readdirSync("test").filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`);
  await esbuild.build({ ...common, entryPoints, outdir: "out/test", external: ["vscode"] });
} else {
  await esbuild.build({ ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js", external: ["vscode"], minify: true });
}

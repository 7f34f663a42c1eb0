import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", "e2e/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-restricted-imports": "off",
    },
  },
  {
    // Modules unit-tested in plain node must not import `vscode` (it exists only in the editor).
    files: ["src/discovery.ts", "src/selector.ts", "src/statusText.ts", "src/graphModel.ts", "src/previewModel.ts",
      "src/html.ts", "src/webviewPages.ts", "src/messages.ts", "test/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [{ name: "vscode", message: "keep this module testable outside VS Code" }] }] },
  },
  {
    files: ["*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);

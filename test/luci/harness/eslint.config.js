// The harness runs in the browser as plain scripts (no modules), next to LuCI-style globals it defines itself.
// ESLint 10 takes the nearest config file, so this one extends the repository's.
import root from "../../../eslint.config.js";

export default [
  ...root,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      globals: {
        window: "readonly", document: "readonly", console: "readonly", fetch: "readonly", location: "readonly",
        URLSearchParams: "readonly", CustomEvent: "readonly", Node: "readonly", E: "readonly", L: "readonly",
      },
    },
    rules: {
      // ES5-style code like LuCI's: `var self = this`, and uci.unset deleting an option by name.
      "@typescript-eslint/no-this-alias": "off",
      "@typescript-eslint/no-dynamic-delete": "off",
    },
  },
];

// luci-app/ holds two kinds of code. The generator (generator/*.ts) follows the repository's rules. The browser
// modules (htdocs/) follow LuCI's conventions: plain scripts that LuCI wraps in a function, so a module ends
// with a top-level `return`, its 'require x as y' lines become the parameters it uses, and LuCI's globals
// (_, E, L) exist. ESLint 10 takes the nearest config file, so this one extends the repository's.
import root from "../eslint.config.js";

const LUCI_GLOBALS = {
  // the page
  window: "readonly", document: "readonly", console: "readonly",
  // LuCI's globals
  _: "readonly", N_: "readonly", E: "readonly", L: "readonly",
  // what 'require' lines bind (LuCI's modules, and this app's aliases)
  baseclass: "readonly", view: "readonly", form: "readonly", rpc: "readonly", uci: "readonly", ui: "readonly",
  dom: "readonly", poll: "readonly", network: "readonly", widgets: "readonly",
  check: "readonly", logic: "readonly", model: "readonly", mailTest: "readonly", internet: "readonly",
};

export default [
  ...root,
  // The daemon's validator bundled by scripts/gen-luci.ts: esbuild output, checked where it comes from.
  { ignores: ["htdocs/luci-static/resources/vrrp/config-check.js"] },
  {
    files: ["htdocs/**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      parserOptions: { ecmaFeatures: { globalReturn: true } },
      globals: LUCI_GLOBALS,
    },
    rules: {
      // LuCI's callback signatures (section_id, value...) name parameters a function may not use.
      "@typescript-eslint/no-unused-vars": ["error", { args: "none", varsIgnorePattern: "^_" }],
      // ES5-style callbacks: `var self = this` is how LuCI code keeps the view in reach.
      "@typescript-eslint/no-this-alias": "off",
    },
  },
];

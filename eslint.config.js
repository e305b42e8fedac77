// Lint is where the architecture is enforced: each src/ folder may only reach the folders below it,
// and the protocol core (src/vrrp) stays sans-IO (no node:*, clock, timers, randomness or async).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const folder = (name) => [`**/${name}/**`, `**/${name}`, `../${name}`, `../../${name}`];
const onlyLib = (...others) => ({
  patterns: [
    { group: ["node:*", ...nodeBuiltins], message: "this folder is pure: no Node.js modules" },
    ...others.map((name) => ({ group: folder(name), message: `this folder may not import src/${name}` })),
  ],
});
const nodeBuiltins = ["fs", "net", "os", "path", "child_process", "dgram", "events", "timers", "crypto", "util"];

const sansIoSyntax = [
  { selector: "FunctionDeclaration[async=true]", message: "src/vrrp is synchronous: no async" },
  { selector: "FunctionExpression[async=true]", message: "src/vrrp is synchronous: no async" },
  { selector: "ArrowFunctionExpression[async=true]", message: "src/vrrp is synchronous: no async" },
  { selector: "AwaitExpression", message: "src/vrrp is synchronous: no await" },
  { selector: "NewExpression[callee.name='Date']", message: "the caller passes `now`" },
];
const sansIoGlobals = [
  { name: "Date", message: "the caller passes `now`" },
  { name: "setTimeout", message: "the core returns deadlines; the daemon owns the timer" },
  { name: "setInterval", message: "the core returns deadlines; the daemon owns the timer" },
  { name: "setImmediate", message: "the core returns deadlines; the daemon owns the timer" },
  { name: "queueMicrotask", message: "the core is synchronous" },
  { name: "process", message: "the core does no I/O" },
  { name: "console", message: "the core returns log outputs; the daemon logs" },
  { name: "performance", message: "the caller passes `now`" },
  { name: "Promise", message: "the core is synchronous" },
];
const pureProperties = [
  { object: "Math", property: "random", message: "randomness is injected as a seed" },
  { object: "Date", property: "now", message: "the caller passes `now`" },
];

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "tmp/", "coverage/", "luci-app/htdocs/luci-static/resources/vrrp/config-check.js"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { console: "readonly", process: "readonly", Buffer: "readonly", setTimeout: "readonly",
        clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", setImmediate: "readonly",
        performance: "readonly", URL: "readonly", TextEncoder: "readonly", TextDecoder: "readonly",
        queueMicrotask: "readonly", structuredClone: "readonly", AbortController: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/lib/**/*.ts"],
    rules: { "no-restricted-imports": ["error", onlyLib("vrrp", "config", "ubus", "platform", "daemon")],
      "no-restricted-globals": ["error", ...sansIoGlobals],
      "no-restricted-properties": ["error", ...pureProperties] },
  },
  {
    files: ["src/vrrp/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", onlyLib("config", "ubus", "platform", "daemon")],
      "no-restricted-globals": ["error", ...sansIoGlobals],
      "no-restricted-properties": ["error", ...pureProperties],
      "no-restricted-syntax": ["error", ...sansIoSyntax],
    },
  },
  {
    files: ["src/config/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", onlyLib("ubus", "platform", "daemon")],
      "no-restricted-globals": ["error", ...sansIoGlobals],
      "no-restricted-properties": ["error", ...pureProperties],
      "no-restricted-syntax": ["error", ...sansIoSyntax],
    },
  },
  {
    files: ["src/ubus/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["vrrp", "config", "platform", "daemon"].map((name) => ({
        group: folder(name), message: `src/ubus may not import src/${name}` })) }],
    },
  },
  {
    files: ["src/platform/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["vrrp", "config", "ubus", "daemon"].map((name) => ({
        group: folder(name), message: `src/platform may not import src/${name}` })) }],
    },
  },
);

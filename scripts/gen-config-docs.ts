// Writes docs/configuration.md from the schema. `--check` only compares (exit 1 when stale), for CI.
//   node --import tsx scripts/gen-config-docs.ts [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { renderConfigDocs } from "./config-docs.ts";

export const CONFIG_DOCS_PATH = "docs/configuration.md";

const text = renderConfigDocs();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(CONFIG_DOCS_PATH, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${CONFIG_DOCS_PATH} is stale: run node --import tsx scripts/gen-config-docs.ts`);
    process.exit(1);
  }
} else {
  writeFileSync(CONFIG_DOCS_PATH, text);
  console.log(`wrote ${CONFIG_DOCS_PATH}`);
}

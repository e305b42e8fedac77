// docs/configuration.md is generated from the schema; this fails when someone changes one without the other.
// Fix: node --import tsx scripts/gen-config-docs.ts
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { renderConfigDocs } from "../../scripts/config-docs.ts";
import { SCHEMA, SECTION_TYPES } from "../../src/config/schema.ts";

test("docs/configuration.md matches the schema (regenerate with scripts/gen-config-docs.ts)", () => {
  const committed = readFileSync("docs/configuration.md", "utf8");
  assert.ok(committed === renderConfigDocs(), "docs/configuration.md is stale: run node --import tsx scripts/gen-config-docs.ts");
});

test("the generated docs name every section type and option", () => {
  const docs = renderConfigDocs();
  for (const type of SECTION_TYPES) {
    assert.ok(docs.includes(`## \`config ${type}\``), type);
    for (const o of SCHEMA[type].options) assert.ok(docs.includes(` ${o.name}\` |`), `${type}.${o.name}`);
  }
});

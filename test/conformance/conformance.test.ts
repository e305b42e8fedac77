// Conformance scenarios are data (after Holo's): one JSON file per rule, named after the RFC section it checks.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runScenario, type Scenario } from "./runner.ts";

const dir = join(import.meta.dirname, "scenarios");
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const scenario = JSON.parse(readFileSync(join(dir, file), "utf8")) as Scenario;
  test(`${scenario.rfc}: ${scenario.description} (${file})`, () => runScenario(scenario));
}

// The repository runs its tests on its own: nothing under test/ (nor the scripts and benchmarks) reads the
// project's shared material next to the clone; what a test needs is copied into test/fixtures/ (README there).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "fixtures" || name === "node_modules" ? [] : sources(path);
    return /\.(ts|mjs|js|sh)$/.test(name) ? [path] : [];
  });
}

test("no test, script or benchmark reads ../shared", () => {
  const offenders = ["test", "scripts", "bench"]
    .flatMap(sources)
    .filter((file) => /\.\.\/shared\/|shared\/fixtures/.test(readFileSync(file, "utf8")) && !file.endsWith("repository-stands-alone.test.ts"));
  assert.deepEqual(offenders, []);
});

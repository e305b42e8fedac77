// `npm run bench`: prints every benchmark as a table. Speed is measured here, never asserted in tests.
import { codecBench, simulatedHourBench, type BenchRow } from "./core.ts";

function print(title: string, rows: readonly BenchRow[]): void {
  console.log(`\n## ${title}\n`);
  console.log("| measure | value |\n|---|---|");
  for (const row of rows) {
    const value = row.value >= 1000 ? Math.round(row.value).toLocaleString("en-US") : row.value.toFixed(3);
    console.log(`| ${row.name} | ${value} ${row.unit} |`);
  }
}

const only = process.argv[2];
console.log(`vrrpd benchmarks, node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === "core") {
  print("Protocol core throughput", codecBench());
  print("Simulated hour", simulatedHourBench());
}

// Every relative link in README.md and docs/ points at a file of the repository (and, with #anchor, at a heading
// of it), so a reader never lands on a missing page.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { test } from "node:test";

const pages = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const line of markdown.split("\n")) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading?.[1] === undefined) continue;
    out.add(heading[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-"));
  }
  return out;
}

function links(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[^]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? "");
}

test("every page named in README.md and docs/ (a .md path in the text, outside code blocks) is in the repository", () => {
  const missing: string[] = [];
  for (const page of pages) {
    const prose = readFileSync(page, "utf8").replace(/```[^]*?```/g, "").replace(/\]\([^)]*\)/g, "]");
    for (const [name = ""] of prose.matchAll(/[\w./-]*\.md\b/g)) {
      const candidates = [join(dirname(page), name), name, join("docs", name)];
      if (!candidates.some((c) => existsSync(c))) missing.push(`${page}: ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("relative links in README.md and docs/ resolve to files and headings", () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(page, "utf8");
    for (const link of links(text)) {
      if (/^[a-z]+:/i.test(link)) continue; // http(s), mailto: not checked here (no network)
      const [path = "", anchor] = link.split("#");
      const target = path === "" ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (!existsSync(target)) {
        broken.push(`${page}: ${link} (no ${target})`);
        continue;
      }
      if (anchor !== undefined && target.endsWith(".md") && !anchors(readFileSync(target, "utf8")).has(anchor.toLowerCase())) {
        broken.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

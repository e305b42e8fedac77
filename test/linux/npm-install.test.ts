// `npm install -g vrrpd` as a user gets it: `npm pack` (whose prepack builds the bundle) then a global install
// of that tarball into a temporary prefix. The installed `vrrpd` must run from PREFIX/bin with plain node (no
// tsx, no devDependency in the install) and the router's node flags.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ROUTER_NODE_FLAGS } from "../../bench/bundle.ts";
import { assertLoadsMailModuleLazily, sendThroughMailModule } from "../package/mail-module.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "vrrpd-npm-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The parent `npm test` exports npm_* settings; the child npm must see only what this test passes. */
const cleanEnv = (path: string): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_"))),
  PATH: path,
});

function run(command: string, args: readonly string[], options: { cwd?: string; path?: string } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd: options.cwd ?? ROOT, encoding: "utf8", timeout: 180_000, env: cleanEnv(options.path ?? process.env["PATH"] ?? "") });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr + (r.error?.message ?? "") };
}

describe("npm install -g", () => {
  it("the npm wrapper runs node with the router's flags", () => {
    const wrapper = readFileSync(join(ROOT, "files/linux/npm/vrrpd"), "utf8");
    assert.match(wrapper, new RegExp(`exec node ${ROUTER_NODE_FLAGS.join(" ")} "\\$pkg/dist/npm/vrrpd.js" "\\$@"`));
  });

  it("npm pack, then install -g into a prefix: vrrpd is on PATH and runs without tsx", async () => {
    const pack = run("npm", ["pack", "--pack-destination", work, "--json"]);
    assert.equal(pack.code, 0, pack.stderr);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(packed);
    const files = packed.files.map((f) => f.path).sort();
    for (const needed of ["dist/npm/vrrpd.js", "dist/npm/vrrpd-mail.js", "files/linux/npm/vrrpd", "files/linux/vrrpd.service", "files/linux/vrrp", "files/etc/config/vrrp", "package.json"]) assert.ok(files.includes(needed), `${needed} not packed (${files.length} files were)`);
    assert.deepEqual(files.filter((f) => f.startsWith("src/") || f.startsWith("test/")), [], "sources are not shipped: the bundle is what runs");

    const prefix = join(work, "prefix");
    // --prefer-offline: CI has just run `npm ci`, so koffi's tarballs come from npm's cache.
    const install = run("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)]);
    assert.equal(install.code, 0, install.stderr);
    const modules = readdirSync(join(prefix, "lib/node_modules/vrrpd/node_modules"));
    for (const dev of ["tsx", "esbuild", "typescript"]) assert.ok(!modules.includes(dev), `${dev} was installed`);
    assert.ok(existsSync(join(prefix, "lib/node_modules/vrrpd/node_modules/koffi")));

    // PATH: the prefix's bin and node's directory, nothing from this checkout.
    const path = `${join(prefix, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`;
    const help = run("vrrpd", ["--help"], { cwd: work, path });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage: vrrpd <command>/);
    const version = run("vrrpd", ["version"], { cwd: work, path });
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    const example = join(prefix, "lib/node_modules/vrrpd/files/linux/vrrp");
    const check = run("vrrpd", ["check-config", "-c", example], { cwd: work, path });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /0 error\(s\), \d+ warning\(s\), 1 instance\(s\)/);
    const installed = join(prefix, "lib/node_modules/vrrpd/dist/npm");
    assertLoadsMailModuleLazily(join(installed, "vrrpd.js"));
    await sendThroughMailModule(join(installed, "vrrpd-mail.js"));
  });
});

// The package architectures `npm run package` builds vrrpd-koffi for must be exactly the OpenWrt 24.10
// ARCH_PACKAGES where `node` exists and koffi has a musl addon for the CPU. The facts come from
// fixtures/openwrt-24.10-targets.json (targets, their package architecture and FPU, node's DEPENDS); the
// rule is the buildroot's: node needs HAS_FPU and one of the listed ARCHes, and a package architecture is
// built with the SDK of the first target that has it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ARCHES, KOFFI_CPUS, archFor, familyOf } from "../../scripts/package/arches.ts";

interface Target {
  readonly target: string;
  readonly name: string;
  readonly arch_packages: string;
  readonly fpu: boolean;
}
const fixture = JSON.parse(readFileSync(new URL("fixtures/openwrt-24.10-targets.json", import.meta.url), "utf8")) as { node_depends: string; targets: Target[] };

/** The ARCHes in node's `@(a||b||...)` condition. */
const nodeFamilies = (): string[] => {
  const m = /@\(([\w|]+)\)/.exec(fixture.node_depends);
  assert.ok(m?.[1], "node's DEPENDS has an architecture condition");
  return m[1].split("||");
};

/** Package architecture -> the target whose SDK the buildbot builds it with (the first one listed). */
function buildTargets(): Map<string, Target> {
  const first = new Map<string, Target>();
  for (const t of fixture.targets) if (!first.has(t.arch_packages)) first.set(t.arch_packages, t);
  return first;
}

/** Package architectures of 24.10 on which node can be built. */
function nodeArches(): string[] {
  const needsFpu = /(^|\s)@HAS_FPU(\s|$)/.test(fixture.node_depends);
  const families = nodeFamilies();
  return [...buildTargets().values()]
    .filter((t) => families.includes(familyOf(t.arch_packages)) && (!needsFpu || t.fpu))
    .map((t) => t.arch_packages)
    .sort();
}

test("the fixture is the 24.10 target table: Filogic is aarch64_cortex-a53, x86/64 is x86_64, node is for i386, x86_64, arm, aarch64", () => {
  const byTarget = new Map(fixture.targets.map((t) => [t.target, t.arch_packages]));
  assert.equal(byTarget.get("mediatek/filogic"), "aarch64_cortex-a53");
  assert.equal(byTarget.get("x86/64"), "x86_64");
  assert.equal(byTarget.get("bcm27xx/bcm2711"), "aarch64_cortex-a72");
  assert.deepEqual(nodeFamilies().sort(), ["aarch64", "arm", "i386", "x86_64"]);
});

test("vrrpd-koffi is built for every 24.10 package architecture with node whose CPU has a koffi musl addon, and no other", () => {
  const expected = nodeArches().filter((a) => KOFFI_CPUS[familyOf(a)] !== undefined);
  assert.deepEqual(ARCHES.map((a) => a.opkg).sort(), expected);
  assert.ok(expected.includes("aarch64_cortex-a53"), "MediaTek Filogic, IPQ807x, Raspberry Pi 3, ...");
});

test("the 24.10 package architectures with node that are left out are exactly the 32-bit ARM and i386 ones (no koffi musl addon)", () => {
  const left = nodeArches().filter((a) => !ARCHES.some((x) => x.opkg === a));
  assert.ok(left.length > 0);
  for (const a of left) assert.ok(["arm", "i386"].includes(familyOf(a)), a);
});

test("each package architecture names its CPU: aarch64_* is arm64 (ELF 183), x86_64 is x64 (ELF 62); others are refused", () => {
  for (const a of ARCHES) {
    assert.equal(a.cpu, a.opkg === "x86_64" ? "x64" : "arm64", a.opkg);
    assert.equal(a.elfMachine, a.opkg === "x86_64" ? 62 : 183, a.opkg);
  }
  assert.equal(archFor("aarch64_cortex-a55")?.cpu, "arm64");
  for (const bad of ["arm_cortex-a7_neon-vfpv4", "i386_pentium4", "mipsel_24kc", "aarch64", "all"]) assert.equal(archFor(bad), undefined, bad);
});

// `npm run package` end to end: builds the packages into a temporary directory, unpacks every .ipk the way
// opkg does, and checks what OpenWrt 24.10's opkg relies on (archive layout, control fields, conffiles, modes,
// maintainer scripts), that the archives are byte for byte what ipkg-build makes of the same tree, that the
// installed tree holds everything the init script and LuCI refer to, and that the unpacked daemon runs.
// The feed's Makefiles are compared with these packages in packages-makefile.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ARCHES } from "../../scripts/package/arches.ts";
import { DEPENDS, buildPackages } from "../../scripts/package/build.ts";
import { defaultCacheDir } from "../../scripts/package/koffi.ts";
import { KOFFI_DIR, VRRPD_CONFFILES, koffiNativeDir } from "../../scripts/package/layout.ts";
import { VERSION } from "../../src/daemon/version.ts";
import { ROUTER_NODE_FLAGS } from "../../bench/bundle.ts";
import { DAEMON_IPK, KOFFI_PKG_VERSION, LUCI_IPK, PKG_VERSION, ROOT, buildAndUnpack, koffiIpk, type Built, type Unpacked } from "./built.ts";
import { assertLoadsMailModuleLazily, sendThroughMailModule } from "./mail-module.ts";

const sh = (script: string, env: Record<string, string> = {}): ReturnType<typeof spawnSync> =>
  spawnSync("sh", ["-c", script], { encoding: "utf8", env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env } });
const hasGnuTar = /GNU tar/.test(spawnSync("tar", ["--version"], { encoding: "utf8" }).stdout ?? "");

let built: Built;
before(async () => {
  built = await buildAndUnpack();
});
after(() => built.remove());

const koffiIpks = (): string[] => built.arches.map(koffiIpk);

describe("the archives", () => {
  test("dist holds the bundle (vrrpd.js and vrrpd-mail.js), vrrpd for all architectures, one vrrpd-koffi per architecture and the LuCI app", () => {
    assert.deepEqual([...built.pkgs.keys()].sort(), [DAEMON_IPK, LUCI_IPK, ...koffiIpks()].sort());
    if (!built.skipped) assert.deepEqual(koffiIpks().sort(), ARCHES.map(koffiIpk).sort());
    assert.ok(built.result.bundle.bytes > 50_000 && existsSync(join(built.out, "vrrpd.js")));
    assert.ok(built.result.mailModule.bytes > 50_000 && existsSync(join(built.out, "vrrpd-mail.js")));
    assert.ok(existsSync(join(built.out, "sizes.json")));
  });

  test("opkg's layout: a gzip'd tar of debian-binary 2.0, data.tar.gz, control.tar.gz, all owned by root", () => {
    for (const p of built.pkgs.values()) {
      assert.deepEqual(p.outer.map((e) => e.path), ["./debian-binary", "./data.tar.gz", "./control.tar.gz"]);
      assert.equal(p.outer[0]?.data.toString(), "2.0\n");
      for (const e of [...p.outer, ...p.controlFiles.values(), ...p.data.values()]) assert.deepEqual([e.uid, e.gid], [0, 0], e.path);
    }
  });

  test("each archive is what scripts/ipkg-build makes of the unpacked tree (GNU tar --sort=name, gzip -n)", { skip: hasGnuTar ? false : "GNU tar not installed" }, () => {
    const mtime = built.get(DAEMON_IPK).control["SourceDateEpoch"] ?? "";
    const gnu = ["--format=gnu", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", `--mtime=@${mtime}`];
    for (const file of [DAEMON_IPK, ...built.arches.slice(0, 1).map(koffiIpk), LUCI_IPK]) {
      const dir = mkdtempSync(join(tmpdir(), "vrrpd-repack-"));
      try {
        const run = (script: string): void => assert.equal(sh(script).status, 0, script);
        run(`cd ${dir} && mkdir o d c && tar -xzf ${join(built.out, file)} -C o && tar -xzpf o/data.tar.gz -C d && tar -xzpf o/control.tar.gz -C c`);
        run(`cd ${dir}/d && tar ${gnu.join(" ")} -cpf - . | gzip -n > ../data.tar.gz && cmp ../data.tar.gz ../o/data.tar.gz`);
        run(`cd ${dir}/c && tar ${gnu.join(" ")} -cf - . | gzip -n > ../control.tar.gz && cmp ../control.tar.gz ../o/control.tar.gz`);
        run(`cd ${dir}/o && tar ${gnu.join(" ")} -cf - ./debian-binary ./data.tar.gz ./control.tar.gz | gzip -n | cmp - ${join(built.out, file)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test("packing the same tree twice gives the same bytes", async () => {
    const again = mkdtempSync(join(tmpdir(), "vrrpd-package-again-"));
    try {
      const one = built.arches.slice(0, 1);
      await buildPackages({ root: ROOT, outDir: again, cacheDir: defaultCacheDir(ROOT), arches: one, log: () => undefined });
      for (const f of [DAEMON_IPK, ...one.map(koffiIpk), LUCI_IPK]) assert.ok(readFileSync(join(built.out, f)).equals(readFileSync(join(again, f))), f);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

describe("control", () => {
  test("Package, Version, Depends, Architecture, License, Installed-Size, Description", () => {
    const expect: [string, string, string, string, string][] = [
      [DAEMON_IPK, "vrrpd", PKG_VERSION, "all", "GPL-2.0-or-later"],
      [LUCI_IPK, "luci-app-vrrp", PKG_VERSION, "all", "GPL-2.0-or-later"],
      ...built.arches.map((a): [string, string, string, string, string] => [koffiIpk(a), "vrrpd-koffi", KOFFI_PKG_VERSION, a.opkg, "MIT"]),
    ];
    for (const [file, name, version, arch, license] of expect) {
      const p = built.get(file);
      assert.equal(p.control["Package"], name);
      assert.equal(p.control["Version"], version);
      assert.equal(p.control["Depends"], DEPENDS[name as keyof typeof DEPENDS]);
      assert.equal(p.control["Architecture"], arch);
      assert.equal(p.control["License"], license);
      assert.equal(p.control["Installed-Size"], String(p.dataTarSize));
      assert.ok((p.control["Description"] ?? "").length > 10);
    }
    assert.equal(built.get(koffiIpk(built.arches[0] ?? { opkg: "" })).control["LicenseFiles"], "node_modules/koffi/LICENSE.txt");
    assert.equal(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version, VERSION);
  });

  test("conffiles: the UCI file and the user hook; the other packages have none", () => {
    assert.equal(built.get(DAEMON_IPK).controlFiles.get("./conffiles")?.data.toString(), `${[...VRRPD_CONFFILES].sort().join("\n")}\n`);
    for (const f of [LUCI_IPK, ...koffiIpks()]) assert.equal(built.get(f).controlFiles.has("./conffiles"), false, f);
  });

  test("postinst/prerm are the buildroot's: default_postinst / default_prerm, under $IPKG_INSTROOT", () => {
    for (const [file, p] of built.pkgs) {
      const script = (n: string) => p.controlFiles.get(`./${n}`)?.data.toString() ?? "";
      assert.match(script("postinst"), /\. \$\{IPKG_INSTROOT\}\/lib\/functions\.sh\ndefault_postinst \$0 \$@/);
      assert.match(script("prerm"), /default_prerm \$0 \$@/);
      const own = file.startsWith("vrrpd-koffi_") ? [] : file === LUCI_IPK ? ["postinst-pkg"] : ["postinst-pkg", "prerm-pkg"];
      for (const n of own) assert.match(script(n), /\[ -n "\$\{IPKG_INSTROOT\}" \] \|\|/);
      for (const n of ["postinst", "prerm", ...own]) {
        assert.equal(p.controlFiles.get(`./${n}`)?.mode, 0o755, n);
        assert.equal(sh(`dash -n <<'EOF'\n${script(n)}\nEOF`).status, 0, `${n} parses`);
      }
    }
  });

  test("prerm-pkg: an upgrade (opkg sets PKG_UPGRADE=1) hands off before default_prerm stops the daemon; a removal does not", () => {
    const prermPkg = built.get(DAEMON_IPK).controlFiles.get("./prerm-pkg")?.data.toString() ?? "";
    // As default_prerm does: sourced (older functions.sh without a subshell), then the init scripts are stopped.
    const run = (upgrade: string, instroot = ""): string => {
      const script = prermPkg.replaceAll("/usr/sbin/vrrpd handoff >/dev/null", "echo vrrpd handoff");
      return String(sh(`PKG_UPGRADE=${upgrade}\nIPKG_INSTROOT=${instroot}\n${script}\necho stop`).stdout);
    };
    assert.equal(run("1"), "vrrpd handoff\nstop\n");
    assert.equal(run("0"), "stop\n", "a removal hands over to the backup");
    assert.equal(run("1", "/tmp/image"), "stop\n", "an image being built runs nothing");
  });

  test("postinst hands over to /lib/functions.sh of the target root, and does nothing without one", () => {
    const postinst = built.get(DAEMON_IPK).controlFiles.get("./postinst")?.data.toString() ?? "";
    const root = mkdtempSync(join(tmpdir(), "vrrpd-instroot-"));
    try {
      writeFileSync(join(root, "postinst"), postinst);
      assert.equal(sh(`sh ${root}/postinst`, { IPKG_INSTROOT: root }).status, 0, "no functions.sh: nothing to do");
      mkdirSync(join(root, "lib"));
      writeFileSync(join(root, "lib/functions.sh"), `default_postinst() { echo "default_postinst $*" > "${root}/called"; }\n`);
      const run = sh(`sh ${root}/postinst configure`, { IPKG_INSTROOT: root });
      assert.equal(run.status, 0);
      assert.equal(readFileSync(join(root, "called"), "utf8"), `default_postinst ${root}/postinst configure\n`);
      assert.equal(sh(`sh ${root}/postinst`, { IPKG_INSTROOT: root, IPKG_NO_SCRIPT: "1" }).status, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the installed tree", () => {
  const MODES: Record<string, number> = {
    "./etc/init.d/vrrpd": 0o755,
    "./usr/sbin/vrrpd": 0o755,
    "./etc/uci-defaults/90_vrrpd-import-keepalived": 0o755,
    "./etc/config/vrrp": 0o600,
    "./etc/vrrp.user": 0o600,
    "./etc/hotplug.d/vrrp/00-logger.sample": 0o644,
    "./usr/share/rpcd/acl.d/vrrpd.json": 0o644,
    "./usr/share/vrrpd/vrrp.example": 0o644,
    "./usr/lib/vrrpd/vrrpd.js": 0o644,
    "./usr/lib/vrrpd/vrrpd-mail.js": 0o644,
    "./usr/lib/vrrpd/package.json": 0o644,
  };

  test("modes: scripts 0755, conffiles 0600, data 0644, directories 0755, native addons 0755", () => {
    const daemon = built.get(DAEMON_IPK);
    for (const [path, mode] of Object.entries(MODES)) assert.equal(daemon.data.get(path)?.mode, mode, path);
    for (const f of [DAEMON_IPK, ...koffiIpks()]) {
      for (const e of built.get(f).data.values()) {
        if (e.type === "dir") assert.equal(e.mode, 0o755, e.path);
        else if (f !== DAEMON_IPK) assert.equal(e.mode, e.path.endsWith(".node") ? 0o755 : 0o644, e.path);
      }
    }
    for (const e of built.get(LUCI_IPK).data.values()) assert.equal(e.mode, e.type === "dir" ? 0o755 : 0o644, e.path);
  });

  test("every shell script of the package parses (dash, as strict as busybox ash)", () => {
    const p = built.get(DAEMON_IPK);
    for (const path of ["./etc/init.d/vrrpd", "./usr/sbin/vrrpd", "./etc/uci-defaults/90_vrrpd-import-keepalived", "./etc/vrrp.user", "./etc/hotplug.d/vrrp/00-logger.sample"]) {
      const r = spawnSync("dash", ["-n"], { input: p.data.get(path)?.data, encoding: "utf8" });
      assert.equal(r.status, 0, `${path}: ${r.stderr}`);
    }
  });

  test("what the init script, the wrapper, the import and hotplug refer to is installed by vrrpd and vrrpd-koffi", () => {
    const p = built.get(DAEMON_IPK);
    const koffi = built.get(koffiIpk(built.arches[0] ?? { opkg: "" }));
    const has = (path: string): boolean => p.data.has(`.${path}`) || koffi.data.has(`.${path}`);
    const text = (path: string): string => p.data.get(path)?.data.toString() ?? "";
    const init = text("./etc/init.d/vrrpd");
    const vars = Object.fromEntries([...init.matchAll(/^(PROG|CONFIG)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(vars, { PROG: "/usr/sbin/vrrpd", CONFIG: "/etc/config/vrrp" });
    assert.match(init, /procd_set_param command "\$PROG" run -c "\$CONFIG"/);
    const referenced = [
      ...Object.values(vars),
      /exec node (?:--\S+ )*(\S+)/.exec(text("./usr/sbin/vrrpd"))?.[1] ?? "missing",
      ...[...text("./etc/uci-defaults/90_vrrpd-import-keepalived").matchAll(/^EXAMPLE=(\S+)$/gm)].map((m) => m[1] ?? ""),
      "/usr/sbin/vrrpd",
      "/etc/vrrp.user",
      `/${KOFFI_DIR}/package.json`,
    ];
    for (const path of referenced) assert.ok(has(path), path);
    assert.equal(p.data.get("./etc/hotplug.d/vrrp/")?.type, "dir");
    for (const file of ["vrrpd.js", "vrrpd-mail.js"]) assert.ok(p.data.get(`./usr/lib/vrrpd/${file}`)?.data.equals(readFileSync(join(built.out, file))), `the ${file} in dist/ is the one packaged`);
    assert.ok(p.data.get("./usr/share/vrrpd/vrrp.example")?.data.equals(p.data.get("./etc/config/vrrp")?.data ?? Buffer.alloc(0)));
    assert.ok([...p.data.keys()].every((k) => !k.includes("node_modules")), "koffi is vrrpd-koffi's, not vrrpd's");
  });

  test("each vrrpd-koffi carries koffi's JS and its own CPU's musl addon, no other", () => {
    const koffi = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies.koffi;
    for (const arch of built.arches) {
      const p = built.get(koffiIpk(arch));
      const natives = [...p.data.keys()].filter((k) => k.endsWith(".node"));
      assert.deepEqual(natives, [`./${koffiNativeDir(arch.cpu)}/musl_${arch.cpu}/koffi.node`], arch.opkg);
      assert.equal(p.data.get(natives[0] ?? "")?.data.readUInt16LE(18), arch.elfMachine);
      assert.equal(JSON.parse(p.data.get(`./${KOFFI_DIR}/package.json`)?.data.toString() ?? "{}").version, koffi);
    }
    const cpus = new Map(built.arches.map((a) => [a.cpu, built.get(koffiIpk(a)).data.get(`./${koffiNativeDir(a.cpu)}/musl_${a.cpu}/koffi.node`)?.data]));
    for (const a of built.arches) assert.ok(built.get(koffiIpk(a)).data.get(`./${koffiNativeDir(a.cpu)}/musl_${a.cpu}/koffi.node`)?.data.equals(cpus.get(a.cpu) ?? Buffer.alloc(0)), `${a.opkg}: the same addon for every ${a.cpu} name`);
  });

  test("LuCI: every menu view and every required vrrp module is installed; the views need only luci-base modules", () => {
    const p = built.get(LUCI_IPK);
    const menu = JSON.parse(p.data.get("./usr/share/luci/menu.d/luci-app-vrrp.json")?.data.toString() ?? "{}") as Record<string, { action: { type: string; path: string }; depends?: { acl?: string[] } }>;
    const acl = JSON.parse(p.data.get("./usr/share/rpcd/acl.d/luci-app-vrrp.json")?.data.toString() ?? "{}") as Record<string, unknown>;
    for (const e of Object.values(menu)) {
      if (e.action.type === "view") assert.ok(p.data.has(`./www/luci-static/resources/view/${e.action.path}.js`), e.action.path);
      for (const a of e.depends?.acl ?? []) assert.ok(acl[a], a);
    }
    const luciBase = new Set(["baseclass", "view", "form", "rpc", "uci", "ui", "dom", "poll", "network", "tools.widgets"]);
    for (const [path, e] of p.data) {
      if (!path.endsWith(".js")) continue;
      for (const m of e.data.toString().matchAll(/^'require ([\w.-]+)(?: as \w+)?';$/gm)) {
        const dep = m[1] ?? "";
        if (dep.startsWith("vrrp.")) assert.ok(p.data.has(`./www/luci-static/resources/${dep.replace(/\./g, "/")}.js`), `${path} requires ${dep}`);
        else assert.ok(luciBase.has(dep), `${path} requires ${dep}`);
      }
    }
  });
});

describe("the unpacked daemon runs with this machine's node", () => {
  let root: string;
  const extract = (p: Unpacked): void => {
    for (const [path, e] of p.data) {
      const dest = join(root, path);
      if (e.type === "dir") mkdirSync(dest, { recursive: true });
      else {
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, e.data, { mode: e.mode });
      }
    }
  };
  const hostArch = (): (typeof ARCHES)[number] | undefined => built.arches.find((a) => a.cpu === process.arch);

  before(() => {
    root = mkdtempSync(join(tmpdir(), "vrrpd-root-"));
    extract(built.get(DAEMON_IPK));
    const arch = hostArch();
    if (arch === undefined) return;
    extract(built.get(koffiIpk(arch)));
    // The packages carry the musl addon for OpenWrt; this machine's node is glibc's, so its own addon from
    // node_modules goes next to it (koffi's loader picks the build matching the running node).
    const glibc = `${koffiNativeDir(arch.cpu)}/linux_${arch.cpu}/koffi.node`;
    mkdirSync(dirname(join(root, glibc)), { recursive: true });
    writeFileSync(join(root, glibc), readFileSync(join(ROOT, "node_modules", `@koromix/koffi-linux-${arch.cpu}/linux_${arch.cpu}/koffi.node`)));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, "usr/lib/vrrpd/vrrpd.js"), ...args], { encoding: "utf8", cwd: tmpdir(), env: { PATH: process.env["PATH"] ?? "" } });

  test("check-config passes on the shipped /etc/config/vrrp", (t) => {
    if (hostArch() === undefined) return t.skip(`no vrrpd-koffi built for this machine's CPU (${process.arch})`);
    const r = run("check-config", "-c", join(root, "etc/config/vrrp"));
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /0 error\(s\)/);
  });

  test("check-config refuses a broken file; version prints the version", (t) => {
    if (hostArch() === undefined) return t.skip(`no vrrpd-koffi built for this machine's CPU (${process.arch})`);
    const bad = join(root, "broken");
    writeFileSync(bad, "config instance 'lan'\n\toption interface 'lan'\n\toption virtual_router_id '300'\n");
    const r = run("check-config", "-c", bad);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /300 is out of range 1\.\.255/);
    assert.equal(run("version").stdout.trim(), VERSION);
  });

  test("vrrpd.js leaves nodemailer to vrrpd-mail.js, which loads from /usr/lib/vrrpd and sends a mail", async () => {
    assertLoadsMailModuleLazily(join(root, "usr/lib/vrrpd/vrrpd.js"));
    await sendThroughMailModule(join(root, "usr/lib/vrrpd/vrrpd-mail.js"));
  });

  test("koffi loads from vrrpd-koffi's files in /usr/lib/vrrpd/node_modules, not the repository's", (t) => {
    if (hostArch() === undefined) return t.skip(`no vrrpd-koffi built for this machine's CPU (${process.arch})`);
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", "import koffi from 'koffi'; console.log(typeof koffi.load, new URL(import.meta.resolve('koffi')).pathname)"], {
      cwd: join(root, "usr/lib/vrrpd"),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^function /);
    assert.ok(r.stdout.includes(join(root, KOFFI_DIR)), r.stdout);
  });
});

test("the router wrapper runs node with the flags the benchmarks measure", () => {
  const wrapper = readFileSync(new URL("../../files/usr/sbin/vrrpd", import.meta.url), "utf8");
  assert.match(wrapper, new RegExp(`exec node ${ROUTER_NODE_FLAGS.join(" ")} /usr/lib/vrrpd/vrrpd.js`));
});

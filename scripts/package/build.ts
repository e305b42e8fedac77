// Builds dist/: the bundled daemon, vrrpd_<ver>_<arch>.ipk for each architecture and luci-app-vrrp_<ver>_all.ipk.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLE_PACKAGE_JSON, bundleDaemon } from "./bundle.ts";
import { buildIpk, type ControlFields, type IpkInput } from "./ipk.ts";
import { ARCHES, koffiCore, koffiNative, koffiVersion, type Arch } from "./koffi.ts";
import { DAEMON_BUNDLE, DAEMON_DIR, RELEASE, VRRPD_CONFFILES, VRRPD_FILES, daemonVersion, luciFiles, sourceDateEpoch, type Install } from "./layout.ts";
import { LUCI_POSTINST_PKG, POSTINST, PRERM, VRRPD_POSTINST_PKG, VRRPD_POSTRM } from "./maintainer-scripts.ts";

export interface BuildOptions {
  readonly root: string;
  readonly outDir: string;
  readonly cacheDir: string;
  /** Default: all of ARCHES. */
  readonly arches?: readonly Arch[];
  readonly log?: (line: string) => void;
}

export interface BuiltFile {
  readonly file: string;
  readonly bytes: number;
  /** Installed-Size of an ipk (uncompressed data). */
  readonly installedSize?: number;
}

export interface BuildResult {
  readonly version: string;
  readonly bundle: BuiltFile;
  readonly packages: readonly BuiltFile[];
}

const COMMON = {
  License: "GPL-2.0-or-later",
  URL: "https://github.com/vrrpd/vrrpd",
  Maintainer: "vrrpd developers",
} as const;

type FileList = IpkInput["files"][number][];

const fromRepo = (root: string, list: readonly Install[]): FileList =>
  list.map((i) => ({ path: i.to, mode: i.mode, data: readFileSync(join(root, i.from)) }));

export async function buildPackages(options: BuildOptions): Promise<BuildResult> {
  const { root, outDir, cacheDir } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const version = `${daemonVersion(root)}-r${RELEASE}`;
  const mtime = sourceDateEpoch(root);
  mkdirSync(outDir, { recursive: true });

  const bundle = await bundleDaemon(root, daemonVersion(root));
  writeFileSync(join(outDir, "vrrpd.js"), bundle);
  const koffi = koffiVersion(root);
  const core = koffiCore(root, koffi).map((f) => ({ ...f, path: `${DAEMON_DIR}/node_modules/koffi/${f.path}` }));
  const daemonFiles: FileList = [
    ...fromRepo(root, VRRPD_FILES),
    { path: DAEMON_BUNDLE, mode: 0o644, data: bundle },
    { path: `${DAEMON_DIR}/package.json`, mode: 0o644, data: Buffer.from(BUNDLE_PACKAGE_JSON) },
    ...core,
  ];

  const packages: BuiltFile[] = [];
  const write = (input: IpkInput): void => {
    const ipk = buildIpk(input);
    writeFileSync(join(outDir, ipk.fileName), ipk.bytes);
    packages.push({ file: ipk.fileName, bytes: ipk.bytes.length, installedSize: ipk.installedSize });
    log(`${ipk.fileName}: ${ipk.bytes.length} bytes (installed ${ipk.installedSize})`);
  };
  const control = (fields: Omit<ControlFields, keyof typeof COMMON | "Version" | "SourceDateEpoch">): ControlFields => ({
    ...fields,
    ...COMMON,
    Version: version,
    SourceDateEpoch: String(mtime),
  });

  for (const arch of options.arches ?? ARCHES) {
    const native = koffiNative(root, cacheDir, arch, koffi, log).map((f) => ({ ...f, path: `${DAEMON_DIR}/node_modules/@koromix/koffi-linux-${arch.cpu}/${f.path}` }));
    write({
      control: control({
        Package: "vrrpd",
        Depends: "libc, node",
        Source: "net/vrrpd",
        SourceName: "vrrpd",
        Section: "net",
        Architecture: arch.opkg,
        Description: "VRRP (v2/v3, IPv4/IPv6) failover daemon for OpenWrt router pairs, in Node.js.\nReads /etc/config/vrrp (keepalived's option names), publishes ubus object vrrp.",
      }),
      conffiles: VRRPD_CONFFILES,
      scripts: { postinst: POSTINST, prerm: PRERM, "postinst-pkg": VRRPD_POSTINST_PKG, postrm: VRRPD_POSTRM },
      files: [...daemonFiles, ...native],
      mtime,
    });
  }

  write({
    control: control({
      Package: "luci-app-vrrp",
      Depends: "libc, luci-base, vrrpd",
      Source: "luci/luci-app-vrrp",
      SourceName: "luci-app-vrrp",
      Section: "luci",
      Architecture: "all",
      Description: "LuCI support for vrrpd: status, gateway failover wizard, instances",
    }),
    conffiles: [],
    scripts: { postinst: POSTINST, prerm: PRERM, "postinst-pkg": LUCI_POSTINST_PKG },
    files: fromRepo(root, luciFiles(root)),
    mtime,
  });

  const result: BuildResult = { version, bundle: { file: "vrrpd.js", bytes: bundle.length }, packages };
  writeFileSync(join(outDir, "sizes.json"), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

// Builds dist/: the bundled daemon, and the packages a router installs: vrrpd_<ver>_all.ipk (the daemon, pure
// JS and shell), vrrpd-koffi_<koffi ver>_<arch>.ipk for each package architecture (koffi and its musl addon,
// the only native code) and luci-app-vrrp_<ver>_all.ipk. Splitting the native part off keeps the daemon one
// package for every router and each per-architecture package small (see arches.ts for why there are several).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARCHES, type Arch } from "./arches.ts";
import { BUNDLE_PACKAGE_JSON, DAEMON_FILE, MAIL_FILE, bundleDaemon, bundleFile } from "./bundle.ts";
import { buildIpk, type ControlFields, type IpkInput } from "./ipk.ts";
import { koffiCore, koffiNative, koffiVersion } from "./koffi.ts";
import { DAEMON_DIR, KOFFI_DIR, KOFFI_PACKAGE, RELEASE, VRRPD_CONFFILES, VRRPD_FILES, daemonVersion, koffiNativeDir, luciFiles, sourceDateEpoch, type Install } from "./layout.ts";
import { LUCI_POSTINST_PKG, POSTINST, PRERM, VRRPD_POSTINST_PKG, VRRPD_POSTRM, VRRPD_PRERM_PKG } from "./maintainer-scripts.ts";

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
  readonly outDir: string;
  readonly bundle: BuiltFile;
  /** vrrpd-mail.js, the SMTP client the daemon loads only when e-mail alerts are configured. */
  readonly mailModule: BuiltFile;
  readonly packages: readonly BuiltFile[];
}

const COMMON = {
  Source: "net/vrrpd",
  SourceName: "vrrpd",
  Section: "net",
  URL: "https://github.com/vrrpd/vrrpd",
  Maintainer: "vrrpd developers",
} as const;

/**
 * Depends as the buildroot writes them for the feed's DEPENDS: +libc first (PKG_DEFAULT_DEPENDS), then the
 * package's own in order, each under its opkg name (libgcc and libstdcpp carry their ABI version).
 */
export const DEPENDS = {
  vrrpd: "libc, node, vrrpd-koffi",
  [KOFFI_PACKAGE]: "libc, libstdcpp6, libgcc1",
  "luci-app-vrrp": "libc, luci-base, vrrpd",
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
  for (const f of bundle) writeFileSync(join(outDir, f.name), f.data);
  const koffi = koffiVersion(root);

  const packages: BuiltFile[] = [];
  const write = (input: IpkInput): void => {
    const ipk = buildIpk(input);
    writeFileSync(join(outDir, ipk.fileName), ipk.bytes);
    packages.push({ file: ipk.fileName, bytes: ipk.bytes.length, installedSize: ipk.installedSize });
  };
  const control = (fields: Pick<ControlFields, "Package" | "Version" | "License" | "Architecture" | "Description"> & Partial<ControlFields>): ControlFields => ({
    ...COMMON,
    Depends: DEPENDS[fields.Package as keyof typeof DEPENDS],
    SourceDateEpoch: String(mtime),
    ...fields,
  });

  write({
    control: control({
      Package: "vrrpd",
      Version: version,
      License: "GPL-2.0-or-later",
      Architecture: "all",
      Description: "VRRP (v2/v3, IPv4/IPv6) failover daemon for OpenWrt router pairs, in Node.js.\nReads /etc/config/vrrp (keepalived's option names), publishes ubus object vrrp.",
    }),
    conffiles: VRRPD_CONFFILES,
    scripts: { postinst: POSTINST, prerm: PRERM, "postinst-pkg": VRRPD_POSTINST_PKG, "prerm-pkg": VRRPD_PRERM_PKG, postrm: VRRPD_POSTRM },
    files: [
      ...fromRepo(root, VRRPD_FILES),
      ...bundle.map((f) => ({ path: `${DAEMON_DIR}/${f.name}`, mode: 0o644, data: f.data })),
      { path: `${DAEMON_DIR}/package.json`, mode: 0o644, data: Buffer.from(BUNDLE_PACKAGE_JSON) },
    ],
    mtime,
  });

  const core = koffiCore(root, koffi).map((f) => ({ ...f, path: `${KOFFI_DIR}/${f.path}` }));
  for (const arch of options.arches ?? ARCHES) {
    const native = koffiNative(root, cacheDir, arch, koffi, log).map((f) => ({ ...f, path: `${koffiNativeDir(arch.cpu)}/${f.path}` }));
    write({
      control: control({
        Package: KOFFI_PACKAGE,
        Version: `${koffi}-r${RELEASE}`,
        License: "MIT",
        LicenseFiles: "node_modules/koffi/LICENSE.txt",
        Architecture: arch.opkg,
        Description: `koffi ${koffi} (FFI for Node.js) for vrrpd: its JS and its prebuilt musl addon for ${arch.cpu}.`,
      }),
      conffiles: [],
      scripts: { postinst: POSTINST, prerm: PRERM },
      files: [...core, ...native],
      mtime,
    });
  }

  write({
    control: control({
      Package: "luci-app-vrrp",
      Version: version,
      License: "GPL-2.0-or-later",
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

  const built = (file: typeof DAEMON_FILE | typeof MAIL_FILE): BuiltFile => ({ file, bytes: bundleFile(bundle, file).length });
  const result: BuildResult = { version, outDir, bundle: built(DAEMON_FILE), mailModule: built(MAIL_FILE), packages };
  writeFileSync(join(outDir, "sizes.json"), `${JSON.stringify({ ...result, outDir: undefined }, null, 2)}\n`);
  return result;
}

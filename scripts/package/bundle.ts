// The daemon as minified ES modules for /usr/lib/vrrpd: vrrpd.js, and vrrpd-mail.js with the SMTP client
// (smtp-sender.ts and nodemailer), which vrrpd.js imports only when e-mail alerts are configured
// (src/daemon/mail/smtp-loader.ts): nodemailer is about a third of the code and costs several MiB of RSS once
// loaded. Two entry points without code splitting, so the names stay fixed for the packages and the feed's
// Makefile, and neither file needs a third. koffi stays external: it loads a native addon by path, which a
// bundle cannot carry, so it is installed next to the bundle in node_modules/.
import { build, type BuildOptions } from "esbuild";
import { join } from "node:path";

export const DAEMON_ENTRY = "src/daemon/main.ts";
const MAIL_ENTRY = "src/daemon/mail/smtp-sender.ts";

export const DAEMON_FILE = "vrrpd.js";
export const MAIL_FILE = "vrrpd-mail.js";
/** Every file of the bundle, installed side by side (vrrpd.js imports ./vrrpd-mail.js). */
export const BUNDLE_FILES = [DAEMON_FILE, MAIL_FILE] as const;

export interface BundleFile {
  readonly name: (typeof BUNDLE_FILES)[number];
  readonly data: Uint8Array;
}

/** `{"type": "module"}` next to the bundle, so node reads vrrpd.js as ESM. */
export const BUNDLE_PACKAGE_JSON = `${JSON.stringify({ name: "vrrpd", private: true, type: "module" }, null, 2)}\n`;

/** esbuild's options for both files (bench/bundle.ts runs them with buildSync). */
export function bundleOptions(root: string, version: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { [DAEMON_FILE.replace(/\.js$/, "")]: join(root, DAEMON_ENTRY), [MAIL_FILE.replace(/\.js$/, "")]: join(root, MAIL_ENTRY) },
    outdir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    external: ["koffi"],
    // smtp-loader.ts imports this specifier, relative to vrrpd.js; from the sources it imports smtp-sender.ts.
    define: { VRRPD_MAIL_MODULE: JSON.stringify(`./${MAIL_FILE}`) },
    legalComments: "none",
    banner: { js: `// vrrpd ${version} (GPL-2.0-or-later). Bundled from src/ by scripts/package; the sources are the reference.` },
    logLevel: "silent",
  };
}

export async function bundleDaemon(root: string, version: string): Promise<BundleFile[]> {
  const result = await build({ ...bundleOptions(root, version), write: false });
  return BUNDLE_FILES.map((name) => {
    const out = result.outputFiles.find((f) => f.path === join(root, name));
    if (out === undefined) throw new Error(`esbuild produced no ${name}`);
    return { name, data: out.contents };
  });
}

/** The bundle's file called `name`. */
export function bundleFile(files: readonly BundleFile[], name: BundleFile["name"]): Uint8Array {
  const file = files.find((f) => f.name === name);
  if (file === undefined) throw new Error(`no ${name} in the bundle`);
  return file.data;
}

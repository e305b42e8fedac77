// An .ipk as OpenWrt 24.10's opkg installs it, built the way the buildroot's scripts/ipkg-build does: a gzip'd
// tar holding ./debian-binary ("2.0"), ./data.tar.gz and ./control.tar.gz; control.tar.gz holds the control
// file, conffiles and the maintainer scripts; Installed-Size is the size of the uncompressed data tar. The
// tars and gzip are ipkg-build's (see tar.ts and gzip.ts), so the bytes match a buildroot build of the tree.
import { gzip } from "./gzip.ts";
import { sortEntries, tar, withParents, type TarEntry } from "./tar.ts";

export interface ControlFields {
  readonly Package: string;
  readonly Version: string;
  readonly Depends: string;
  readonly Source: string;
  readonly SourceName: string;
  readonly License: string;
  /** Licence files in the source (PKG_LICENSE_FILES); the buildroot omits the field when there are none. */
  readonly LicenseFiles?: string;
  readonly Section: string;
  readonly SourceDateEpoch: string;
  readonly URL: string;
  readonly Maintainer: string;
  readonly Architecture: string;
  readonly Description: string;
}

export interface IpkInput {
  readonly control: ControlFields;
  /** Absolute paths opkg keeps when the user changed them. */
  readonly conffiles: readonly string[];
  /** control.tar.gz members besides control and conffiles: postinst, prerm, postinst-pkg... (all 0755). */
  readonly scripts: Readonly<Record<string, string>>;
  /** The installed tree; paths relative to / without a leading "./". */
  readonly files: readonly { readonly path: string; readonly mode: number; readonly data: Uint8Array }[];
  /** Every mtime in the archives (SOURCE_DATE_EPOCH). */
  readonly mtime: number;
}

export interface Ipk {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly installedSize: number;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The control file in the buildroot's field order (package-pack.mk); Description continuation lines start with a space. */
export function renderControl(fields: ControlFields, installedSize: number): string {
  const order = ["Package", "Version", "Depends", "Source", "SourceName", "License", "LicenseFiles", "Section", "SourceDateEpoch", "URL", "Maintainer", "Architecture"] as const;
  // Like the buildroot's addfield: a field with no value is left out (opkg-lede crashes on an empty Depends).
  const lines = order.flatMap((k) => (fields[k] === undefined || fields[k] === "" ? [] : [`${k}: ${fields[k]}`]));
  lines.push(`Installed-Size: ${installedSize}`);
  const [first = "", ...more] = fields.Description.split("\n");
  lines.push(`Description:  ${first}`, ...more.map((l) => ` ${l}`));
  return `${lines.join("\n")}\n`;
}

function dataEntries(files: IpkInput["files"]): TarEntry[] {
  const entries = files.map((f): TarEntry => ({ path: `./${f.path}`, mode: f.mode, data: f.data }));
  return sortEntries(withParents(entries));
}

export function buildIpk(input: IpkInput): Ipk {
  for (const c of input.conffiles) {
    if (!input.files.some((f) => `/${f.path}` === c)) throw new Error(`conffile ${c} is not in the package`);
  }
  const dataTar = tar(dataEntries(input.files), input.mtime);
  const installedSize = dataTar.length;
  const control: TarEntry[] = [
    { path: "./", mode: 0o755 },
    { path: "./control", mode: 0o644, data: utf8(renderControl(input.control, installedSize)) },
    ...(input.conffiles.length > 0 ? [{ path: "./conffiles", mode: 0o644, data: utf8(`${[...input.conffiles].sort().join("\n")}\n`) }] : []),
    ...Object.entries(input.scripts).map(([name, body]) => ({ path: `./${name}`, mode: 0o755, data: utf8(body) })),
  ];
  const outer: TarEntry[] = [
    { path: "./debian-binary", mode: 0o644, data: utf8("2.0\n") },
    { path: "./data.tar.gz", mode: 0o644, data: gzip(dataTar) },
    { path: "./control.tar.gz", mode: 0o644, data: gzip(tar(sortEntries(control), input.mtime)) },
  ];
  const { Package, Version, Architecture } = input.control;
  return { fileName: `${Package}_${Version}_${Architecture}.ipk`, bytes: gzip(tar(outer, input.mtime)), installedSize };
}

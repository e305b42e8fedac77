// The package architectures the native part of vrrpd (koffi's addon, package vrrpd-koffi) is built for.
//
// opkg installs a package only if its Architecture field is, character for character, one of the names the
// router was built with (`opkg print-architecture`: all, noarch and the target's ARCH_PACKAGES; libopkg
// pkg_arch_supported uses strcmp). An aarch64_generic package is therefore refused on an aarch64_cortex-a53
// router although the CPU runs it: one package per name is needed, even where the bytes are the same.
//
// The list is every OpenWrt 24.10 ARCH_PACKAGES on which its `node` package can be built (Package/node
// DEPENDS: @HAS_FPU @(i386||x86_64||arm||aarch64)) and whose CPU koffi 3.3.4 has a musl addon for: x64 and
// arm64 only (@koromix/koffi-linux-arm ships a glibc armhf build, -ia32 a glibc build, nothing for musl).
// test/package/arches.test.ts derives the same list from the 24.10 target table and fails if they differ.

export interface Arch {
  /** opkg's architecture name (OpenWrt's ARCH_PACKAGES), used in the file name and the Architecture field. */
  readonly opkg: string;
  /** Node's process.arch: koffi's package suffix (@koromix/koffi-linux-<cpu>). */
  readonly cpu: "x64" | "arm64";
  /** ELF e_machine of its native code. */
  readonly elfMachine: number;
  /** The architecture in musl's names (ld-musl-<musl>.so.1; Alpine's libc.musl-<musl>.so.1). */
  readonly musl: string;
}

type Cpu = Omit<Arch, "opkg">;

/** The CPU families with a koffi musl addon, by OpenWrt's ARCH. */
export const KOFFI_CPUS: Readonly<Record<string, Cpu>> = {
  x86_64: { cpu: "x64", elfMachine: 62, musl: "x86_64" },
  aarch64: { cpu: "arm64", elfMachine: 183, musl: "aarch64" },
};

/** OpenWrt's ARCH of a package architecture name: the part before the CPU type ("aarch64_cortex-a53" -> "aarch64"). */
export function familyOf(archPackages: string): string {
  return archPackages === "x86_64" ? "x86_64" : (archPackages.split("_")[0] ?? archPackages);
}

const arch = (opkg: string): Arch => {
  const cpu = KOFFI_CPUS[familyOf(opkg)];
  if (cpu === undefined) throw new Error(`no koffi musl addon for ${opkg}`);
  return { opkg, ...cpu };
};

/**
 * The 24.10 targets behind each name (docs/openwrt.md has the table): x86_64: x86/64. aarch64_cortex-a53:
 * mediatek/filogic and mt7622, qualcommax/ipq807x, mvebu/cortexa53, bcm27xx/bcm2710, imx/cortexa53,
 * sunxi/cortexa53, bcm4908. aarch64_cortex-a72: bcm27xx/bcm2711, mvebu/cortexa72. aarch64_cortex-a76:
 * bcm27xx/bcm2712. aarch64_generic: armsr/armv8, layerscape/armv8_64b, rockchip/armv8.
 */
export const ARCHES: readonly Arch[] = ["x86_64", "aarch64_cortex-a53", "aarch64_cortex-a72", "aarch64_cortex-a76", "aarch64_generic"].map(arch);

/** A name from ARCHES, or any other x86_64/aarch64_* name (a later release may add CPU types); else undefined. */
export function archFor(opkg: string): Arch | undefined {
  const known = ARCHES.find((a) => a.opkg === opkg);
  if (known !== undefined) return known;
  return /^(x86_64|aarch64_[\w-]+)$/.test(opkg) ? arch(opkg) : undefined;
}

// The vocabulary of the /etc/config/vrrp schema. Everything here is plain data (no functions), so the same
// description drives validation (validate.ts), the generated reference (docs/configuration.md) and, later, the
// LuCI form generator, and none of them can drift from the others.

/** A duration's limits for one protocol version (advert_int differs between VRRPv2 and VRRPv3). */
export interface DurationRange {
  readonly minMs: number;
  readonly maxMs: number;
  /** Every value must be a whole multiple of this. */
  readonly stepMs: number;
}

export type OptionType =
  /** OpenWrt booleans, as config_get_bool reads them: 1/yes/on/true/enabled and 0/no/off/false/disabled. */
  | { readonly kind: "bool" }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  /**
   * Decimal text in `unit` (keepalived writes seconds), stored as whole milliseconds. `byVersion` narrows the
   * range once the instance's VRRP version is known.
   */
  | ({ readonly kind: "duration"; readonly unit: "s"; readonly byVersion?: { readonly 2: DurationRange; readonly 3: DurationRange } } & DurationRange)
  /** One of `values`; case-insensitive, stored as written in `values`. */
  | { readonly kind: "enum"; readonly values: readonly string[] }
  /** An IP address without a prefix length; `multicast` requires 224.0.0.0/4 or ff00::/8. */
  | { readonly kind: "ip"; readonly family?: 4 | 6; readonly multicast?: boolean }
  /**
   * keepalived's virtual_ipaddress line: `ADDRESS[/LEN]` then optional `dev X`, `label X`, `scope X`, `brd X`.
   * A missing length means /32 or /128, as keepalived.
   */
  | { readonly kind: "prefix"; readonly words: readonly ("dev" | "label" | "scope" | "brd")[] }
  /** keepalived's virtual_routes line, iproute2-like: `[TYPE] DEST [via GW] [dev X] [src IP] [metric N] [table N]`. */
  | { readonly kind: "route" }
  /** A tracked object: `NAME [weight N [reverse|noreverse]]`, NAME an interface or a `target` section's name. */
  | { readonly kind: "track"; readonly target: "interface" | "track_script" }
  /** Free text (a command line, a user name); `maxBytes` counts UTF-8 bytes, `pattern` is a RegExp source. */
  | { readonly kind: "string"; readonly maxBytes?: number; readonly pattern?: string; readonly patternHint?: string }
  /** The name of another section of `sectionType` (sections refer to each other by section name). */
  | { readonly kind: "section"; readonly sectionType: string };

export type OptionKind = OptionType["kind"];

/** The LuCI form.* class the web UI generator should use. */
export type LuciWidget =
  | "Flag"
  | "Value"
  | "ListValue"
  | "DynamicList"
  | "MultiValue"
  | "NetworkSelect"
  | "DeviceSelect"
  | "TextValue";

export interface LuciHint {
  readonly tab: string;
  readonly widget: LuciWidget;
  /** Show only in the edit modal, not in the grid row (LuCI's `o.modalonly`). */
  readonly modalOnly?: boolean;
  readonly placeholder?: string;
}

export interface OptionSpec {
  readonly name: string;
  readonly type: OptionType;
  /** Written as `list NAME VALUE` lines (an `option` line is read as a one-item list, as LuCI does). */
  readonly list?: boolean;
  readonly required?: boolean;
  /** The default as UCI text; absent when there is none or it is computed (then `defaultNote` says how). */
  readonly default?: string;
  /** A `globals` option whose value is the default (keepalived's vrrp_* global defaults). */
  readonly inherit?: string;
  /** How a computed default is chosen, for the docs. */
  readonly defaultNote?: string;
  readonly description: string;
  /** The keepalived.conf keyword this maps from; absent for vrrpd-only options. */
  readonly keepalived?: string;
  readonly luci: LuciHint;
}

export interface SectionSpec {
  readonly type: string;
  readonly description: string;
  /** keepalived.conf block this corresponds to. */
  readonly keepalived?: string;
  /** At most one section of this type (`globals`). */
  readonly single?: boolean;
  /** LuCI tabs in display order, with their titles. */
  readonly tabs: readonly { readonly name: string; readonly title: string }[];
  readonly options: readonly OptionSpec[];
}

// A problem found in the configuration, with where it was written. Errors stop the configuration from being
// used; warnings never do. Validation collects every finding in one pass, so one run shows them all.
import type { UciLocation } from "./uci/types.ts";

export type Severity = "error" | "warning";

export interface Finding {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  /** Section name, or `@type[n]` for an anonymous section (as `uci get` addresses it); "" for a file-level problem. */
  readonly section: string;
  readonly option?: string;
  readonly message: string;
}

/** `file:line: section.option: message`, the form editors and CI annotators recognise. */
export function formatFinding(f: Finding): string {
  const where = f.section === "" ? "" : `${f.section}${f.option === undefined ? "" : `.${f.option}`}: `;
  return `${f.file}:${f.line}: ${where}${f.message}`;
}

/** What a finding points at: a location plus the section label and, optionally, the option. */
export interface Place {
  readonly location: UciLocation;
  readonly section: string;
  readonly option?: string;
}

export class Findings {
  readonly list: Finding[] = [];

  error(place: Place, message: string): void {
    this.add("error", place, message);
  }

  warning(place: Place, message: string): void {
    this.add("warning", place, message);
  }

  add(severity: Severity, place: Place, message: string): void {
    const base = { severity, file: place.location.file, line: place.location.line, section: place.section, message };
    this.list.push(place.option === undefined ? base : { ...base, option: place.option });
  }

  get hasErrors(): boolean {
    return this.list.some((f) => f.severity === "error");
  }

  /** By file, then line, errors before warnings on the same line; stable otherwise. */
  sorted(): Finding[] {
    return this.list
      .map((f, i) => ({ f, i }))
      .sort((a, b) => cmp(a.f.file, b.f.file) || a.f.line - b.f.line || rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const rank = (f: Finding): number => (f.severity === "error" ? 0 : 1);

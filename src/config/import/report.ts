// What an import reports, in helper-5's Finding shape so the CLI prints both importers' and the validator's
// findings the same way: `file:line: keyword: message`. The `section` field carries the keepalived keyword (the
// thing the user wrote on that line), so `formatFinding` gives exactly that form.
import { Findings, type Finding, type Severity } from "../finding.ts";

/** A place in the input: a keepalived.conf line, or the UCI line a generated keepalived line came from. */
export interface Where {
  readonly file: string;
  readonly line: number;
}

export class ImportReport {
  private readonly findings = new Findings();

  add(severity: Severity, at: Where, keyword: string, message: string): void {
    this.findings.add(severity, { location: { file: at.file, line: at.line }, section: keyword }, message);
  }

  error(at: Where, keyword: string, message: string): void {
    this.add("error", at, keyword, message);
  }

  warning(at: Where, keyword: string, message: string): void {
    this.add("warning", at, keyword, message);
  }

  /** A keyword that has no vrrpd equivalent: never dropped silently, always said why and what to do instead. */
  notImported(at: Where, keyword: string, why: string, severity: Severity = "warning"): void {
    this.add(severity, at, keyword, `not imported: ${why}`);
  }

  get hasErrors(): boolean {
    return this.findings.hasErrors;
  }

  /** By file, then line; errors first on a line. */
  sorted(): Finding[] {
    return this.findings.sorted();
  }
}

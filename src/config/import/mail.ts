// global_defs' SMTP keywords → the e-mail options of `config globals` (same names). keepalived reads
// notification_email as a block of addresses and smtp_server as `HOST [PORT]`; smtp_alert / smtp_alert_vrrp set
// the default of every instance's and group's smtp_alert (globals.ts keeps that in its context).
import type { KeepalivedNode } from "../keepalived/types.ts";
import type { ImportReport } from "./report.ts";
import { integerIn, isPlaceholder } from "./values.ts";

const ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+$/;

/**
 * The single argument, or a warning when it is missing. Warnings, not errors, throughout: a lost mail setting
 * changes no failover (keepalived logs these and goes on without mail).
 */
function argOf(node: KeepalivedNode, report: ImportReport): string | undefined {
  const value = node.args[0];
  if (value === undefined) report.warning(node, node.keyword, "needs a value; ignored (as keepalived)");
  return value;
}

/** keepalived's format_email_addr() accepts `<a@b>` as well as `a@b`. */
function address(text: string): string | undefined {
  const bare = text.replace(/^<(.*)>$/, "$1");
  return ADDRESS.test(bare) ? bare : undefined;
}

export type MailReader = (node: KeepalivedNode, set: (option: string, value: string) => void, report: ImportReport, add: (option: string, value: string) => void) => void;

export const MAIL_READERS: Readonly<Record<string, MailReader>> = {
  notification_email: (node, _set, report, add) => {
    // Every word of the block is one address (keepalived's read_value_block); a one-line form is read the same.
    const words = [...node.args, ...(node.children ?? []).flatMap((c) => [c.keyword, ...c.args])];
    if (words.length === 0) report.warning(node, node.keyword, "empty notification_email block; no recipient (keepalived warns too)");
    for (const word of words) {
      const a = address(word);
      if (isPlaceholder(word)) report.warning(node, node.keyword, `'${word}' is a placeholder, not an address; ignored`);
      else if (a === undefined) report.warning(node, node.keyword, `'${word}' is not an e-mail address; ignored`);
      else add("notification_email", a);
    }
  },
  notification_email_from: (node, set, report) => {
    const text = argOf(node, report);
    if (text === undefined) return;
    const a = address(text);
    if (a === undefined) report.warning(node, node.keyword, `'${text}' is not an e-mail address; ignored`);
    else set("notification_email_from", a);
  },
  smtp_server: (node, set, report) => {
    const host = argOf(node, report);
    if (host === undefined) return;
    const portText = node.args[1];
    const port = portText === undefined ? 25 : integerIn(portText, 1, 65535);
    if (port === undefined) report.warning(node, node.keyword, `'${portText ?? ""}' is not a port 1..65535; ignored (keepalived refuses it too)`);
    else set("smtp_server", port === 25 ? host : `${host} ${port}`);
  },
  smtp_helo_name: (node, set, report) => {
    const text = argOf(node, report);
    if (text !== undefined) set("smtp_helo_name", text);
  },
  smtp_connect_timeout: (node, set, report) => {
    const text = argOf(node, report);
    if (text === undefined) return;
    const seconds = integerIn(text, 0, 3600);
    if (seconds === undefined) report.warning(node, node.keyword, `'${text}' is not a whole number of seconds 0..3600; ignored`);
    // keepalived turns 0 into 1 ("must be greater than 0, setting to 1").
    else set("smtp_connect_timeout", String(Math.max(1, seconds)));
  },
  no_email_faults: (_node, set) => set("no_email_faults", "1"),
  email_faults: (_node, set) => set("no_email_faults", "0"),
};

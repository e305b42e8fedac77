// The text of an e-mail alert. Subject and first body line are keepalived's, word for word, so filters written
// for keepalived's mail keep matching: keepalived/core/smtp.c smtp_alert() formats the subject as
// "[<router_id>] VRRP Instance <name> - <subject>" (or "VRRP Group"), and keepalived/vrrp/vrrp_notify.c
// vrrp_smtp_notifier() / vrrp_sync_smtp_notifier() give "Entering MASTER state" with
// "=> VRRP Instance is now owning VRRP VIPs <=" and so on. vrrpd adds, below that line, why the transition
// happened and which router is master now.

export type AlertState = "MASTER" | "BACKUP" | "FAULT" | "STOP";

/** Who holds the virtual router now, as this router saw it when the mail was composed. */
export type MasterNow = { readonly self: true; readonly priority: number } | { readonly self: false; readonly address: string | null; readonly priority: number | null };

export interface AlertEvent {
  readonly kind: "instance" | "group";
  readonly name: string;
  readonly state: AlertState;
  /** The state the last alert (or the start) left it in. */
  readonly previous: string;
  readonly reason: string;
  /** Wall-clock time of the transition. */
  readonly at: Date;
  readonly device?: string;
  readonly vips?: readonly string[];
  /** Instances only; a group's line names its members instead. */
  readonly master?: MasterNow;
  readonly members?: readonly string[];
}

export interface MailText {
  readonly subject: string;
  readonly text: string;
}

const SUBJECT: Readonly<Record<AlertState, string>> = {
  MASTER: "Entering MASTER state",
  BACKUP: "Entering BACKUP state",
  FAULT: "Entering FAULT state",
  STOP: "Stopping",
};

const INSTANCE_LINE: Readonly<Record<AlertState, string>> = {
  MASTER: "=> VRRP Instance is now owning VRRP VIPs <=",
  BACKUP: "=> VRRP Instance is no longer owning VRRP VIPs <=",
  FAULT: "=> VRRP Instance is no longer owning VRRP VIPs <=",
  STOP: "=> VRRP Instance stopping <=",
};

const GROUP_LINE: Readonly<Record<AlertState, string>> = {
  MASTER: "=> All VRRP group instances are now in MASTER state <=",
  BACKUP: "=> All VRRP group instances are now in BACKUP state <=",
  FAULT: "=> All VRRP group instances are now in FAULT state <=",
  STOP: "=> All VRRP group instances are now stopping <=",
};

/** keepalived's "VRRP Instance <name> - <subject>" without the router id. */
function headline(event: AlertEvent): string {
  return `VRRP ${event.kind === "instance" ? "Instance" : "Group"} ${event.name} - ${SUBJECT[event.state]}`;
}

function masterLine(master: MasterNow | undefined): string | undefined {
  if (master === undefined) return undefined;
  if (master.self) return `Master now: this router (priority ${master.priority})`;
  if (master.address === null) return "Master now: none heard yet";
  return `Master now: ${master.address}${master.priority === null ? "" : ` (priority ${master.priority})`}`;
}

/** The lines vrrpd adds under keepalived's: reason, master, addresses, time. */
function details(event: AlertEvent): string[] {
  const lines = [`Reason: ${event.reason} (was ${event.previous})`];
  const master = masterLine(event.master);
  if (master !== undefined) lines.push(master);
  if (event.members !== undefined) lines.push(`Members: ${event.members.join(", ")}`);
  if (event.vips !== undefined && event.vips.length > 0) lines.push(`Virtual addresses: ${event.vips.join(" ")}${event.device ? ` on ${event.device}` : ""}`);
  lines.push(`Time: ${event.at.toISOString()}`);
  return lines;
}

/** One transition, as keepalived mails it. */
export function alertMail(routerId: string, event: AlertEvent): MailText {
  const line = (event.kind === "instance" ? INSTANCE_LINE : GROUP_LINE)[event.state];
  return { subject: `[${routerId}] ${headline(event)}`, text: [line, "", ...details(event)].join("\n") };
}

/**
 * Many transitions in one burst window, in one mail. The subject still holds "VRRP Instance" so that filters on
 * keepalived's subjects catch it; the body has each transition's keepalived subject line and details.
 */
export function digestMail(routerId: string, events: readonly AlertEvent[]): MailText {
  const sections = events.map((e) => [headline(e), ...details(e).map((l) => `  ${l}`)].join("\n"));
  return {
    subject: `[${routerId}] VRRP Instances - ${events.length} state changes`,
    text: [`=> ${events.length} VRRP instances and groups changed state <=`, "", ...sections.flatMap((s) => [s, ""])].join("\n").trimEnd(),
  };
}

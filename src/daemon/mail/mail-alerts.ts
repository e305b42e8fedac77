// Which transitions become mail, and how many mails a burst makes. The first transition opens a window
// (windowMs); at its end each instance or group counts once, in its latest state, and only when that state
// differs from the one last mailed (keepalived's last_email_state: a flap that ends where it started is no news).
// Up to `digestAbove` of them get keepalived's own mail each; more become one digest. So 255 instances failing
// over together make one mail, and a flapping link makes at most one mail per window, whatever the rate.
import { alertMail, digestMail, type AlertEvent, type MasterNow } from "./alert-message.ts";
import type { MailQueue } from "./mail-queue.ts";

export interface MailAlertsOptions {
  readonly routerId: string;
  readonly windowMs: number;
  readonly digestAbove: number;
  /** keepalived's no_email_faults. */
  readonly noEmailFaults: boolean;
}

export const DEFAULT_WINDOW_MS = 5000;
export const DEFAULT_DIGEST_ABOVE = 3;

export type TransitionFacts = Omit<AlertEvent, "master" | "at">;

export class MailAlerts {
  /** Per `kind:name`, the latest transition in the open window. */
  private readonly pending = new Map<string, { facts: TransitionFacts; at: Date }>();
  private readonly lastMailed = new Map<string, string>();
  private window: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: MailQueue,
    private options: MailAlertsOptions,
    /** Asked when the window closes, so the mail names the master as it is by then, not at the transition. */
    private readonly masterOf: (instance: string) => MasterNow | undefined,
  ) {}

  setOptions(options: MailAlertsOptions): void {
    this.options = options;
  }

  transition(facts: TransitionFacts): void {
    const key = `${facts.kind}:${facts.name}`;
    // The mail tells where the window started from: A -> B -> C reads "C (was A)".
    const previous = this.pending.get(key)?.facts.previous ?? facts.previous;
    this.pending.set(key, { facts: { ...facts, previous }, at: new Date() });
    if (this.window === undefined) {
      this.window = setTimeout(() => this.flush(), this.options.windowMs);
      this.window.unref();
    }
  }

  /** Closes the window now (on stop, so the STOP alerts go out). */
  flush(): void {
    clearTimeout(this.window);
    this.window = undefined;
    const events: AlertEvent[] = [];
    for (const [key, { facts, at }] of this.pending) {
      if (this.lastMailed.get(key) === facts.state) continue;
      if (this.options.noEmailFaults && facts.state === "FAULT") continue; // and not remembered, as keepalived
      this.lastMailed.set(key, facts.state);
      const master = facts.kind === "instance" ? this.masterOf(facts.name) : undefined;
      events.push({ ...facts, at, ...(master === undefined ? {} : { master }) });
    }
    this.pending.clear();
    if (events.length === 0) return;
    if (events.length > this.options.digestAbove) this.queue.enqueue(digestMail(this.options.routerId, events));
    else for (const e of events) this.queue.enqueue(alertMail(this.options.routerId, e));
  }

  close(): void {
    clearTimeout(this.window);
    this.window = undefined;
    this.pending.clear();
  }
}


// E-mail alerts as the runtime sees them: one call per instance transition (sync group states are derived here
// from their members'), a status for `vrrpd status`, and a stop that gives the last alerts a bounded chance.
// Nothing here is awaited on the failover path.
import type { MailSettings } from "../../config/model.ts";
import type { Logger } from "../log.ts";
import type { AlertState, MasterNow } from "./alert-message.ts";
import { DEFAULT_DIGEST_ABOVE, DEFAULT_WINDOW_MS, MailAlerts, type MailAlertsOptions } from "./mail-alerts.ts";
import { DEFAULT_QUEUE_OPTIONS, MailQueue, NO_MAIL_YET, type MailQueueOptions, type MailStatus } from "./mail-queue.ts";
import { LazySmtp, loadSmtpModule, type LoadSmtp } from "./smtp-loader.ts";

export interface MailRuntimeConfig {
  readonly settings: MailSettings;
  readonly routerId: string;
  /** Instances with smtp_alert. */
  readonly instances: readonly string[];
  /** Sync groups with smtp_alert, with their members. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Tests shorten these; the defaults are in mail-alerts.ts and mail-queue.ts. */
  readonly windowMs?: number;
  readonly digestAbove?: number;
  readonly retryDelaysMs?: readonly number[];
  readonly maxQueued?: number;
}

export interface MailServiceStatus extends MailStatus {
  /** Recipients and a server are configured. */
  readonly enabled: boolean;
}

/** The outcome of `test_mail`: sent (the server accepted it) or why not. */
export type TestMailResult = { readonly sent: true; readonly recipients: readonly string[] } | { readonly sent: false; readonly error: string };

export interface InstanceTransition {
  readonly instance: string;
  readonly from: string;
  readonly to: AlertState;
  readonly reason: string;
  readonly device: string;
  readonly vips: readonly string[];
}

/** How long a stopping daemon waits for its last alerts. */
const STOP_GRACE_MS = 5000;

export function mailEnabled(settings: MailSettings): boolean {
  return settings.recipients.length > 0 && settings.server !== undefined;
}

export class MailService {
  /** Kept when mail is turned off, closed, so that `status` still shows what it counted. */
  private queue: MailQueue | undefined;
  private alerts: MailAlerts | undefined;
  private config: MailRuntimeConfig | undefined;
  private readonly smtp: LazySmtp;
  private readonly memberStates = new Map<string, AlertState>();
  private readonly groupStates = new Map<string, AlertState>();

  constructor(
    config: MailRuntimeConfig | undefined,
    private readonly logger: Logger,
    private readonly masterOf: (instance: string) => MasterNow | undefined,
    /** Tests hand in a loader that fails; the daemon loads smtp-sender.ts (vrrpd-mail.js when bundled). */
    loadSmtp: LoadSmtp = loadSmtpModule,
  ) {
    this.smtp = new LazySmtp(loadSmtp, logger);
    this.configure(config);
  }

  private get enabled(): boolean {
    return this.alerts !== undefined;
  }

  /**
   * A reload. New settings (server, sender, recipients, TLS, AUTH) apply to what is queued too, as a user who
   * fixed a wrong server expects, and a mail waiting for its retry is tried at once (MailQueue.setSender). Mail
   * turned off drops what waits, counted and logged. The counters survive both.
   */
  configure(config: MailRuntimeConfig | undefined): void {
    const previous = this.config;
    this.config = config;
    if (config === undefined || !mailEnabled(config.settings)) {
      if (!this.enabled) return;
      // The open burst window becomes mail first, so that what is lost is counted as dropped, not forgotten.
      this.alerts?.flush();
      this.alerts?.close();
      this.alerts = undefined;
      this.queue?.close("mail turned off by a reload");
      return;
    }
    // Only where alerts can happen; settings kept just for test_mail load the client when it is asked for.
    if (config.instances.length > 0 || Object.keys(config.groups).length > 0) this.smtp.preload();
    const send = this.smtp.sender(config.settings);
    if (this.alerts === undefined) {
      this.queue = new MailQueue(send, this.queueOptions(config), this.logger, this.queue?.status());
      this.alerts = new MailAlerts(this.queue, this.alertOptions(config), this.masterOf);
      return;
    }
    if (JSON.stringify(config.settings) !== JSON.stringify(previous?.settings)) this.queue?.setSender(send, this.queueOptions(config));
    this.alerts.setOptions(this.alertOptions(config));
  }

  onTransition(t: InstanceTransition): void {
    this.memberStates.set(t.instance, t.to);
    const config = this.config;
    const alerts = this.alerts;
    if (config === undefined || alerts === undefined) return;
    if (config.instances.includes(t.instance)) {
      alerts.transition({ kind: "instance", name: t.instance, state: t.to, previous: t.from, reason: t.reason, device: t.device, vips: t.vips });
    }
    for (const [group, members] of Object.entries(config.groups)) {
      if (!members.includes(t.instance)) continue;
      // A group has a state when all its members agree (keepalived's group state); "mixed" mails nothing.
      const states = new Set(members.map((m) => this.memberStates.get(m)));
      if (states.size !== 1 || states.has(undefined)) continue;
      const previous = this.groupStates.get(group);
      if (previous === t.to) continue;
      this.groupStates.set(group, t.to);
      alerts.transition({ kind: "group", name: group, state: t.to, previous: previous ?? "INIT", reason: t.reason, members });
    }
  }

  /**
   * `test_mail`: one message now, outside the queue and without retry, so the answer is about this attempt (the
   * LuCI button and `ubus call vrrp test_mail` wait for it, at most the attempt timeout).
   */
  async sendTest(): Promise<TestMailResult> {
    const config = this.config;
    if (config === undefined || !this.enabled) return { sent: false, error: "no notification_email or no smtp_server in globals" };
    const subject = `[${config.routerId}] VRRP test mail`;
    const text = ["=> vrrpd test mail <=", "", `Sent by ubus call vrrp test_mail at ${new Date().toISOString()}.`, `Alerts go to: ${config.settings.recipients.join(", ")}`].join("\n");
    const timeoutMs = this.queueOptions(config).attemptTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs)));
    const send = this.smtp.sender(config.settings);
    const error = await Promise.race([send({ subject, text }).then(() => undefined, (e: unknown) => (e instanceof Error ? e.message : String(e))), deadline]);
    clearTimeout(timer);
    if (error !== undefined) {
      this.logger.log("warning", `test mail not sent: ${error}`);
      return { sent: false, error };
    }
    this.logger.log("info", `test mail sent to ${config.settings.recipients.join(", ")}`);
    return { sent: true, recipients: config.settings.recipients };
  }

  status(): MailServiceStatus {
    return { enabled: this.enabled, ...(this.queue?.status() ?? NO_MAIL_YET) };
  }

  /** Sends what the open window holds and waits (bounded) for the queue; then stops retrying. */
  async stop(): Promise<void> {
    this.alerts?.flush();
    await this.queue?.drain(Math.min(STOP_GRACE_MS, this.config?.settings.connectTimeoutMs ?? STOP_GRACE_MS));
    this.alerts?.close();
    this.queue?.close("vrrpd stopping");
  }

  /** A handing-off daemon: nothing is pending worth waiting for, and the successor takes over at once. */
  close(): void {
    this.alerts?.close();
    this.queue?.close("vrrpd handing off");
  }

  private alertOptions(config: MailRuntimeConfig): MailAlertsOptions {
    return {
      routerId: config.routerId,
      windowMs: config.windowMs ?? DEFAULT_WINDOW_MS,
      digestAbove: config.digestAbove ?? DEFAULT_DIGEST_ABOVE,
      noEmailFaults: config.settings.noEmailFaults,
    };
  }

  private queueOptions(config: MailRuntimeConfig): MailQueueOptions {
    return {
      maxQueued: config.maxQueued ?? DEFAULT_QUEUE_OPTIONS.maxQueued,
      retryDelaysMs: config.retryDelaysMs ?? DEFAULT_QUEUE_OPTIONS.retryDelaysMs,
      // Connect, greeting and each reply may each take up to the timeout; past three of them the attempt is cut.
      attemptTimeoutMs: 3 * config.settings.connectTimeoutMs,
    };
  }
}

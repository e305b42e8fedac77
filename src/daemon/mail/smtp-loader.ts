// The SMTP client (smtp-sender.ts and nodemailer) is loaded only when mail is configured: nodemailer is most of
// the daemon's bundle (~69 KB gzip'd): node parses it at every start and every `vrrpd` command, and it costs about
// 0.5 MiB of RSS once loaded (docs/performance.md), which a router without alerts should not pay. In the packages it is a file of its own next to the daemon, vrrpd-mail.js (scripts/package/bundle.ts
// defines VRRPD_MAIL_MODULE); a file that will not load is an error in the log and a failed attempt in the mail
// counters, never a daemon that stops.
import type { MailSettings } from "../../config/model.ts";
import type { Logger } from "../log.ts";
import type { MailMessage, SendMail } from "./mail-queue.ts";

export type SmtpModule = typeof import("./smtp-sender.ts");
export type LoadSmtp = () => Promise<SmtpModule>;

/** Set by the bundler to "./vrrpd-mail.js"; undefined when run from the sources. */
declare const VRRPD_MAIL_MODULE: string | undefined;

/**
 * The one import of smtp-sender.ts; any static import of it would put nodemailer back into vrrpd.js. The
 * specifier is not a literal so that esbuild leaves the import to run time instead of bundling its target;
 * node resolves it relative to this module's file, which in the packages is vrrpd.js.
 */
const SMTP_MODULE = typeof VRRPD_MAIL_MODULE === "string" ? VRRPD_MAIL_MODULE : "./smtp-sender.ts";

export const loadSmtpModule: LoadSmtp = () => import(SMTP_MODULE) as Promise<SmtpModule>;

export class LazySmtp {
  private loading: Promise<SmtpModule> | undefined;

  constructor(
    private readonly load: LoadSmtp,
    private readonly logger: Logger,
  ) {}

  /** Loads the client once; a failure is logged, rejects this call and leaves the next call to try again. */
  module(): Promise<SmtpModule> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      const why = error instanceof Error ? error.message : String(error);
      this.logger.log("error", `cannot load the e-mail module: ${why}; no alert mail can be sent (reinstall vrrpd); the daemon runs on`);
      throw new Error(`e-mail module not loaded: ${why}`);
    });
    return this.loading;
  }

  /** Starts loading now, so that a broken install shows in the log at start or reload, not at the first failover. */
  preload(): void {
    this.module().catch(() => undefined);
  }

  sender(settings: MailSettings): SendMail {
    return async (message: MailMessage): Promise<void> => (await this.module()).smtpSender(settings)(message);
  }
}

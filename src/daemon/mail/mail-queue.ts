// Delivery of alerts, off the failover path: enqueue() returns at once; one message is sent at a time; each
// attempt is cut at a deadline; a failed one is retried after a growing delay, then given up. The queue is
// bounded (the oldest waiting message goes first), so a dead server costs a fixed amount of memory, log lines
// and counters (shown in `status`), never a delayed advert. A reload hands in a new sender (setSender): what
// waits goes out through it, and a message waiting for its retry is tried at once.
import type { Logger } from "../log.ts";

export interface MailMessage {
  readonly subject: string;
  readonly text: string;
}

export type SendMail = (message: MailMessage) => Promise<void>;

export interface MailQueueOptions {
  readonly maxQueued: number;
  /** Delay before each retry; its length is the number of retries. */
  readonly retryDelaysMs: readonly number[];
  /** An attempt still running after this counts as failed, whatever the SMTP client's own timeouts did. */
  readonly attemptTimeoutMs: number;
}

export interface MailStatus {
  readonly sent: number;
  /** Attempts that failed (each retry counts). */
  readonly failedAttempts: number;
  /** Messages given up: retries exhausted, or pushed out of a full queue. */
  readonly dropped: number;
  readonly queued: number;
  readonly lastError: string | null;
  /** Date.now() of the last failure. */
  readonly lastErrorAtMs: number | null;
}

export const DEFAULT_QUEUE_OPTIONS: Omit<MailQueueOptions, "attemptTimeoutMs"> = { maxQueued: 16, retryDelaysMs: [10_000, 60_000, 300_000] };

export const NO_MAIL_YET: MailStatus = { sent: 0, failedAttempts: 0, dropped: 0, queued: 0, lastError: null, lastErrorAtMs: null };

export class MailQueue {
  private readonly waiting: MailMessage[] = [];
  private running: Promise<void> | undefined;
  /** The message whose attempt is on the wire: close() leaves its counting to the attempt's outcome. */
  private inFlight: MailMessage | undefined;
  private closed = false;
  private retryTimer: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  /** Bumped by setSender(): a message that failed through an older sender starts its retries afresh. */
  private senderGeneration = 0;
  private counts: { sent: number; failedAttempts: number; dropped: number };
  private lastError: { message: string; atMs: number } | undefined;

  constructor(
    private send: SendMail,
    private options: MailQueueOptions,
    private readonly logger: Logger,
    /** Counters of the queue this one replaces (mail turned off and on again): `status` keeps counting. */
    carried: MailStatus = NO_MAIL_YET,
  ) {
    this.counts = { sent: carried.sent, failedAttempts: carried.failedAttempts, dropped: carried.dropped };
    if (carried.lastError !== null) this.lastError = { message: carried.lastError, atMs: carried.lastErrorAtMs ?? 0 };
  }

  /**
   * New settings from a reload. Nothing is sent twice: an attempt on the wire finishes through the old sender (and
   * if it fails, is retried at once through this one); a message waiting for its retry is tried now, with its
   * retries counted afresh, since the failures were the old settings'.
   */
  setSender(send: SendMail, options: MailQueueOptions): void {
    this.send = send;
    this.options = options;
    this.senderGeneration++;
    this.wakeRetry();
  }

  enqueue(message: MailMessage): void {
    if (this.closed) return;
    this.waiting.push(message);
    // The head may be in flight; push out the oldest message behind it.
    while (this.waiting.length > this.options.maxQueued) {
      const [dropped] = this.waiting.splice(this.running === undefined ? 0 : 1, 1);
      this.counts.dropped++;
      this.logger.log("warning", `mail queue full (${this.options.maxQueued}): dropped "${dropped?.subject ?? ""}"`);
    }
    this.running ??= this.work().finally(() => (this.running = undefined));
  }

  status(): MailStatus {
    return {
      ...this.counts,
      queued: this.waiting.length,
      lastError: this.lastError?.message ?? null,
      lastErrorAtMs: this.lastError?.atMs ?? null,
    };
  }

  /** Waits until the queue is empty or `timeoutMs` has passed (a stopping daemon gives its last mails a chance). */
  async drain(timeoutMs: number): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /**
   * Stops retrying and sending. What is still waiting is dropped, counted and logged with `why`; an attempt on the
   * wire is counted by its outcome.
   */
  close(why = "mail stopped"): void {
    if (this.closed) return;
    this.closed = true;
    const unsent = this.waiting.filter((m) => m !== this.inFlight).length;
    this.waiting.length = 0;
    if (unsent > 0) {
      this.counts.dropped += unsent;
      this.logger.log("warning", `${why}: ${unsent} queued alert(s) dropped`);
    }
    this.wakeRetry();
  }

  private wakeRetry(): void {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer.timer);
    this.retryTimer.wake();
  }

  private async work(): Promise<void> {
    while (!this.closed && this.waiting.length > 0) {
      const message = this.waiting[0] as MailMessage;
      for (let attempt = 0; ; attempt++) {
        const generation = this.senderGeneration;
        this.inFlight = message;
        const error = await this.attempt(message);
        this.inFlight = undefined;
        if (error === undefined) {
          this.counts.sent++;
          this.logger.log("info", `mail sent: ${message.subject}`);
          break;
        }
        this.counts.failedAttempts++;
        this.lastError = { message: error, atMs: Date.now() };
        if (this.closed) {
          this.counts.dropped++;
          this.logger.log("error", `mail not sent, and mail is stopping: ${error}: ${message.subject}`);
          break;
        }
        if (generation !== this.senderGeneration) {
          this.logger.log("warning", `mail not sent (attempt ${attempt + 1}): ${error}; trying the new settings now`);
          attempt = -1;
          continue;
        }
        const delayMs = this.options.retryDelaysMs[attempt];
        if (delayMs === undefined) {
          this.counts.dropped++;
          this.logger.log("error", `mail not sent after ${attempt + 1} attempts, given up: ${error}: ${message.subject}`);
          break;
        }
        this.logger.log("warning", `mail not sent (attempt ${attempt + 1}, retry in ${Math.round(delayMs / 1000)} s): ${error}`);
        await this.sleep(delayMs);
        if (this.closed) return;
        if (generation !== this.senderGeneration) attempt = -1; // a reload woke it: the new settings get every retry
      }
      if (this.waiting[0] === message) this.waiting.shift();
    }
  }

  /** One attempt; undefined on success, else why it failed. */
  private async attempt(message: MailMessage): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.options.attemptTimeoutMs} ms`), this.options.attemptTimeoutMs);
      timer.unref();
    });
    const sending = this.send(message).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    try {
      return await Promise.race([sending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.retryTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      // A retry pending must not keep a stopping daemon alive.
      timer.unref();
      this.retryTimer = { timer, wake };
    });
  }
}

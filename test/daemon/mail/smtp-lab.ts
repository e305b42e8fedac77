// A real SMTP server (the smtp-server package) in the test process, for the alert tests: it accepts, answers
// 5xx, or stalls after DATA past the client's timeout. Messages are kept raw with their envelope; headers are
// read back with a small parser (folded lines joined), enough to check Subject, From, To and X-Mailer.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type SmtpMode = "accept" | "reject" | "stall";

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  readonly user: string | undefined;
}

export class SmtpLab {
  readonly mails: ReceivedMail[] = [];
  mode: SmtpMode = "accept";
  /** Connections seen, whatever became of them. */
  connections = 0;
  private readonly server: SMTPServer;
  private readonly stalled: (() => void)[] = [];

  constructor(options: { readonly users?: Readonly<Record<string, string>> } = {}) {
    const users = options.users;
    this.server = new SMTPServer({
      logger: false,
      disabledCommands: users === undefined ? ["AUTH", "STARTTLS"] : ["STARTTLS"],
      authOptional: users === undefined,
      allowInsecureAuth: true,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onAuth: (auth, _session, callback) => {
        if (users !== undefined && auth.username !== undefined && users[auth.username] === auth.password) callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (this.mode === "stall") {
            this.stalled.push(() => callback());
            return;
          }
          if (this.mode === "reject") {
            const error = Object.assign(new Error("mailbox unavailable"), { responseCode: 550 });
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString("utf8");
          this.mails.push({ ...parse(raw), raw, from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), user: session.user });
          callback();
        });
      },
    });
  }

  async listen(host = "127.0.0.1", port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const release of this.stalled.splice(0)) release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async waitForMails(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.mails.length < count) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${count} mails; got ${this.mails.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.mails.slice(0, count);
  }
}

function parse(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4).replace(/\r\n/g, "\n") };
}

// Sends one alert with nodemailer over SMTP: keepalived's headers (From, To with every recipient, Subject, Date,
// an X-Mailer that still says Keepalived) and, beyond keepalived, optional STARTTLS and AUTH. Without
// smtp_starttls the session stays plain even where the server offers TLS, as keepalived's does: a server with a
// self-signed certificate must not stop alerts that keepalived delivered.
import { hostname } from "node:os";
import { createTransport } from "nodemailer";
import type { MailSettings } from "../../config/model.ts";
import type { MailMessage, SendMail } from "./mail-queue.ts";
import { readPasswordFile } from "./password-file.ts";

/** Port of SMTP over TLS from the first byte (RFC 8314); every other port starts plain. */
const IMPLICIT_TLS_PORT = 465;

export function smtpSender(settings: MailSettings, host: string = hostname()): SendMail {
  const server = settings.server;
  if (server === undefined) throw new Error("smtpSender without smtp_server");
  const implicitTls = server.port === IMPLICIT_TLS_PORT;
  const from = settings.from ?? `root@${host}`;
  return async (message: MailMessage): Promise<void> => {
    const auth = settings.username === undefined ? undefined : { user: settings.username, pass: await password(settings) };
    const transport = createTransport({
      host: server.host,
      port: server.port,
      secure: implicitTls,
      requireTLS: settings.starttls && !implicitTls,
      ignoreTLS: !settings.starttls && !implicitTls,
      name: settings.heloName ?? host,
      connectionTimeout: settings.connectTimeoutMs,
      greetingTimeout: settings.connectTimeoutMs,
      socketTimeout: settings.connectTimeoutMs,
      dnsTimeout: settings.connectTimeoutMs,
      ...(auth === undefined ? {} : { auth }),
    });
    try {
      await transport.sendMail({
        from,
        to: [...settings.recipients],
        subject: message.subject,
        text: message.text,
        headers: { "X-Mailer": "Keepalived-compatible vrrpd" },
      });
    } finally {
      transport.close();
    }
  };
}

async function password(settings: MailSettings): Promise<string> {
  if (settings.passwordFile === undefined) throw new Error("smtp_username is set but smtp_password_file is not");
  return readPasswordFile(settings.passwordFile);
}

// The shipped vrrpd-mail.js (the SMTP client vrrpd.js loads only when mail is configured) run as installed: plain
// node imports it from the package's directory, without the repository's node_modules, and sends one alert to a
// real SMTP server (smtp-server) in this process. Used by the .ipk, .deb and npm tests.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { SmtpLab } from "../daemon/mail/smtp-lab.ts";

const SEND = `
const [file, port] = process.argv.slice(1);
const { smtpSender } = await import(file);
const settings = { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port: Number(port) }, connectTimeoutMs: 5000, starttls: false, noEmailFaults: false };
await smtpSender(settings, "gw-a")({ subject: "shipped vrrpd-mail.js", text: "sent by the installed module" });
`;

/** Imports `file` (an installed vrrpd-mail.js) with plain node and sends one mail through it; asserts it arrived. */
export async function sendThroughMailModule(file: string): Promise<void> {
  const lab = new SmtpLab();
  const port = await lab.listen();
  try {
    const child = spawn(process.execPath, ["--input-type=module", "-e", SEND, pathToFileURL(file).href, String(port)], { cwd: tmpdir(), env: { PATH: process.env["PATH"] ?? "" } });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, `${file}: ${stderr}`);
    const [mail] = await lab.waitForMails(1, 5000);
    assert.equal(mail?.headers.get("subject"), "shipped vrrpd-mail.js");
  } finally {
    await lab.close();
  }
}

/** vrrpd.js imports the mail module by this name next to itself, and carries none of nodemailer itself. */
export function assertLoadsMailModuleLazily(daemonFile: string): void {
  const code = readFileSync(daemonFile, "utf8");
  assert.ok(code.includes(`"./vrrpd-mail.js"`), `${daemonFile} does not refer to ./vrrpd-mail.js`);
  assert.doesNotMatch(code, /nodemailer/i, `${daemonFile} carries nodemailer: something imports smtp-sender.ts statically`);
}

// A real SMTP server (smtp-server, through test/daemon/mail/smtp-lab.ts) run inside a lab namespace by the mail
// namespace test: `smtp-sink.ts ADDRESS PORT` prints "listening" and then one JSON line per mail it accepts.
// It runs until the test kills it by pid.
import { SmtpLab } from "../daemon/mail/smtp-lab.ts";

const [host = "127.0.0.1", portText = "2525"] = process.argv.slice(2);
const lab = new SmtpLab();
let printed = 0;
await lab.listen(host, Number(portText));
console.log("listening");
setInterval(() => {
  for (const mail of lab.mails.slice(printed)) {
    console.log(JSON.stringify({ subject: mail.headers.get("subject"), from: mail.from, to: mail.to, body: mail.body }));
  }
  printed = lab.mails.length;
}, 20);

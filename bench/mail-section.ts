// `npm run bench -- mail`: what e-mail alerts cost a router. The SMTP client (nodemailer) is vrrpd-mail.js, a
// file of its own that the daemon loads only when mail is configured: its size, and the RSS of a daemon with
// mail off and with mail on (having sent its alerts).
import { bundleSizes } from "./bundle.ts";
import { mailRssOnce, SETTLE_MS, WINDOW_MS, WINDOWS, type MailRssSample } from "./resources.ts";

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

export async function mailSection(emit: (line?: string) => void, reps: number): Promise<void> {
  emit("\n### E-mail alerts: bundle and memory\n");
  emit("| file | size | gzip -6 |\n|---|---|---|");
  for (const s of bundleSizes()) emit(`| \`${s.file}\`${s.file === "vrrpd-mail.js" ? " (loaded only with mail configured)" : ""} | ${kib(s.bytes)} | ${kib(s.gzipBytes)} |`);
  emit(
    `\nRSS of one vrrpd (one instance at 1 s, master alone; ${SETTLE_MS / 1000} s after it took over, sampled every second through ${WINDOWS} windows of ${WINDOW_MS / 1000} s; median of ${reps} runs, and the highest sample). ` +
      "Mail on: `notification_email`, `smtp_server` and `smtp_alert`, with a server in the lab that accepts the alerts.\n",
  );
  emit("| mail | RSS MiB median (max) | alerts sent |\n|---|---|---|");
  const runs: Record<"off" | "on", MailRssSample[]> = { off: [], on: [] };
  for (let rep = 0; rep < reps; rep++) {
    // Interleaved, so a disturbance of the machine does not land on one side only.
    runs.off.push(await mailRssOnce(false));
    runs.on.push(await mailRssOnce(true));
  }
  for (const side of ["off", "on"] as const) {
    const s = runs[side];
    const rss = median(s.map((x) => x.rssMiB)).toFixed(1);
    const max = Math.max(...s.map((x) => x.rssMaxMiB)).toFixed(1);
    emit(`| ${side} | ${rss} (${max}) | ${median(s.map((x) => x.mailsSent))} |`);
  }
}

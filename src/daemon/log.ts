// One line per event, with the instance as context, to stderr (procd forwards it to syslog; `logread` shows it).
// syslog and the journal stamp each line themselves; anywhere else (a terminal, a file, a test harness, a
// benchmark) the line carries its own time, to the millisecond, so a lag warning can be matched with a capture.
export type Level = "error" | "warning" | "info" | "debug";

const RANK: Record<Level, number> = { error: 0, warning: 1, info: 2, debug: 3 };

export interface Logger {
  log(level: Level, message: string, instance?: string): void;
  readonly level: Level;
}

export function createLogger(level: Level = "info", write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  return {
    level,
    log(lineLevel, message, instance) {
      if (RANK[lineLevel] > RANK[level]) return;
      write(`${lineLevel}: ${instance ? `(${instance}) ` : ""}${message}`);
    },
  };
}

/**
 * Whether the lines need their own time: not under systemd's journal (JOURNAL_STREAM is set for a service whose
 * stderr goes there) nor under procd (the init script sets VRRPD_LOG_TIMESTAMPS=0); VRRPD_LOG_TIMESTAMPS=0/1 decides.
 */
export function wantsTimestamps(env: Readonly<Record<string, string | undefined>>): boolean {
  const explicit = env["VRRPD_LOG_TIMESTAMPS"];
  if (explicit === "0" || explicit === "1") return explicit === "1";
  return env["JOURNAL_STREAM"] === undefined || env["JOURNAL_STREAM"] === "";
}

/** The writer for stderr: each line as is, or after its UTC time (ISO 8601, milliseconds). */
export function stderrWriter(timestamps: boolean, now: () => Date = () => new Date()): (line: string) => void {
  return timestamps ? (line) => process.stderr.write(`${now().toISOString()} ${line}\n`) : (line) => process.stderr.write(`${line}\n`);
}

export function parseLevel(text: string | undefined): Level {
  return text === "error" || text === "warning" || text === "debug" ? text : "info";
}

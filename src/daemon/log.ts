// One line per event, with the instance as context, to stderr (procd forwards it to syslog; `logread` shows it).
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

export function parseLevel(text: string | undefined): Level {
  return text === "error" || text === "warning" || text === "debug" ? text : "info";
}

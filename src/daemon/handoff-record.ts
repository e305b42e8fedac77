// What a daemon that hands off (an upgrade or restart, `vrrpd handoff` then a stop) leaves for its successor: which
// instances it was master of, what they were, and when it sent their last advert. The successor resumes an instance
// as master only if the record is fresh enough that no backup can have taken over since (younger than three of
// the instance's advert intervals: every backup's Master_Down_Interval is longer), and only if the instance is
// still the same virtual router with the same addresses. Anything else starts the usual way.
//
// Time is CLOCK_MONOTONIC (process.hrtime): shared by both processes and immune to wall-clock steps. The file is
// read once and removed, so a stale record can never resume an instance later.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { InstanceConfig } from "../vrrp/model.ts";

const FORMAT = "vrrpd-handoff/1";

export interface HandedOffInstance {
  readonly name: string;
  readonly interface: string;
  readonly family: number;
  readonly vrid: number;
  readonly version: number;
  readonly advertIntervalMs: number;
  readonly addresses: readonly string[];
}

export interface HandoffRecord {
  readonly format: typeof FORMAT;
  /** CLOCK_MONOTONIC (ms) when the last adverts were sent. */
  readonly lastAdvertMonotonicMs: number;
  readonly instances: readonly HandedOffInstance[];
}

/** CLOCK_MONOTONIC in milliseconds: libuv's hrtime, the same clock in every process. */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export function handedOff(config: InstanceConfig): HandedOffInstance {
  return {
    name: config.name,
    interface: config.interface,
    family: config.family,
    vrid: config.vrid,
    version: config.version,
    advertIntervalMs: config.advertIntervalMs,
    addresses: config.virtualAddresses.map((a) => `${a.address}/${a.prefixLength}`).sort(),
  };
}

/** A record file written whole or not at all (rename), readable only by root: records name instances and addresses. */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

export function writeHandoffRecord(path: string, record: HandoffRecord): void {
  writeFileAtomic(path, JSON.stringify(record));
}

export interface ResumeDecision {
  /** Instances to start as master. */
  readonly resume: ReadonlySet<string>;
  /** One line per handed-off instance that is not resumed, saying why (for the log). */
  readonly refused: readonly string[];
}

const NOTHING: ResumeDecision = { resume: new Set(), refused: [] };

/**
 * Reads and removes the record at `path`, and decides which of `instances` resume. A missing file is the usual
 * start; an unreadable one is refused as a whole, with the reason.
 */
export function takeHandoffRecord(path: string, instances: readonly InstanceConfig[], nowMonotonicMs: number): ResumeDecision {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return NOTHING;
  }
  rmSync(path, { force: true });
  const record = parseRecord(text);
  if (typeof record === "string") return { resume: new Set(), refused: [`${path}: ${record}`] };
  return decideResume(record, instances, nowMonotonicMs);
}

export function decideResume(record: HandoffRecord, instances: readonly InstanceConfig[], nowMonotonicMs: number): ResumeDecision {
  const resume = new Set<string>();
  const refused: string[] = [];
  const ageMs = nowMonotonicMs - record.lastAdvertMonotonicMs;
  for (const old of record.instances) {
    const current = instances.find((i) => i.name === old.name);
    const why =
      current === undefined
        ? "no longer configured"
        : JSON.stringify(handedOff(current)) !== JSON.stringify(old)
          ? "its configuration changed"
          : ageMs < 0 || ageMs >= 3 * current.advertIntervalMs
            ? `handed off ${ageMs.toFixed(0)} ms ago, a backup may have taken over (limit ${3 * current.advertIntervalMs} ms)`
            : undefined;
    if (why === undefined) resume.add(old.name);
    else refused.push(`${old.name}: not resumed as master: ${why}`);
  }
  return { resume, refused };
}

function parseRecord(text: string): HandoffRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const r = value as Partial<HandoffRecord> | null;
  if (r === null || typeof r !== "object" || r.format !== FORMAT) return `not a ${FORMAT} record`;
  if (typeof r.lastAdvertMonotonicMs !== "number" || !Array.isArray(r.instances)) return "incomplete record";
  return r as HandoffRecord;
}

// Replays the real captures (test/fixtures/ubus, copied from the project's shared captures) into the in-test broker: every message the real clients
// sent goes in, in recorded order, and what the broker answers each connection must equal, byte for byte, what the
// real ubusd sent it. Ids are random per ubusd run, so the broker is fed the recorded ones; event deliveries carry
// ubusd's global event counter, which depends on events before the recording started, so their seq is masked.
import { readFileSync } from "node:fs";
import { fixturesDir, parseCapture, type CaptureRecord } from "../ubus/captures.ts";
import { UbusMsgType, attrTable, decodeMessage, encodeMessage } from "../../src/ubus/message.ts";
import { UbusBroker, type BrokerConn, type IdKind } from "./ubus-broker.ts";

type Step = { readonly line: number; readonly closed: number } | { readonly line: number; readonly record: CaptureRecord };

function steps(file: string): Step[] {
  const text = readFileSync(fixturesDir + file, "utf8");
  const closes = [...text.matchAll(/^\[\d+\.\d+\] conn#(\d+) closed$/gm)].map((m) => ({ line: text.slice(0, m.index).split("\n").length, closed: Number(m[1]) }));
  const records = parseCapture(file, text).map((record) => ({ line: record.line, record }));
  return [...records, ...closes].sort((a, b) => a.line - b.line);
}

const isEventDelivery = (b: Uint8Array): boolean => b[1] === UbusMsgType.invoke && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0;
const masked = (b: Uint8Array): string => {
  const c = Uint8Array.from(b);
  if (isEventDelivery(c)) c[2] = c[3] = 0;
  return Buffer.from(c).toString("hex");
};

export interface ReplayMismatch {
  readonly conn: number;
  readonly index: number;
  readonly expected: string | undefined;
  readonly got: string | undefined;
}

/**
 * Replays consecutive capture files (one ubusd run) and returns every difference (empty: faithful).
 * A forwarded INVOKE from a caller the recording did not include is reproduced by a stand-in caller.
 */
export function replayIntoBroker(files: readonly string[]): { mismatches: ReplayMismatch[]; compared: number } {
  const all = files.flatMap(steps);
  // Ids as the real ubusd allocated them: objects and types from the ADD_OBJECT replies, in order.
  const queues: Record<IdKind, number[]> = { client: [], object: [], type: [] };
  const addSeqs = new Map<number, Set<number>>();
  for (const s of all) {
    if (!("record" in s)) continue;
    const m = decodeMessage(s.record.bytes);
    if (!m.ok) continue;
    const key = s.record.conn;
    if (s.record.direction === "client->ubusd" && m.value.type === UbusMsgType.addObject) addSeqs.set(key, (addSeqs.get(key) ?? new Set()).add(m.value.seq));
    if (s.record.direction === "ubusd->client" && m.value.type === UbusMsgType.data && addSeqs.get(key)?.has(m.value.seq)) {
      const t = attrTable(m.value.attrs);
      if (t.objid !== undefined) queues.object.push(t.objid);
      if (t.objtype !== undefined) queues.type.push(t.objtype);
      addSeqs.get(key)?.delete(m.value.seq);
    }
  }
  const broker = new UbusBroker({ ids: (kind) => queues[kind].shift() ?? 0x7fff0000 + queues.client.length });
  const conns = new Map<number, BrokerConn>();
  const produced = new Map<number, Uint8Array[]>();
  const expected = new Map<number, Uint8Array[]>();
  const push = (map: Map<number, Uint8Array[]>, conn: number, b: Uint8Array): void => void (map.get(conn) ?? map.set(conn, []).get(conn))?.push(b);
  const open = (n: number, id: number): BrokerConn => {
    const conn = broker.accept((b) => push(produced, n, b), () => undefined, id);
    conns.set(n, conn);
    return conn;
  };
  let stand = 1000;
  for (const s of all) {
    if (!("record" in s)) {
      const c = conns.get(s.closed);
      if (c) broker.disconnect(c);
      continue;
    }
    const r = s.record;
    const m = decodeMessage(r.bytes);
    if (r.direction === "ubusd->client") {
      if (m.ok && m.value.type === UbusMsgType.hello) open(r.conn, m.value.peer);
      push(expected, r.conn, r.bytes);
      // A forwarded call whose caller was not recorded: let a stand-in caller with that client id make it.
      if (m.ok && m.value.type === UbusMsgType.invoke && m.value.peer !== 0 && ![...broker.conns].some((c) => c.id === m.value.peer)) {
        const t = attrTable(m.value.attrs);
        const caller = open(stand++, m.value.peer);
        const attrs = m.value.attrs.filter((a) => a.attr === "objid" || a.attr === "method" || a.attr === "data");
        broker.receive(caller, encodeMessage({ type: UbusMsgType.invoke, seq: m.value.seq, peer: t.objid ?? 0, attrs }));
      }
      continue;
    }
    const conn = conns.get(r.conn);
    if (conn) broker.receive(conn, r.bytes);
  }
  const mismatches: ReplayMismatch[] = [];
  let compared = 0;
  for (const [conn, want] of expected) {
    const got = produced.get(conn) ?? [];
    for (let i = 0; i < Math.max(want.length, got.length); i++) {
      const w = want[i];
      const g = got[i];
      compared++;
      if (w === undefined || g === undefined || masked(w) !== masked(g)) mismatches.push({ conn, index: i, expected: w && masked(w), got: g && masked(g) });
    }
  }
  return { mismatches, compared };
}

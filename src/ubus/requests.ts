// The client-side requests libubus offers on top of the message layer, written against UbusClient:
// ubus_lookup, ubus_invoke, ubus_register_event_handler, ubus_subscribe (ubus-protocol.md §9.3–9.7).
// Every function resolves to a status instead of throwing, except where a caller bug is the only cause.
import type { BlobmsgAttr } from "./blobmsg.ts";
import type { JsonObject } from "./blobmsg-json.ts";
import { blobmsgToJson, jsonToBlobmsg } from "./blobmsg-json.ts";
import type { UbusClient, UbusObject } from "./client.ts";
import { UbusMsgType, UbusStatus, ubusSystemObjectEvent } from "./message.ts";
import type { Signature } from "./policy.ts";
import { signatureFromBlobmsg } from "./policy.ts";

export interface LookupEntry {
  readonly path: string;
  readonly objid: number;
  readonly objtype: number;
  readonly signature: Signature;
}

/** LOOKUP: `path` exact, `prefix*`, or undefined for every object. NOT_FOUND is a status, not an exception. */
export async function ubusLookup(client: UbusClient, path?: string): Promise<{ status: number; objects: LookupEntry[] }> {
  const r = await client.request(UbusMsgType.lookup, path === undefined ? [] : [{ attr: "objpath", value: path }]);
  const objects: LookupEntry[] = [];
  for (const d of r.data) {
    if (d.objpath === undefined || d.objid === undefined) continue;
    const sig = signatureFromBlobmsg(d.signature ?? []);
    objects.push({ path: d.objpath, objid: d.objid, objtype: d.objtype ?? 0, signature: sig.ok ? sig.value : {} });
  }
  return { status: r.status, objects };
}

export interface InvokeResult {
  readonly status: number;
  /** One object per DATA reply (usually zero or one). */
  readonly data: readonly JsonObject[];
}

/** INVOKE a method of an object by id; `peer` is the object id, as libubus sets it (replies come back with it). */
export async function ubusInvoke(client: UbusClient, objid: number, method: string, args: Readonly<Record<string, unknown>> = {}): Promise<InvokeResult> {
  const value = jsonToBlobmsg(args);
  if (!value.ok) return { status: UbusStatus.invalidArgument, data: [] };
  return invokeBlobmsg(client, objid, method, value.value);
}

async function invokeBlobmsg(client: UbusClient, objid: number, method: string, data: readonly BlobmsgAttr[]): Promise<InvokeResult> {
  const r = await client.request(UbusMsgType.invoke, [{ attr: "objid", value: objid }, { attr: "method", value: method }, { attr: "data", value: data }], objid);
  return { status: r.status, data: r.data.flatMap((d) => (d.data !== undefined ? [blobmsgToJson(d.data)] : [])) };
}

/** `ubus call <path> <method> <args>`: LOOKUP then INVOKE. */
export async function ubusCall(client: UbusClient, path: string, method: string, args: Readonly<Record<string, unknown>> = {}): Promise<InvokeResult> {
  const found = await ubusLookup(client, path);
  const target = found.objects.find((o) => o.path === path);
  if (target === undefined) return { status: found.status === UbusStatus.ok ? UbusStatus.notFound : found.status, data: [] };
  return ubusInvoke(client, target.objid, method, args);
}

/**
 * `ubus listen <pattern>`: an anonymous object, then INVOKE "register" on the event object. The handler gets
 * each event's id and data. The registration lives as long as the connection (ubusd forgets it on disconnect).
 */
export async function ubusListen(client: UbusClient, pattern: string, onEvent: (id: string, data: JsonObject) => void): Promise<UbusObject> {
  const listener = await client.addAnonymousObject((id, data) => {
    onEvent(id, blobmsgToJson(data ?? []));
    return undefined;
  });
  // Object ids are unsigned 32-bit: ubusd wants them as INT32 (blobmsg_add_u32), which JSON conversion would
  // turn into INT64 for ids ≥ 2^31; ubusd's policy then rejects the registration.
  const r = await invokeBlobmsg(client, ubusSystemObjectEvent, "register", [
    { type: "int32", name: "object", value: listener.objid },
    { type: "string", name: "pattern", value: pattern },
  ]);
  if (r.status !== UbusStatus.ok) throw new Error(`ubus listen ${pattern}: status ${r.status}`);
  return listener;
}

/**
 * `ubus subscribe <path>`: LOOKUP, then SUBSCRIBE with `subscriber`, an anonymous object made once per connection
 * with client.addAnonymousObject(onNotify, onUnsubscribed). Its handler gets every notification; ubusd's
 * UNSUBSCRIBE (the target's owner went away or restarted) reaches onUnsubscribed, after which the caller
 * subscribes again once the object is back. Resolves to the target's id, or a status when it is absent.
 */
export async function ubusSubscribe(client: UbusClient, path: string, subscriber: UbusObject): Promise<{ status: number; target?: number }> {
  const found = await ubusLookup(client, path);
  const target = found.objects.find((o) => o.path === path);
  if (target === undefined) return { status: found.status === UbusStatus.ok ? UbusStatus.notFound : found.status };
  const r = await client.request(UbusMsgType.subscribe, [{ attr: "objid", value: subscriber.objid }, { attr: "target", value: target.objid }]);
  return r.status === UbusStatus.ok ? { status: r.status, target: target.objid } : { status: r.status };
}

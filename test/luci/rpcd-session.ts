// An in-test rpcd `session` object: the part of rpcd's session.c that decides what a LuCI login may call, so
// the uhttpd stand-in (uhttpd-ubus.ts) can ask `session access` over ubus exactly as uhttpd does.
//
// What it does, after rpcd session.c:
// - ACL files are JSON documents as in /usr/share/rpcd/acl.d/*.json, read in glob (sorted) order: access group
//   → "read" / "write" (other keys ignored) → scope → either {object: [function, ...]} (ubus) or [object, ...]
//   (uci, ...; the permission name becomes the function) (rpc_login_setup_acl_file, rpc_login_setup_acl_scope).
// - A login is a `config login` section of /etc/config/rpcd: its `read` and `write` lists hold access-group
//   patterns (fnmatch, flags 0); a "!pattern" entry denies and is tried first; write implies read
//   (rpc_login_test_permission). Each group granted also lands in the "access-group" scope as
//   {group: [permission]}, which LuCI's dispatcher reads to tell a read-only login (rpc_login_setup_acl_file).
// - The default session 00000000000000000000000000000000 exists from the start with only the groups named
//   "unauthenticated" (rpc_session_init → rpc_login_setup_acls(ses, NULL)).
// - `access {ubus_rpc_session, scope = "ubus", object, function}` answers {"access": bool}: some grant of the scope
//   must fnmatch (FNM_NOESCAPE) both object and function (rpc_session_acl_allowed); without object or function it
//   dumps the session's ACLs; no session id is INVALID_ARGUMENT, an unknown one NOT_FOUND (rpc_handle_access).
// - `login {username, password}` answers the session dump (ubus_rpc_session, timeout, expires, acls, data) or
//   PERMISSION_DENIED (rpc_handle_login).
// Left out: passwords are compared in clear (rpcd checks crypt() hashes and /etc/shadow), sessions never expire,
// and the other methods (create, grant, revoke, set, get, list, destroy) are not needed by uhttpd or LuCI's views.
import { randomBytes } from "node:crypto";
import { blobmsgToJson, type JsonObject, type JsonValue } from "../../src/ubus/blobmsg-json.ts";
import type { UbusClient, UbusMethod, UbusObject } from "../../src/ubus/client.ts";
import { UbusStatus } from "../../src/ubus/message.ts";
import { fnmatch } from "./fnmatch.ts";

/** rpcd's RPC_DEFAULT_SESSION_ID: what uhttpd and rpc.js use when nobody is logged in. */
export const DEFAULT_SESSION_ID = "00000000000000000000000000000000";
/** rpcd's RPC_DEFAULT_SESSION_TIMEOUT (seconds). */
const DEFAULT_TIMEOUT_S = 300;

/** One ACL file's content: access group name → {description, read, write}. */
export type AclFile = Readonly<Record<string, unknown>>;

/** A `config login` section of /etc/config/rpcd. */
export interface RpcdLogin {
  readonly username: string;
  readonly password: string;
  /** Access-group patterns (`list read`), e.g. ["luci-app-vrrp"], ["*"], ["*", "!luci-app-vrrp"]. */
  readonly read: readonly string[];
  readonly write: readonly string[];
}

/** The login OpenWrt ships in /etc/config/rpcd: root may read and write every access group. */
export const ROOT_LOGIN: RpcdLogin = { username: "root", password: "root", read: ["*"], write: ["*"] };

/** What rpcd's own unauthenticated.json grants a session nobody logged into: session access and login. */
export const RPCD_UNAUTHENTICATED_ACL: AclFile = {
  unauthenticated: { description: "Access controls for unauthenticated requests", read: { ubus: { session: ["access", "login"] } } },
};

interface Grant {
  readonly object: string;
  readonly fn: string;
}

export class RpcdSession {
  readonly id: string;
  /** scope → grants, in the order they were made. */
  readonly acls = new Map<string, Grant[]>();
  readonly data: Record<string, JsonValue> = {};

  constructor(id: string) {
    this.id = id;
  }

  /** rpc_session_grant: a duplicate grant is not added twice. */
  grant(scope: string, object: string, fn: string): void {
    const list = this.acls.get(scope) ?? [];
    if (!list.some((g) => g.object === object && g.fn === fn)) list.push({ object, fn });
    this.acls.set(scope, list);
  }

  /** rpc_session_acl_allowed. */
  allowed(scope: string, object: string, fn: string): boolean {
    return (this.acls.get(scope) ?? []).some((g) => fnmatch(g.object, object, { noescape: true }) && fnmatch(g.fn, fn, { noescape: true }));
  }

  /** rpc_session_dump_acls: {scope: {object: [functions]}}, scopes and objects in key order as rpcd's AVL trees keep them. */
  dumpAcls(): JsonObject {
    const out: Record<string, JsonObject> = {};
    for (const scope of [...this.acls.keys()].sort()) {
      const objects: Record<string, string[]> = {};
      for (const g of [...(this.acls.get(scope) ?? [])].sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0))) (objects[g.object] ??= []).push(g.fn);
      out[scope] = objects;
    }
    return out;
  }
}

/** rpc_login_test_permission: may `login` have `perm` ("read"/"write") on access group `group`? No login: the default session. */
export function loginPermits(login: RpcdLogin | undefined, perm: "read" | "write", group: string): boolean {
  if (login === undefined) return group === "unauthenticated";
  const patterns = login[perm];
  for (const p of patterns) {
    if (!p.startsWith("!")) continue;
    const negated = p.slice(1).trimStart();
    if (negated !== "" && fnmatch(negated, group)) return false;
  }
  if (patterns.some((p) => p !== "" && !p.startsWith("!") && fnmatch(p, group))) return true;
  // Write permission implies read permission.
  return perm === "read" ? loginPermits(login, "write", group) : false;
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** rpc_login_setup_acl_file for every file: the grants of the groups `login` is permitted. */
function setupAcls(session: RpcdSession, login: RpcdLogin | undefined, files: readonly AclFile[]): void {
  for (const file of files) {
    for (const [group, perms] of Object.entries(file)) {
      if (!isTable(perms)) continue;
      for (const perm of ["read", "write"] as const) {
        const scopes = perms[perm];
        if (!isTable(scopes) || !loginPermits(login, perm, group)) continue;
        for (const [scope, spec] of Object.entries(scopes)) {
          if (isTable(spec)) {
            for (const [object, fns] of Object.entries(spec)) {
              if (Array.isArray(fns)) for (const fn of fns) if (typeof fn === "string") session.grant(scope, object, fn);
            }
          } else if (Array.isArray(spec)) {
            for (const object of spec) if (typeof object === "string") session.grant(scope, object, perm);
          }
          session.grant("access-group", group, perm);
        }
      }
    }
  }
}

const str = (args: JsonObject, key: string): string | undefined => (typeof args[key] === "string" ? args[key] : undefined);

export class RpcdSessions {
  readonly sessions = new Map<string, RpcdSession>();

  /** `aclFiles` in glob order (the file names sorted), e.g. [luci-app-vrrp.json, unauthenticated.json, vrrpd.json]. */
  constructor(
    private readonly aclFiles: readonly AclFile[],
    private readonly logins: readonly RpcdLogin[] = [ROOT_LOGIN],
  ) {
    const anonymous = new RpcdSession(DEFAULT_SESSION_ID);
    setupAcls(anonymous, undefined, aclFiles);
    this.sessions.set(anonymous.id, anonymous);
  }

  /** rpc_handle_login without the ubus round trip: a new session for a matching login, else undefined. */
  login(username: string, password: string): RpcdSession | undefined {
    const login = this.logins.find((l) => l.username === username && l.password === password);
    if (login === undefined) return undefined;
    const session = new RpcdSession(randomBytes(16).toString("hex"));
    setupAcls(session, login, this.aclFiles);
    session.data["username"] = username;
    this.sessions.set(session.id, session);
    return session;
  }

  dump(s: RpcdSession): JsonObject {
    return { ubus_rpc_session: s.id, timeout: DEFAULT_TIMEOUT_S, expires: DEFAULT_TIMEOUT_S, acls: s.dumpAcls(), data: { ...s.data } };
  }

  /** Publishes the object `session` on the bus (rpcd registers it at start). */
  register(client: UbusClient): Promise<UbusObject> {
    const method = (policy: UbusMethod["policy"], handle: (args: JsonObject) => { status?: number; data?: JsonObject }): UbusMethod => ({
      policy,
      invoke: (data) => handle(blobmsgToJson(data ?? [])),
    });
    return client.addObject("session", {
      access: method({ ubus_rpc_session: "string", scope: "string", object: "string", function: "string" }, (args) => {
        const sid = str(args, "ubus_rpc_session");
        if (sid === undefined) return { status: UbusStatus.invalidArgument };
        const session = this.sessions.get(sid);
        if (session === undefined) return { status: UbusStatus.notFound };
        const object = str(args, "object");
        const fn = str(args, "function");
        if (object === undefined || fn === undefined) return { data: session.dumpAcls() };
        return { data: { access: session.allowed(str(args, "scope") ?? "ubus", object, fn) } };
      }),
      login: method({ username: "string", password: "string", timeout: "int32" }, (args) => {
        const username = str(args, "username");
        const password = str(args, "password");
        if (username === undefined || password === undefined) return { status: UbusStatus.invalidArgument };
        const session = this.login(username, password);
        return session === undefined ? { status: UbusStatus.permissionDenied } : { data: this.dump(session) };
      }),
    });
  }
}

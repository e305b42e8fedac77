// What stands between a LuCI page and the daemon on a router, in-test: ubusd (test/daemon/ubus-broker.ts), rpcd's
// `session` object with the ACL files a router with luci-app-vrrp has (rpcd-session.ts), and uhttpd's ubus
// JSON-RPC endpoint (uhttpd-ubus.ts), each on its own ubus connection as on the router. The daemon's side (the
// `vrrp` object) is up to the test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UbusBroker } from "../daemon/ubus-broker.ts";
import { connectUbus, type UbusClient } from "../../src/ubus/client.ts";
import { UbusStatus } from "../../src/ubus/message.ts";
import { ubusCall } from "../../src/ubus/requests.ts";
import { RPCD_UNAUTHENTICATED_ACL, ROOT_LOGIN, RpcdSessions, type AclFile, type RpcdLogin } from "./rpcd-session.ts";
import { UhttpdUbus } from "./uhttpd-ubus.ts";

const readAcl = (path: string): AclFile => JSON.parse(readFileSync(path, "utf8")) as AclFile;

/** /usr/share/rpcd/acl.d on a router with vrrpd and luci-app-vrrp, in glob order (file names sorted). */
export function routerAclFiles(): AclFile[] {
  return [
    readAcl("luci-app/root/usr/share/rpcd/acl.d/luci-app-vrrp.json"), // luci-app-vrrp.json
    RPCD_UNAUTHENTICATED_ACL, // unauthenticated.json (rpcd's own)
    readAcl("files/usr/share/rpcd/acl.d/vrrpd.json"), // vrrpd.json
  ];
}

/** A LuCI login that may only look: `list read 'luci-app-vrrp'` and no write. */
export const VIEWER: RpcdLogin = { username: "viewer", password: "viewer", read: ["luci-app-vrrp"], write: [] };
/** A LuCI login with the app's read and write grants, and nothing else. */
export const OPERATOR: RpcdLogin = { username: "operator", password: "operator", read: [], write: ["luci-app-vrrp"] };
/** A LuCI login without the app's access group. */
export const OUTSIDER: RpcdLogin = { username: "outsider", password: "outsider", read: ["luci-base"], write: [] };

export interface LuciStack {
  readonly socket: string;
  readonly broker: UbusBroker;
  readonly sessions: RpcdSessions;
  readonly uhttpd: UhttpdUbus;
  /** `session login` over ubus, as LuCI's dispatcher does it at the login form: the new session id. */
  login(login: RpcdLogin): Promise<string>;
  close(): Promise<void>;
}

export async function startLuciStack(dir: string, logins: readonly RpcdLogin[] = [ROOT_LOGIN, VIEWER, OPERATOR, OUTSIDER], aclFiles: readonly AclFile[] = routerAclFiles()): Promise<LuciStack> {
  const socket = join(dir, "ubus.sock");
  const broker = new UbusBroker();
  await broker.listen(socket);
  const clients: UbusClient[] = [];
  const connect = async (): Promise<UbusClient> => {
    const c = await connectUbus(socket, { timeoutMs: 120_000 });
    clients.push(c);
    return c;
  };
  const sessions = new RpcdSessions(aclFiles, logins);
  await sessions.register(await connect());
  const luci = await connect();
  const uhttpd = new UhttpdUbus(await connect());
  return {
    socket,
    broker,
    sessions,
    uhttpd,
    async login(l) {
      const r = await ubusCall(luci, "session", "login", { username: l.username, password: l.password });
      const sid = r.data[0]?.["ubus_rpc_session"];
      if (r.status !== UbusStatus.ok || typeof sid !== "string") throw new Error(`login ${l.username}: status ${r.status}`);
      return sid;
    },
    async close() {
      for (const c of clients) c.close();
      await broker.close(socket);
    },
  };
}

// The local HTTP server behind test/luci/harness/: the app's static files as LuCI serves them
// (/luci-static/resources/...), the harness, a router's UCI configuration, and ubus as on a router: uhttpd's
// JSON-RPC endpoint POST /ubus (uhttpd-ubus.ts) over an in-test ubusd, rpcd's session ACL, and the daemon's
// real `vrrp` object answering from the contract's samples (sample-api.ts). The page is logged in as root; its
// session id reaches rpc.js the way LuCI's page template hands it over (L.env.sessionid, from /harness/env.js).
// Listens on 127.0.0.1 on an ephemeral port; records what the page sends.
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { VrrpUbusObject } from "../../src/daemon/ubus-object.ts";
import { UbusConnection } from "../../src/ubus/connection.ts";
import { quiet } from "../daemon/api-fixture.ts";
import { routerConfig } from "./fixtures.ts";
import { startLuciStack } from "./luci-stack.ts";
import { RESOURCES } from "./luci-vm.ts";
import { ROOT_LOGIN } from "./rpcd-session.ts";
import { sampleApi, type SampleApi } from "./sample-api.ts";

export interface HarnessServer {
  readonly url: string;
  readonly posts: { path: string; body: unknown }[];
  /** The calls that reached the daemon's side, after uhttpd, rpcd's ACL and the contract's argument check. */
  readonly api: SampleApi;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

async function bodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const parsed = (text: string): unknown => {
  try {
    return text === "" ? null : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
};

/** A path under `root`, or undefined when the request tries to leave it. */
function under(root: string, rel: string): string | undefined {
  const path = normalize(join(root, decodeURIComponent(rel)));
  return path.startsWith(normalize(root)) ? path : undefined;
}

export async function startHarnessServer(): Promise<HarnessServer> {
  const posts: { path: string; body: unknown }[] = [];
  const config = routerConfig();
  const dir = mkdtempSync(join(tmpdir(), "vrrpd-luci-harness-"));
  const stack = await startLuciStack(dir);
  const api = sampleApi();
  const bus = new UbusConnection({ socketPaths: [stack.socket] });
  new VrrpUbusObject(bus, api, quiet, { procdEvents: false });
  bus.start();
  if (!(await bus.whenReady(5000))) throw new Error("harness: the vrrp object did not register");
  const env = { sessionid: await stack.login(ROOT_LOGIN), ubuspath: "/ubus/" };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const json = (data: unknown) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(data));
      };
      if (req.method === "POST") {
        const text = await bodyText(req);
        posts.push({ path, body: parsed(text) });
        // uhttpd's ubus prefix: /ubus and /ubus/ are the JSON-RPC endpoint (any other /ubus/... is its REST API, not used by LuCI).
        if (path === "/ubus" || path === "/ubus/") {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(await stack.uhttpd.post(text));
          return;
        }
        return json({});
      }
      if (path === "/harness/env.js") {
        res.writeHead(200, { "Content-Type": "text/javascript" });
        res.end(`window.__luciEnv = ${JSON.stringify(env)};\n`);
        return;
      }
      if (path.startsWith("/uci/")) return json(config[path.slice(5)] ?? []);
      if (path === "/favicon.ico") {
        res.writeHead(204).end();
        return;
      }
      const file = path.startsWith("/harness/") ? under("test/luci/harness", path.slice(9)) : path.startsWith("/luci-static/resources/") ? under(RESOURCES, path.slice(23)) : undefined;
      if (file === undefined) {
        res.writeHead(404).end();
        return;
      }
      try {
        const data = await readFile(file);
        res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(data);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    api,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      bus.stop();
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

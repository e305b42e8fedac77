// The local HTTP server behind test/luci/harness/: the app's static files as LuCI serves them
// (/luci-static/resources/...), the harness, a router's UCI configuration, and ubus answered from the
// contract's sample status. Listens on 127.0.0.1 on an ephemeral port; records what the page sends back.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { SAMPLE_STATUS } from "../../scripts/ubus-docs-samples.ts";
import { routerConfig } from "./fixtures.ts";
import { RESOURCES } from "./luci-vm.ts";

export interface HarnessServer {
  readonly url: string;
  readonly posts: { path: string; body: unknown }[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown) : null;
}

/** A path under `root`, or undefined when the request tries to leave it. */
function under(root: string, rel: string): string | undefined {
  const path = normalize(join(root, decodeURIComponent(rel)));
  return path.startsWith(normalize(root)) ? path : undefined;
}

export async function startHarnessServer(): Promise<HarnessServer> {
  const posts: { path: string; body: unknown }[] = [];
  const config = routerConfig();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const json = (data: unknown) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(data));
      };
      if (req.method === "POST") {
        const data = await body(req);
        posts.push({ path, body: data });
        if (path === "/rpc") {
          const method = (data as { method?: string }).method;
          return json(method === "status" ? SAMPLE_STATUS : {});
        }
        return json({});
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

#!/usr/bin/env node
// vrrpd's command line: `vrrpd run`, `vrrpd check-config`, and the control commands.
import { createLogger, parseLevel } from "./log.ts";
import { formatFinding } from "../config/finding.ts";
import { CONTROL_COMMANDS, CONTROL_USAGE, runControlCommand } from "./status-cli.ts";
import { Daemon } from "./daemon.ts";
import { hostDeviceFacts } from "./device-facts.ts";
import { IMPORT_USAGE, processImportIo, runImport } from "./import-cli.ts";
import { DEFAULT_CONFIG_PATH, formatFindings, loadConfig } from "./load-config.ts";
import { LinuxDataPlane } from "./linux-data-plane.ts";
import { VERSION } from "./version.ts";

const USAGE = `usage: vrrpd <command> [options]

commands:
  run [-c PATH] [--control-socket PATH] [--ubus-socket PATH]
                                          run the daemon in the foreground (procd / systemd supervise it)
  check-config [-c PATH]                  validate the configuration and warn about devices this machine lacks;
                                          exit 1 on errors
  import [--from keepalived|openwrt-keepalived] FILE
                                          print /etc/config/vrrp for a keepalived configuration
  version                                 print the version
  status, switchover, set-priority, reset-counters, reload: talk to the running daemon (see below)

-c PATH: /etc/config/vrrp by default (a UCI file, or a config directory)

${CONTROL_USAGE}

${IMPORT_USAGE}`;

interface Options {
  readonly command: string;
  readonly configPath: string;
  readonly controlSocket?: string;
  readonly ubusSocket?: string;
  readonly rest: readonly string[];
}

function parseArgs(argv: readonly string[]): Options | string {
  const [command = "", ...args] = argv;
  let configPath = DEFAULT_CONFIG_PATH;
  let controlSocket: string | undefined;
  let ubusSocket: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const value = (): string | undefined => args[++i];
    if (arg === "-c" || arg === "--config") configPath = value() ?? "";
    else if (arg === "--control-socket") controlSocket = value();
    else if (arg === "--ubus-socket") ubusSocket = value();
    else rest.push(arg);
  }
  if (configPath === "") return "-c needs a path";
  return { command, configPath, rest, ...(controlSocket ? { controlSocket } : {}), ...(ubusSocket ? { ubusSocket } : {}) };
}

function checkConfig(options: Options): number {
  // Unlike `run`, which waits for missing devices, check-config also says which ones this machine lacks.
  const loaded = loadConfig(options.configPath, { devices: hostDeviceFacts(options.configPath) });
  for (const line of formatFindings(loaded)) console.log(line);
  const instances = loaded.config ? Object.keys(loaded.config.instances).length : 0;
  console.log(`${options.configPath}: ${loaded.errors} error(s), ${loaded.warnings} warning(s)${loaded.errors === 0 ? `, ${instances} instance(s)` : ""}`);
  return loaded.errors === 0 ? 0 : 1;
}

async function run(options: Options): Promise<number> {
  const loaded = loadConfig(options.configPath);
  const logger = createLogger(parseLevel(loaded.config?.globals.logLevel));
  for (const finding of loaded.findings) logger.log(finding.severity === "error" ? "error" : "warning", formatFinding(finding));
  if (!loaded.config) {
    logger.log("error", `refusing to start: ${loaded.errors} error(s) in ${options.configPath}`);
    return 1;
  }
  if (!loaded.config.globals.enabled) {
    logger.log("info", `${options.configPath}: globals.enabled is off; nothing to do`);
    return 0;
  }
  // Signals are handled from the first moment: at boot netifd's reload trigger can send SIGHUP while we are
  // still in startup_delay, and node's default action for SIGHUP is to exit. Until the daemon runs, a reload
  // or a stop is remembered and applied once it does.
  const config = loaded.config;
  let daemon: Daemon | undefined = undefined;
  let reloadPending = false;
  let stopRequested: string | undefined;
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const stop = (signal: string): void => {
    if (!daemon) {
      stopRequested = signal;
      return;
    }
    if (stopping) return;
    stopping = true;
    logger.log("info", `${signal}: stopping (priority 0, addresses kept until the backup takes over)`);
    void daemon.stop().then(() => finish(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => {
    if (daemon) void daemon.reload();
    else reloadPending = true;
  });
  const delayMs = config.globals.startupDelayMs;
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const started = new Daemon(config, loaded.warnings, {
    configPath: options.configPath,
    controlSocket: options.controlSocket ?? config.globals.controlSocket,
    ...(options.ubusSocket ? { ubusSockets: [options.ubusSocket] } : {}),
  }, new LinuxDataPlane(logger), logger);
  await started.start();
  daemon = started;
  logger.log("info", `vrrpd ${VERSION} running ${Object.keys(config.instances).length} instance(s) from ${options.configPath}`);
  if (reloadPending) void started.reload();
  if (stopRequested) stop(stopRequested);
  return done;
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === "string") {
    console.error(`vrrpd: ${options}\n${USAGE}`);
    return 2;
  }
  if (options.command === "import") return runImport(argv.slice(1), processImportIo());
  if ((CONTROL_COMMANDS as readonly string[]).includes(options.command)) {
    return runControlCommand([options.command, ...options.rest], {
      ...(options.controlSocket ? { socketPath: options.controlSocket } : {}),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  switch (options.command) {
    case "run":
      return run(options);
    case "check-config":
    case "-t":
      return checkConfig(options);
    case "version":
    case "--version":
      console.log(VERSION);
      return 0;
    default:
      console.error(options.command ? `vrrpd: unknown command ${options.command}\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`vrrpd: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

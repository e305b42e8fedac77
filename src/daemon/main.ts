#!/usr/bin/env node
// vrrpd's command line: `vrrpd run`, `vrrpd check-config`, and the control commands.
import { createLogger, parseLevel, stderrWriter, wantsTimestamps, type Logger } from "./log.ts";
import { formatFinding } from "../config/finding.ts";
import { CONTROL_COMMANDS, runControlCommand } from "./status-cli.ts";
import { commandUsage, unknownCommand, usage } from "./cli-help.ts";
import { Daemon } from "./daemon.ts";
import { hostDeviceFacts } from "./device-facts.ts";
import { processImportIo, runImport } from "./import-cli.ts";
import { formatFindings, loadConfig } from "./load-config.ts";
import { LinuxDataPlane } from "./linux-data-plane.ts";
import { describeDefault, platformPaths, type PlatformPaths } from "./paths.ts";
import { SIGXCPU_WARNING } from "./scheduling.ts";
import { ServiceNotifier, statusLine } from "./service-notify.ts";
import { UnixDatagramSender } from "../platform/linux/index.ts";
import { VERSION } from "./version.ts";

const HELP_FLAGS = ["--help", "-h"];

interface Options {
  readonly command: string;
  readonly configPath: string;
  readonly paths: PlatformPaths;
  readonly controlSocket?: string;
  readonly ubusSocket?: string;
  readonly rest: readonly string[];
}

function parseArgs(argv: readonly string[], paths: PlatformPaths): Options | string {
  const [command = "", ...args] = argv;
  let configPath = paths.config;
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
  return { command, configPath, paths, rest, ...(controlSocket ? { controlSocket } : {}), ...(ubusSocket ? { ubusSocket } : {}) };
}

function checkConfig(options: Options): number {
  // Unlike `run`, which waits for missing devices, check-config also says which ones this machine lacks.
  const loaded = loadConfig(options.configPath, { devices: hostDeviceFacts(options.configPath) });
  for (const line of formatFindings(loaded)) console.log(line);
  const instances = loaded.config ? Object.keys(loaded.config.instances).length : 0;
  console.log(`${options.configPath}: ${loaded.errors} error(s), ${loaded.warnings} warning(s)${loaded.errors === 0 ? `, ${instances} instance(s)` : ""}`);
  return loaded.errors === 0 ? 0 : 1;
}

/** Under systemd (Type=notify) the sd_notify messages; elsewhere none. */
function serviceNotifier(logger: Logger): ServiceNotifier | undefined {
  const socketPath = process.env["NOTIFY_SOCKET"];
  if (socketPath === undefined || socketPath === "") return undefined;
  try {
    return new ServiceNotifier(new UnixDatagramSender(socketPath), logger);
  } catch (error) {
    logger.log("warning", `NOTIFY_SOCKET=${socketPath} unusable, not notifying systemd: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function run(options: Options): Promise<number> {
  const loaded = loadConfig(options.configPath);
  const logger = createLogger(parseLevel(loaded.config?.globals.logLevel), stderrWriter(wantsTimestamps(process.env)));
  const notifier = serviceNotifier(logger);
  for (const finding of loaded.findings) logger.log(finding.severity === "error" ? "error" : "warning", formatFinding(finding));
  if (!loaded.config) {
    logger.log("error", `refusing to start: ${loaded.errors} error(s) in ${options.configPath}`);
    return 1;
  }
  if (!loaded.config.globals.enabled) {
    logger.log("info", `${options.configPath}: globals.enabled is off; nothing to do`);
    // systemd counts an exit before READY=1 as a failed start; disabled is a successful one that ends at once.
    notifier?.ready("disabled: globals.enabled is off");
    notifier?.stopping("disabled: globals.enabled is off");
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
    notifier?.stopping(`stopping (${signal})`);
    logger.log("info", `${signal}: stopping (priority 0, addresses kept until the backup takes over)`);
    void daemon.stop().then(() => finish(0));
  };
  process.on("SIGXCPU", () => logger.log("warning", SIGXCPU_WARNING));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  const summary = (of: Daemon): string => statusLine(of.status().instances);
  const reload = async (running: Daemon): Promise<void> => {
    notifier?.reloading();
    const result = await running.reload();
    notifier?.ready(result.ok ? summary(running) : `${summary(running)}; last reload rejected, see the log`);
  };
  process.on("SIGHUP", () => {
    if (daemon) void reload(daemon);
    else reloadPending = true;
  });
  const delayMs = config.globals.startupDelayMs;
  if (delayMs > 0) {
    notifier?.status(`waiting startup_delay (${delayMs} ms)`);
    await new Promise((r) => setTimeout(r, delayMs));
  }
  const started = new Daemon(config, loaded.warnings, {
    configPath: options.configPath,
    controlSocket: options.controlSocket ?? config.globals.controlSocket,
    ...(options.ubusSocket ? { ubusSockets: [options.ubusSocket] } : {}),
    runtimePaths: options.paths,
  }, new LinuxDataPlane(logger), logger);
  // From the first transition on, during start() too (before `daemon` is set).
  // One STATUS= per event-loop turn, not per transition: a start or a reload moves every instance at once, and each
  // summary walks them all (255 instances made 255 full status builds at start).
  let statusQueued = false;
  started.onStateChange(() => {
    if (notifier === undefined || statusQueued) return;
    statusQueued = true;
    setImmediate(() => {
      statusQueued = false;
      notifier.status(summary(started));
    });
  });
  await started.start();
  daemon = started;
  logger.log("info", `vrrpd ${VERSION} running ${Object.keys(config.instances).length} instance(s) from ${options.configPath}`);
  notifier?.ready(summary(started));
  if (reloadPending) void reload(started);
  if (stopRequested) stop(stopRequested);
  const code = await done;
  notifier?.close();
  return code;
}

/** `--help`, `help [COMMAND]` and `COMMAND --help`: the usage on stdout, exit 0 (2 for an unknown command). */
function help(argv: readonly string[], paths: PlatformPaths): number | undefined {
  const [first = "", second] = argv;
  const general = usage({ config: paths.config, note: describeDefault(paths) });
  if (HELP_FLAGS.includes(first) || (first === "help" && second === undefined)) {
    process.stdout.write(general);
    return 0;
  }
  const topic = first === "help" ? second : argv.slice(1).some((a) => HELP_FLAGS.includes(a)) ? first : undefined;
  if (topic === undefined) return undefined;
  const text = commandUsage(topic === "-t" ? "check-config" : topic === "--version" ? "version" : topic);
  if (text === undefined) {
    process.stderr.write(unknownCommand(topic));
    return 2;
  }
  process.stdout.write(text);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const paths = platformPaths();
  const helped = help(argv, paths);
  if (helped !== undefined) return helped;
  const options = parseArgs(argv, paths);
  if (typeof options === "string") {
    console.error(`vrrpd: ${options}\nrun "vrrpd --help" for usage`);
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
      if (options.command === "") process.stderr.write(usage({ config: paths.config, note: describeDefault(paths) }));
      else process.stderr.write(unknownCommand(options.command));
      return 2;
  }
}

/**
 * process.exit() drops whatever a pipe has not taken yet: writes to a pipe are asynchronous, so `vrrpd status
 * --json | less` got 64-128 KiB of a 380 KiB status, with exit code 0. Exit once stdout and stderr have flushed.
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", flushed);
  process.stderr.write("", flushed);
}

main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  console.error(`vrrpd: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitWhenFlushed(1);
});

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { debug } from "./log";
import { processGlobal } from "./registry";
import { processAlive } from "./idioms";

// A provider process whose engine was killed (kill -9 of `pulumi up`) is orphaned
// but keeps running the steps it was handed: rules appear after the user saw the
// run die, and a rerun races them into duplicates. So the provider watches the
// engine and exits when it is gone. The engine starts us through a /bin/sh
// launcher (pulumi-resource-pulumi-nodejs) that does not exec, so when our parent
// is a shell, the engine is its parent. Linux names a process run from a `#!` script
// after the script (comm "pulumi-resource"), not "sh": its argv[0] tells the shell.

function procField(pid: number): { ppid?: number; comm?: string } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    return { comm: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(stat.slice(close + 2).split(" ")[1]) };
  } catch {
    try {
      const out = execFileSync("ps", ["-o", "ppid=,comm=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 }).trim();
      const m = /^(\d+)\s+(.*)$/.exec(out);
      return m ? { ppid: Number(m[1]), comm: m[2].split("/").pop() } : {};
    } catch {
      return {};
    }
  }
}


const SHELLS = new Set(["sh", "dash", "bash", "zsh", "ash", "busybox"]);

function isLauncherShell(pid: number, comm: string | undefined): boolean {
  if (comm && (SHELLS.has(comm) || comm.startsWith("pulumi-resource"))) return true;
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
    return SHELLS.has(argv0.split("/").pop() ?? "");
  } catch {
    return false;
  }
}

/** The processes whose exit means the engine is gone: our parent, and the engine behind a launcher shell. */
export function enginePids(): number[] {
  const parent = process.ppid;
  const pids = [parent];
  const p = procField(parent);
  if (isLauncherShell(parent, p.comm) && p.ppid && p.ppid > 1) pids.push(p.ppid);
  return pids;
}

interface WatchState {
  started: boolean;
  gone: boolean;
}

const state = () => processGlobal<WatchState>("engine-watch.v1", () => ({ started: false, gone: false }));

/** True once the engine that started this provider has exited: no new write may start. */
export function engineGone(): boolean {
  return state().gone;
}

// Ctrl-C of `pulumi up`: the engine stops scheduling steps and sends its providers the
// ResourceProvider.Cancel RPC (Host.SignalCancellation), but waits for the steps it has
// handed out. Our creates may be queued for minutes of rate budget; they must not be sent
// then. The provider process gets no signal (plugins run in their own process group) and
// the dynamic provider host answers Cancel without telling the provider, so we see the
// call where the host's gRPC server looks up its handler.
const CANCEL_RPC = "/pulumirpc.ResourceProvider/Cancel";

interface CancelState {
  hooked: boolean;
  controller: AbortController;
}

const cancelState = () => processGlobal<CancelState>("engine-cancel.v1", () => ({ hooked: false, controller: new AbortController() }));

/** Aborted once the engine asked this provider to cancel, or is gone: writes still waiting for budget must not start. */
export function writeSignal(): AbortSignal {
  return cancelState().controller.signal;
}

/** True once the engine asked to cancel (Ctrl-C) or is gone. */
export function engineCancelled(): boolean {
  return cancelState().controller.signal.aborted;
}

/** Marks the run cancelled (the engine's Cancel call, or a test). */
export function signalCancel(reason: "cancel" | "gone" = "cancel"): void {
  const c = cancelState().controller;
  if (!c.signal.aborted) {
    debug(reason === "cancel" ? "the engine asked to cancel: writes still waiting for budget are not sent" : "the engine is gone: no further writes");
    c.abort(reason);
  }
}

type ServerProto = { _retrieveHandler?: (this: unknown, path: string) => unknown };

/**
 * Sees the engine's Cancel call in this dynamic provider process: wraps the lookup of
 * gRPC handlers in the host's own @grpc/grpc-js (resolved from the host script, so the
 * same module instance). Returns false when that is not possible (another host, or a
 * grpc-js without the lookup): then a Ctrl-C lets queued writes finish, as before.
 */
export function hookEngineCancel(hostScript = process.argv.find((a) => /dynamic-provider/.test(a))): boolean {
  const c = cancelState();
  if (c.hooked) return true;
  if (!hostScript) return false;
  try {
    const grpc = createRequire(hostScript)("@grpc/grpc-js") as { Server?: { prototype: ServerProto } };
    const proto = grpc.Server?.prototype;
    const original = proto?._retrieveHandler;
    if (!proto || typeof original !== "function") {
      debug("cannot watch the engine's Cancel call: this @grpc/grpc-js has no handler lookup to wrap");
      return false;
    }
    proto._retrieveHandler = function (this: unknown, path: string) {
      if (path === CANCEL_RPC) signalCancel("cancel");
      return original.call(this, path);
    };
    c.hooked = true;
    return true;
  } catch (e) {
    debug(`cannot watch the engine's Cancel call: ${(e as Error).message}`);
    return false;
  }
}

/** Starts watching the engine, once per process, only inside a dynamic provider process. */
export function watchEngine(opts: { intervalMs?: number; onGone?: () => void } = {}): void {
  const s = state();
  if (s.started) return;
  if (!opts.onGone && !process.argv.some((a) => /dynamic-provider/.test(a))) return;
  s.started = true;
  if (!opts.onGone) hookEngineCancel();
  const initialParent = process.ppid;
  const pids = enginePids();
  // PIDs wrap (32,768 on many Linux hosts) and a busy machine reuses a dead engine's
  // pid within minutes: the launcher shell being re-parented is the proof that lasts.
  const engine = pids[1];
  const launcherOrphaned = () => engine !== undefined && procField(initialParent).ppid !== engine;
  const timer = setInterval(() => {
    if (process.ppid === initialParent && pids.every(processAlive) && !launcherOrphaned()) return;
    s.gone = true;
    signalCancel("gone");
    clearInterval(timer);
    debug("the engine that started this provider is gone: no further writes, exiting");
    (opts.onGone ?? (() => process.exit(70)))();
  }, opts.intervalMs ?? (existsSync("/proc/self/stat") ? 250 : 1000));
  timer.unref();
}

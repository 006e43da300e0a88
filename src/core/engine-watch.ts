import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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

/** Starts watching the engine, once per process, only inside a dynamic provider process. */
export function watchEngine(opts: { intervalMs?: number; onGone?: () => void } = {}): void {
  const s = state();
  if (s.started) return;
  if (!opts.onGone && !process.argv.some((a) => /dynamic-provider/.test(a))) return;
  s.started = true;
  const initialParent = process.ppid;
  const pids = enginePids();
  // PIDs wrap (32,768 on many Linux hosts) and a busy machine reuses a dead engine's
  // pid within minutes: the launcher shell being re-parented is the proof that lasts.
  const engine = pids[1];
  const launcherOrphaned = () => engine !== undefined && procField(initialParent).ppid !== engine;
  const timer = setInterval(() => {
    if (process.ppid === initialParent && pids.every(processAlive) && !launcherOrphaned()) return;
    s.gone = true;
    clearInterval(timer);
    debug("the engine that started this provider is gone: no further writes, exiting");
    (opts.onGone ?? (() => process.exit(70)))();
  }, opts.intervalMs ?? (existsSync("/proc/self/stat") ? 250 : 1000));
  timer.unref();
}

import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "../core";
import { processAlive } from "../core/idioms";

// Two stacks on one machine creating rules in the same team: each provider process
// holds a lock file for the team around its name lookup and POST, so the second
// one's lookup sees the first one's rule. Only an aid: the check after creating
// (another writer's same-named rule -> remove ours and fail) is what guarantees one
// rule per name, across machines too.

/** A lock older than this is stale whoever holds it (no create takes minutes). */
const STALE_MS = 120_000;

export function lockPath(baseUrl: string, teamId: string): string {
  const h = createHash("sha256").update(`${baseUrl}\u0000${teamId}`).digest("hex").slice(0, 24);
  return join(process.env.OPSGENIE_LOCK_DIR ?? tmpdir(), `pulumi-alert-routing-opsgenie-${h}.lock`);
}


/** True when the lock at `path` was left by a process that is gone, or is too old. */
function stale(path: string): boolean {
  try {
    const pid = Number(readFileSync(path, "utf8").split(" ")[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) return true;
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    // Gone between our open and this read: try again.
    return false;
  }
}

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, "wx");
    writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

/**
 * Runs `fn` holding the team's lock file. Waits for another live holder up to
 * `waitMs`, then runs anyway (the check after creating still protects the name).
 */
export async function withTeamFileLock<T>(path: string, fn: () => Promise<T>, opts: { waitMs?: number; pollMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  let held = false;
  for (;;) {
    try {
      held = tryTake(path);
    } catch {
      // No writable temp dir: the lock is an aid only.
      break;
    }
    if (held || Date.now() >= deadline) break;
    if (stale(path)) {
      try {
        unlinkSync(path);
      } catch {
        /* another waiter removed it first */
      }
      continue;
    }
    await sleep(opts.pollMs ?? 50);
  }
  try {
    return await fn();
  } finally {
    if (held) {
      try {
        unlinkSync(path);
      } catch {
        /* removed as stale by someone else */
      }
    }
  }
}

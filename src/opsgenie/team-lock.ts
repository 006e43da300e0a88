import { createHash, randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processGlobal, sleep } from "../core";
import { processAlive } from "../core/idioms";

// Two stacks on one machine creating rules in the same team: each provider process
// holds a lock file for the team around its name lookup and POST, so the second
// one's lookup sees the first one's rule. Only an aid: the check after creating
// (another writer's same-named rule -> remove ours and fail) is what guarantees one
// rule per name, across machines too.
//
// Beside the lock, `<lock>.last` names the last holder. A provider keeps a view of
// the team between its batches (its own writes applied); when someone else held the
// lock since its last batch, the view may be stale and the team is listed again.

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

/** This process's name in the `.last` marker. */
const holder = () => processGlobal("opsgenie-lock-holder.v1", () => `${process.pid} ${randomUUID()}`);

/** Whether someone else held the lock since this process last did (or it cannot tell); marks it ours. */
function othersSince(path: string): boolean {
  const marker = `${path}.last`;
  let last: string | undefined;
  try {
    last = readFileSync(marker, "utf8");
  } catch {
    /* never held on this machine (or cleaned up): unknown */
  }
  try {
    writeFileSync(marker, holder());
  } catch {
    return true;
  }
  return last !== holder();
}

/**
 * Runs `fn` holding the team's lock file. Waits for another live holder up to
 * `waitMs`, then runs anyway (the check after creating still protects the name).
 * `fn` learns whether another process may have written to the team since this
 * process last held the lock (always true when the lock could not be taken).
 */
export async function withTeamFileLock<T>(path: string, fn: (lock: { othersSince: boolean }) => Promise<T>, opts: { waitMs?: number; pollMs?: number } = {}): Promise<T> {
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
    return await fn({ othersSince: held ? othersSince(path) : true });
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

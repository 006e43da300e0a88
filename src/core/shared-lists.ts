import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processAlive, sleep } from "./idioms";

// Preflight lists shared by the provider processes of one machine for a short time. `pulumi up`
// runs check in its preview and again in its update (each its own provider process), and
// parallel stacks on one runner check the same collections with the same token: without this,
// each of them lists everything again, from the read budget the creates need.

/** How long a list is reused: a preview and the update that follows it, parallel stacks' checks. */
export const SHARED_LIST_TTL_MS = 120_000;
/** A process that lists for the others is waited for this long at most (it may wait for read budget). */
const LISTER_WAIT_MS = 60_000;

interface Entry<T> {
  at: number;
  value: T;
}

/** The directory of the machine-wide budget store (the same switch turns both off). */
export function sharedDir(): string | undefined {
  if (process.env.ALERT_ROUTING_SHARED_BUDGET === "0") return undefined;
  return join(tmpdir(), "pulumi-alert-routing-budgets");
}

/** A file name for a key (endpoint, credential hash, collection): a hash, never the credential. */
export function sharedFile(dir: string, key: string): string {
  return join(dir, `list-${createHash("sha256").update(key).digest("hex").slice(0, 24)}.json`);
}

function readEntry<T>(file: string): Entry<T> | undefined {
  try {
    const e = JSON.parse(readFileSync(file, "utf8")) as Entry<T>;
    return typeof e.at === "number" && "value" in e ? e : undefined;
  } catch {
    return undefined;
  }
}

function writeEntry<T>(file: string, e: Entry<T>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(e), { mode: 0o600 });
  renameSync(tmp, file);
}

function tryLock(lock: string): boolean {
  try {
    const fd = openSync(lock, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return false;
  }
}

/** A lock left by a process that is gone, or held longer than anyone waits for it. */
function breakStale(lock: string, now: number): void {
  try {
    const holder = Number(readFileSync(lock, "utf8"));
    if ((holder > 0 && holder !== process.pid && !processAlive(holder)) || now - statSync(lock).mtimeMs > LISTER_WAIT_MS) unlinkSync(lock);
  } catch {
    /* released meanwhile */
  }
}

export interface SharedOptions {
  now?: () => number;
  ttlMs?: number;
  /** Poll interval while another process lists. */
  pollMs?: number;
  /** List anew (a reference the shared list lacks may have been made since): the result is shared. */
  fresh?: boolean;
}

/**
 * `load()`'s result for `key`, shared through `dir` for `ttlMs`: a fresh enough copy is read,
 * else one process lists (an exclusive lock file) while the others wait for its result, and
 * list themselves if it fails or takes too long. `shared` says the value came from another run.
 */
export async function sharedList<T>(dir: string, key: string, load: () => Promise<T>, o: SharedOptions = {}): Promise<{ value: T; shared: boolean }> {
  const now = o.now ?? Date.now;
  const ttl = o.ttlMs ?? SHARED_LIST_TTL_MS;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    // Sharing is an aid: a temp dir this process cannot write (another user's) means listing alone.
    return { value: await load(), shared: false };
  }
  const file = sharedFile(dir, key);
  const lock = `${file}.lock`;
  const listAndShare = async () => {
    const value = await load();
    try {
      writeEntry(file, { at: now(), value });
    } catch {
      /* the next run lists again */
    }
    return { value, shared: false };
  };
  if (o.fresh) return listAndShare();
  const deadline = now() + LISTER_WAIT_MS;
  for (;;) {
    const e = readEntry<T>(file);
    const age = e ? now() - e.at : Infinity;
    if (e && age >= 0 && age < ttl) return { value: e.value, shared: true };
    let locked: boolean;
    try {
      locked = tryLock(lock);
    } catch {
      return { value: await load(), shared: false };
    }
    if (locked) {
      try {
        return await listAndShare();
      } finally {
        try {
          unlinkSync(lock);
        } catch {
          /* broken as stale */
        }
      }
    }
    breakStale(lock, now());
    if (now() > deadline) return listAndShare();
    await sleep(o.pollMs ?? 200);
  }
}

export { asBackground, inBackground } from "./idioms";

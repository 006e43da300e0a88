import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processAlive } from "./idioms";

/** The calls counted in each window (epoch ms, oldest first) and a server-imposed pause. */
export interface BudgetState {
  stamps: number[][];
  blockedUntil: number;
  /** Per window, the stamps that stand for calls the server counted and we did not make (their expiry is the server's reset). */
  foreign?: number[][];
}

/** Where a limiter keeps its counts: this process only, or every process of the machine. */
export interface BudgetStore {
  /** Runs `fn` on the current state atomically and saves what it leaves. */
  update<T>(fn: (s: BudgetState) => T): T;
}

export class MemoryStore implements BudgetStore {
  private readonly state: BudgetState;
  constructor(windows: number) {
    this.state = { stamps: Array.from({ length: windows }, () => []), blockedUntil: 0 };
  }
  update<T>(fn: (s: BudgetState) => T): T {
    return fn(this.state);
  }
}

const STALE_LOCK_MS = 2_000;


/**
 * Counts shared by every provider process of this machine that uses the same
 * credential and endpoint (parallel stacks of platform tooling, back-to-back
 * commands). A JSON file in the OS temp dir, named by a hash: never the credential.
 * The lock is a file created exclusively; one left by a crashed process (dead pid,
 * or older than 2 s: the critical section is a file read and write) is broken.
 */
export class FileStore implements BudgetStore {
  private readonly file: string;
  private readonly lock: string;
  constructor(
    name: string,
    private readonly windows: number,
    dir = join(tmpdir(), "pulumi-alert-routing-budgets"),
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, `${name}.json`);
    this.lock = `${this.file}.lock`;
  }

  private acquireLock(): void {
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        const fd = openSync(this.lock, "wx", 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      try {
        const holder = Number(readFileSync(this.lock, "utf8"));
        const age = Date.now() - statSync(this.lock).mtimeMs;
        if ((holder > 0 && holder !== process.pid && !processAlive(holder)) || age > STALE_LOCK_MS) unlinkSync(this.lock);
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`rate-limit budget lock ${this.lock} is held; remove it if no provider is running`);
      // A busy wait of well under a millisecond per turn: the holder only reads and writes a small file.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }

  private read(): BudgetState {
    try {
      const s = JSON.parse(readFileSync(this.file, "utf8")) as BudgetState;
      if (Array.isArray(s.stamps) && s.stamps.length === this.windows && typeof s.blockedUntil === "number") return s;
    } catch {
      /* none yet, or another spec: start afresh */
    }
    return { stamps: Array.from({ length: this.windows }, () => []), blockedUntil: 0 };
  }

  update<T>(fn: (s: BudgetState) => T): T {
    this.acquireLock();
    try {
      const s = this.read();
      const out = fn(s);
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(s), { mode: 0o600 });
      renameSync(tmp, this.file);
      return out;
    } finally {
      try {
        unlinkSync(this.lock);
      } catch {
        /* broken by another process as stale */
      }
    }
  }
}

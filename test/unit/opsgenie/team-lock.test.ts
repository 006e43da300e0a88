import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockPath, withTeamFileLock } from "../../../src/opsgenie/team-lock";

const dir = () => mkdtempSync(join(tmpdir(), "og-lock-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("opsgenie per-team lock file", () => {
  it("one file per endpoint and team, in the temp dir", () => {
    const a = lockPath("http://127.0.0.1:4101", "t-1");
    expect(a.startsWith(tmpdir())).toBe(true);
    expect(a).not.toBe(lockPath("http://127.0.0.1:4102", "t-1"));
    expect(a).not.toBe(lockPath("http://127.0.0.1:4101", "t-2"));
  });

  it("writers of one team run one at a time, and the file is gone after", async () => {
    const d = dir();
    const path = join(d, "team.lock");
    const events: string[] = [];
    const writer = (name: string) =>
      withTeamFileLock(path, async () => {
        events.push(`${name} in`);
        await sleep(60);
        events.push(`${name} out`);
      }, { pollMs: 5 });
    await Promise.all([writer("a"), writer("b")]);
    expect(events).toEqual(["a in", "a out", "b in", "b out"]);
    // The lock is gone; the marker of its last holder stays.
    expect(readdirSync(d)).toEqual(["team.lock.last"]);
  });

  it("tells a holder whether another process held the lock since it last did", async () => {
    const path = join(dir(), "team.lock");
    const seen: boolean[] = [];
    const hold = () => withTeamFileLock(path, async ({ othersSince }) => void seen.push(othersSince), { pollMs: 5 });
    await hold();
    await hold();
    writeFileSync(`${path}.last`, "12345 another-process");
    await hold();
    await hold();
    expect(seen).toEqual([true, false, true, false]);
  });

  it("a lock left by a process that is gone is taken over at once", async () => {
    const path = join(dir(), "team.lock");
    writeFileSync(path, "2147483646 2026-01-01T00:00:00.000Z\n");
    const t0 = Date.now();
    await withTeamFileLock(path, async () => undefined, { waitMs: 5_000 });
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("a live holder is waited for up to the limit, then the write goes on (the check after creating still guards)", async () => {
    const path = join(dir(), "team.lock");
    writeFileSync(path, `${process.ppid} ${new Date().toISOString()}\n`);
    const t0 = Date.now();
    let ran = false;
    await withTeamFileLock(path, async () => void (ran = true), { waitMs: 200, pollMs: 20 });
    expect(ran).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });
});

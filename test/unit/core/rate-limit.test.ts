import { describe, expect, it, vi } from "vitest";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRateLimits, RateLimiter, serverBudget } from "../../../src/core/rate-limit";
import { FileStore } from "../../../src/core/budget-store";

describe("parseRateLimits", () => {
  it("reads classes, counts and durations", () => {
    expect(parseRateLimits("read=5/60s, write=3/60s")).toEqual([
      { limit: 5, windowMs: 60_000, classes: ["read"] },
      { limit: 3, windowMs: 60_000, classes: ["write"] },
    ]);
    expect(parseRateLimits("50/1s;1000/1m")).toEqual([
      { limit: 50, windowMs: 1000, classes: ["read", "write"] },
      { limit: 1000, windowMs: 60_000, classes: ["read", "write"] },
    ]);
  });
  it("rejects nonsense with the offending part", () => {
    expect(() => parseRateLimits("write=three/60s")).toThrow(/write=three\/60s/);
  });
});

describe("RateLimiter", () => {
  it("paces a burst to the window instead of letting it through", async () => {
    const l = new RateLimiter("write=3/200ms");
    const t0 = Date.now();
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 7 }, () => l.acquire("write").then(() => starts.push(Date.now() - t0))));
    starts.sort((a, b) => a - b);
    // 3 at once, 3 after one window, 1 after two.
    expect(starts[2]).toBeLessThan(180);
    expect(starts[3]).toBeGreaterThanOrEqual(195);
    expect(starts[6]).toBeGreaterThanOrEqual(395);
  });
  it("keeps read and write windows apart", async () => {
    const l = new RateLimiter("read=2/300ms,write=1/300ms");
    const t0 = Date.now();
    await l.acquire("write");
    await l.acquire("read");
    await l.acquire("read");
    expect(Date.now() - t0).toBeLessThan(250);
  });
  it("holds everyone back after the server blocks", async () => {
    const l = new RateLimiter("100/1s");
    const t0 = Date.now();
    l.blockUntil(Date.now() + 150);
    await l.acquire("read");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
  });
  it("counts a call from when its reply came, as the server counts its arrival", async () => {
    let now = 1000;
    const l = new RateLimiter("write=1/100ms", () => now);
    const slot = await l.acquire("write");
    now = 1080; // the reply took 80 ms: the server saw the call somewhere in between
    slot.done();
    now = 1110; // one window after the start, but not after the reply
    let granted = false;
    const next = l.acquire("write").then(() => (granted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(false);
    now = 1181;
    await next;
    expect(granted).toBe(true);
  });
});

describe("RateLimiter classes", () => {
  it("a write waiting for its window does not hold back a read", async () => {
    const l = new RateLimiter("read=5/1s,write=1/1s");
    (await l.acquire("write")).done();
    const t0 = Date.now();
    const write = l.acquire("write");
    const read = await l.acquire("read");
    expect(Date.now() - t0).toBeLessThan(300);
    read.done();
    (await write).done();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });
});

describe("budgets shared between processes and with the server", () => {
  const dir = mkdtempSync(join(tmpdir(), "ar-budget-"));

  it("two limiters on one file store share the window (two provider processes, one key)", async () => {
    const a = new RateLimiter("write=2/300ms", Date.now, new FileStore("shared", 1, dir));
    const b = new RateLimiter("write=2/300ms", Date.now, new FileStore("shared", 1, dir));
    const t0 = Date.now();
    (await a.acquire("write")).done();
    (await b.acquire("write")).done();
    const third = await b.acquire("write");
    third.done();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(readdirSync(dir).some((f) => f.includes("secret"))).toBe(false);
  });

  it("a lock left by a crashed process is broken", async () => {
    const store = new FileStore("stale", 1, dir);
    writeFileSync(join(dir, "stale.json.lock"), "999999999");
    const l = new RateLimiter("write=5/1s", Date.now, store);
    const t0 = Date.now();
    (await l.acquire("write")).done();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("the server's X-RateLimit-Remaining/Reset count calls we did not make (an earlier command on the key)", async () => {
    const l = new RateLimiter("read=5/1s,write=3/1s");
    const h = { "x-ratelimit-limit": "3, 3;window=1", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String((Date.now() + 400) / 1000) };
    const b = serverBudget(h)!;
    expect(b.windowMs).toBe(1000);
    l.observe("write", b.remaining, b.resetAt, b.windowMs);
    const t0 = Date.now();
    (await l.acquire("read")).done();
    expect(Date.now() - t0).toBeLessThan(100);
    (await l.acquire("write")).done();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
  });
});

describe("long waits are announced", () => {
  it("a wait for budget prints the vendor, the class, how long and how many are queued", async () => {
    process.env.ALERT_ROUTING_VISIBLE_WAIT_MS = "100";
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => (lines.push(String(s)), true));
    try {
      const l = new RateLimiter("write=1/300ms");
      l.label = "rootly";
      const slots = await Promise.all([l.acquire("write"), l.acquire("write"), l.acquire("write")]);
      for (const s of slots) s.done();
    } finally {
      spy.mockRestore();
      delete process.env.ALERT_ROUTING_VISIBLE_WAIT_MS;
    }
    expect(lines.join("")).toMatch(/rootly: waiting 1 s for write budget \(1\/0\.3s\), 2 queued/);
  });
});

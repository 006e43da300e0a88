import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { alertRouteDefinition as def } from "../../../src/rootly/alert-route.provider";
import type { AlertRouteArgs } from "../../../src/rootly/alert-route.schema";
import { createRootlyEmulator, type RootlyEmulator } from "../../../src/rootly/emulator";
import { ids, routeArgs } from "./fixtures";

// The documented limits (5 reads, 3 writes per key per 60 s) with time shrunk 50x:
// a 1.2 s window. The client's limits are shrunk the same way through ROOTLY_RATE_LIMITS.
const SCALE = 0.02;
let emu: RootlyEmulator;

beforeEach(async () => {
  resetProcessGlobals();
  emu = createRootlyEmulator({ timeScale: SCALE });
  await emu.server.start();
  process.env.ROOTLY_API_TOKEN = emu.credential;
  process.env.ROOTLY_API_URL = emu.server.url;
});
afterEach(() => emu.server.stop());

describe("Rootly rate limits", () => {
  async function tenCreates(clientLimits: string) {
    process.env.ROOTLY_RATE_LIMITS = clientLimits;
    const I = ids(emu);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => def.create(routeArgs(I, `route-${n}`) as AlertRouteArgs)));
    const elapsed = Date.now() - t0;
    const timeline = emu.server.log.map((e) => ({ ms: e.time - t0, call: `${e.method} ${e.path.replace(/[0-9a-f-]{36}/, ":id")}`, status: e.status }));
    const throttled = timeline.filter((e) => e.status === 429).length;
    console.log(`10 creates, client limits ${clientLimits}: ${elapsed} ms (= ${Math.round(elapsed / SCALE / 1000)} s at real limits), ${timeline.length} calls, ${throttled} 429s`);
    expect(new Set(results.map((r) => r.id)).size).toBe(10);
    expect(emu.routes.size).toBe(10);
    expect(emu.server.calls({ method: "POST" }).filter((c) => c.status === 201)).toHaveLength(10);
    // 10 writes at 3 per window need at least 3 full windows.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 1200);
    return { elapsed, throttled, timeline };
  }

  it("ten creates in parallel at exactly the documented limits: paced, all succeed, no 429", async () => {
    // The client counts a call from its reply, after the server counted its arrival,
    // so its window never reopens before the server's: limits need no margin.
    const r = await tenCreates("read=5/1200ms,write=3/1200ms");
    expect(r.throttled).toBe(0);
    if (process.env.ROOTLY_TIMELINE_OUT) writeFileSync(process.env.ROOTLY_TIMELINE_OUT, JSON.stringify({ scale: SCALE, serverWindowMs: 1200, ...r }, null, 2));
  });

  it("without client pacing, the server's 429s are waited out until X-RateLimit-Reset", async () => {
    process.env.ROOTLY_RATE_LIMITS = "read=1000/1s,write=1000/1s";
    const I = ids(emu);
    const results = await Promise.all(Array.from({ length: 5 }, (_, n) => def.create(routeArgs(I, `burst-${n}`) as AlertRouteArgs)));
    expect(results).toHaveLength(5);
    expect(emu.routes.size).toBe(5);
    expect(emu.server.log.some((e) => e.status === 429)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VendorClient, type VendorProtocol } from "../../../src/core/http";
import { RateLimiter } from "../../../src/core/rate-limit";
import { EmulatorServer, SlidingWindow, type RateLimitHeaderStyle } from "../../../src/emulator-kit/framework";
import { resetProcessGlobals } from "../../../src/core/registry";

// Many machines, one token: each simulated machine has its own limiter (its own memory,
// no shared file), as CI runners of a job matrix do, and knows of the others only from
// the server's answers. An independent fake counts calls per class in a sliding window
// (Rootly's shape) and answers in one of three header styles.
const KEY = "many-machines-token-5f4e3d";
const WINDOW_MS = Number(process.env.MM_WINDOW_MS ?? 1500);
const LIMITS = { read: 5, write: 3 };

const protocol: VendorProtocol = {
  vendor: "fake",
  contentType: "application/json",
  defaultRateLimits: `read=${LIMITS.read}/${WINDOW_MS}ms,write=${LIMITS.write}/${WINDOW_MS}ms`,
  authorize: (c) => ({ headers: { authorization: `Bearer ${c}` } }),
  requestId: () => undefined,
  toError: (status) => (status === 429 ? { kind: "rate_limited", message: "slow down" } : status >= 400 ? { kind: "server", message: `HTTP ${status}` } : undefined),
};

let server: EmulatorServer;
const windows = { read: new SlidingWindow(LIMITS.read, WINDOW_MS), write: new SlidingWindow(LIMITS.write, WINDOW_MS) };
const cls = (m: string) => (m === "GET" ? "read" : "write");
beforeAll(async () => {
  const counted = new Map<number, ReturnType<SlidingWindow["hit"]>>();
  server = new EmulatorServer("many-machines", {
    before(req) {
      const w = windows[cls(req.method)];
      const hit = w.hit(KEY);
      counted.set(req.id, hit);
      return hit.allowed ? undefined : { status: 429, body: { error: "slow down" } };
    },
    decorate(req, res) {
      const hit = counted.get(req.id);
      counted.delete(req.id);
      if (!hit) return;
      const w = windows[cls(req.method)];
      res.headers = {
        ...res.headers,
        "x-ratelimit-limit": `${w.limit}, ${w.limit};window=${w.windowMs / 1000}`,
        "x-ratelimit-remaining": String(hit.remaining),
        "x-ratelimit-reset": String(hit.resetAt / 1000),
      };
    },
    rateLimited: () => ({ status: 429, body: { error: "slow down" } }),
    serverError: (status) => ({ status, body: { error: "boom" } }),
    notFound: () => ({ status: 404, body: { error: "no route" } }),
  });
  let n = 0;
  server.route("POST", "/things", () => ({ status: 201, body: { id: ++n } }));
  server.route("GET", "/things", () => ({ status: 200, body: [] }));
  await server.start();
});
afterAll(() => server.stop());

/** Fewest ms from the first call to the last that the windows allow for these counts. */
function floorMs(counts: { read: number; write: number }): number {
  return Math.max(...(["read", "write"] as const).map((c) => Math.max(0, Math.ceil(counts[c] / LIMITS[c]) - 1) * WINDOW_MS));
}

async function run(machines: number, per: number, style: RateLimitHeaderStyle, adaptive = true) {
  resetProcessGlobals();
  server.rateLimitHeaders = style;
  server.resetLog();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS + 50)); // every window empty
  const start = Date.now();
  await Promise.all(
    Array.from({ length: machines }, async (_, m) => {
      const limiter = new RateLimiter(protocol.defaultRateLimits, Date.now, undefined, { adaptive });
      const client = new VendorClient(protocol, { vendor: "fake", baseUrl: server.url, credential: KEY }, { limiter, retry: { maxRateLimitWaitMs: 120_000 } });
      await Promise.all(
        Array.from({ length: per }, (_, i) =>
          client.call({ method: "POST", path: "/things", body: { m, i }, beforeSend: async () => void (await client.call({ method: "GET", path: "/things", query: { m, i } })) }),
        ),
      );
    }),
  );
  const seconds = (Date.now() - start) / 1000;
  const log = server.log.filter((e) => e.time >= start);
  const ok = log.filter((e) => e.status !== 429);
  const by = (e: (typeof log)[number]) => Number(new URLSearchParams(e.query).get("m") ?? (e.body as { m?: number })?.m);
  const rejected = Array.from({ length: machines }, (_, m) => log.filter((e) => e.status === 429 && by(e) === m).length);
  const counts = { read: ok.filter((e) => e.method === "GET").length, write: ok.filter((e) => e.method !== "GET").length };
  const span = ok.length ? (ok[ok.length - 1].time - ok[0].time) / 1000 : 0;
  const byClass = { read: log.filter((e) => e.status === 429 && e.method === "GET").length, write: log.filter((e) => e.status === 429 && e.method !== "GET").length };
  const r = { byClass, style, machines, per, seconds, span, floor: floorMs(counts) / 1000, rejected, max429: Math.max(...rejected), total429: rejected.reduce((a, b) => a + b, 0), created: counts.write, waited: (start - t0) / 1000 };
  console.log(JSON.stringify(r));
  if (process.env.MM_TRACE) console.log(log.map((e) => `${((e.time - start) / 1000).toFixed(2)} m${by(e)} ${e.method} ${e.status}`).join("\n"));
  return r;
}

describe("many machines on one token, no shared budget file", () => {
  const machines = Number(process.env.MM_MACHINES ?? 6);
  const per = Number(process.env.MM_PER ?? 2);
  // Without adaptation (ALERT_ROUTING_ADAPTIVE_RATE=0) the same run takes 10-25 429s per
  // create: every machine wakes at the one reset instant and takes the whole window.
  for (const style of (process.env.MM_STYLES ?? "vendor,none,retry-after").split(",") as RateLimitHeaderStyle[]) {
    it(`${machines} machines x ${per} creates, ${style} headers: every call succeeds, few 429s, near the floor`, async () => {
      const r = await run(machines, per, style, process.env.MM_ADAPTIVE !== "0");
      // Every create landed once: none lost to a 429, none sent twice.
      expect(r.created).toBe(machines * per);
      expect(r.total429).toBeLessThanOrEqual(machines * per * 2.5);
      expect(r.span).toBeLessThanOrEqual(r.floor * 2);
    }, 120_000);
  }
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkReferences, sourceKey, type Known, type ListSource, type Reference } from "../../../src/core/preflight";
import { asBackground, sharedFile, sharedList } from "../../../src/core/shared-lists";
import { inBackground, onceCache } from "../../../src/core/idioms";
import { VendorClient, type VendorProtocol } from "../../../src/core/http";
import { VendorError } from "../../../src/core/errors";
import { RateLimiter } from "../../../src/core/rate-limit";
import { EmulatorServer } from "../../../src/emulator-kit/framework";
import { resetProcessGlobals } from "../../../src/core/registry";

// Preflight lists shared by the provider processes of one machine: the update pass of `pulumi up`
// after its preview, and parallel stacks on one token, read one list instead of each listing again.
const CREDENTIAL = "shared-list-credential-8a7b6c";
const TEAMS: Known[] = [{ id: "t-1", name: "Payments" }];
const team = (value: string): Reference => ({ property: "teamName", what: "team", collection: "teams", by: "name", value });

let dir: string;
const savedTmp = process.env.TMPDIR;
const base = tmpdir();
beforeEach(() => {
  dir = mkdtempSync(join(base, "ar-shared-lists-"));
  process.env.TMPDIR = dir;
  delete process.env.ALERT_ROUTING_SHARED_BUDGET;
  resetProcessGlobals();
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(dir, { recursive: true, force: true });
});

describe("machine-wide preflight lists", () => {
  it("a second run (another provider process) within the TTL reuses the first run's list; later it lists again", async () => {
    let t = 1_000_000;
    const now = () => t;
    let loads = 0;
    const load = async () => (++loads, TEAMS);
    expect(await sharedList(dir, "k", load, { now })).toEqual({ value: TEAMS, shared: false });
    expect(await sharedList(dir, "k", load, { now })).toEqual({ value: TEAMS, shared: true });
    t += 119_000;
    expect((await sharedList(dir, "k", load, { now })).shared).toBe(true);
    t += 2_000;
    expect((await sharedList(dir, "k", load, { now })).shared).toBe(false);
    expect(loads).toBe(2);
  });

  it("parallel runs list once: the others wait for the one that lists", async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 100));
      return TEAMS;
    };
    const rs = await Promise.all(Array.from({ length: 5 }, () => sharedList(dir, "k", load, { pollMs: 10 })));
    expect(loads).toBe(1);
    expect(rs.filter((r) => r.shared)).toHaveLength(4);
  });

  it("breaks the lock of a lister that is gone, and the file names no credential", async () => {
    const file = sharedFile(dir, sourceKey("https://api.example.test", CREDENTIAL));
    writeFileSync(`${file}.lock`, "999999999");
    const r = await sharedList(dir, sourceKey("https://api.example.test", CREDENTIAL), async () => TEAMS, { pollMs: 10 });
    expect(r.shared).toBe(false);
    for (const f of readdirSync(dir)) {
      expect(f).not.toContain(CREDENTIAL);
      expect(readFileSync(join(dir, f), "utf8")).not.toContain(CREDENTIAL);
    }
  });

  it("checkReferences: a second process reads the first one's list; a reference that list lacks is listed anew before it fails", async () => {
    let lists = 0;
    let teams = TEAMS;
    const source: ListSource = { where: "here", key: sourceKey("https://api.example.test", CREDENTIAL), list: async () => (++lists, teams) };
    expect(await checkReferences("opsgenie", [team("Payments")], source)).toEqual([]);
    resetProcessGlobals(); // the update pass: another provider process
    expect(await checkReferences("opsgenie", [team("Payments")], source)).toEqual([]);
    expect(lists).toBe(1);
    // Made since the first list: found by listing anew, not reported missing.
    teams = [...TEAMS, { id: "t-2", name: "Search" }];
    resetProcessGlobals();
    expect(await checkReferences("opsgenie", [team("Search")], source)).toEqual([]);
    expect(lists).toBe(2);
    // Still missing after listing anew: reported.
    resetProcessGlobals();
    expect(await checkReferences("opsgenie", [team("Nope")], source)).toHaveLength(1);
    expect(lists).toBe(3);
  });

  it("ALERT_ROUTING_SHARED_BUDGET=0 keeps lists per process", async () => {
    process.env.ALERT_ROUTING_SHARED_BUDGET = "0";
    let lists = 0;
    const source: ListSource = { where: "here", key: sourceKey("https://api.example.test", CREDENTIAL), list: async () => (++lists, TEAMS) };
    await checkReferences("opsgenie", [team("Payments")], source);
    resetProcessGlobals();
    await checkReferences("opsgenie", [team("Payments")], source);
    expect(lists).toBe(2);
  });
});

describe("preflight calls give way to writes", () => {
  const protocol: VendorProtocol = {
    vendor: "fake",
    contentType: "application/json",
    defaultRateLimits: "read=2/1s",
    authorize: () => ({ headers: {} }),
    requestId: () => undefined,
    toError: (status) => (status === 429 ? { kind: "rate_limited", message: "slow down" } : status >= 400 ? { kind: "server", message: `HTTP ${status}` } : undefined),
  };
  let server: EmulatorServer;
  beforeAll(async () => {
    server = new EmulatorServer("bg", {
      rateLimited: () => ({ status: 429, body: { error: "slow down" } }),
      serverError: (status) => ({ status, body: { error: "boom" } }),
      notFound: () => ({ status: 404, body: { error: "no route" } }),
    });
    server.route("GET", "/teams", () => ({ status: 200, body: [] }));
    await server.start();
  });
  afterAll(() => server.stop());
  const client = (limiter: RateLimiter) => new VendorClient(protocol, { vendor: "fake", baseUrl: server.url, credential: CREDENTIAL }, { limiter, retry: { baseDelayMs: 5 } });

  it("a 429 on a check's list is not tried again (a plain read is)", async () => {
    server.resetLog();
    server.inject({ kind: "rate-limit", method: "GET", retryAfterSec: 0 });
    const e = await asBackground(() => client(new RateLimiter("read=100/1s")).call({ method: "GET", path: "/teams" })).catch((x: unknown) => x);
    expect((e as VendorError).kind).toBe("rate_limited");
    expect(server.calls({ method: "GET" })).toHaveLength(1);
    server.inject({ kind: "rate-limit", method: "GET", retryAfterSec: 0 });
    await client(new RateLimiter("read=100/1s")).call({ method: "GET", path: "/teams" });
    expect(server.calls({ method: "GET" })).toHaveLength(3);
  });

  it("a check's list waits one window of its class at most, then is not sent", async () => {
    server.resetLog();
    const limiter = new RateLimiter("read=1/1s");
    await client(limiter).call({ method: "GET", path: "/teams" });
    const queued = client(limiter).call({ method: "GET", path: "/teams" }); // holds the next window
    const t0 = Date.now();
    const e = await asBackground(() => client(limiter).call({ method: "GET", path: "/teams" })).catch((x: unknown) => x);
    expect((e as VendorError).message).toMatch(/not sent: the read budget is taken/);
    expect(Date.now() - t0).toBeLessThan(1_500);
    await queued;
    expect(server.calls({ method: "GET" })).toHaveLength(2);
  });
});

describe("a process cache that a background check starts", () => {
  it("loads as a normal call: a create joining it keeps its retries (JSM/Compass teams and notify targets)", async () => {
    const cache = onceCache<boolean>("background-test.v1");
    const seenByCheck = asBackground(() => cache("k", async () => inBackground()));
    // The create that joins the same load (it started inside the check) gets what a normal call sees.
    expect(await cache("k", async () => true)).toBe(false);
    expect(await seenByCheck).toBe(false);
  });
});

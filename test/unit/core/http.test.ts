import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VendorClient, VendorProtocol } from "../../../src/core/http";
import { VendorError } from "../../../src/core/errors";
import { flashdutyProtocol } from "../../../src/flashduty/protocol";
import { EmulatorServer } from "../../../src/emulator-kit/framework";
import { resetProcessGlobals } from "../../../src/core/registry";
import { signalCancel } from "../../../src/core/engine-watch";

const KEY = "query-string-key-9d8e7f";
const protocol: VendorProtocol = {
  vendor: "flashduty",
  contentType: "application/json",
  defaultRateLimits: "1000/1s",
  authorize: (c) => ({ query: { app_key: c } }),
  requestId: (h) => h["x-request-id"],
  toError: (status, body) => {
    const b = body as { error?: { code: string; message: string } } | undefined;
    if (b?.error) return { kind: status === 429 ? "rate_limited" : status >= 500 ? "server" : "validation", message: b.error.message, code: b.error.code };
    return status >= 400 ? { kind: "server", message: `HTTP ${status}` } : undefined;
  },
};

let server: EmulatorServer;
let counter = 0;
beforeAll(async () => {
  server = new EmulatorServer("t", {
    decorate: (req, res) => void (res.headers = { ...res.headers, "x-request-id": `req-${req.id}` }),
    rateLimited: (s) => ({ status: 429, headers: { "retry-after": String(s) }, body: { error: { code: "RequestTooFrequently", message: "slow down" } } }),
    serverError: (status) => ({ status, body: { error: { code: "InternalError", message: "boom" } } }),
    notFound: () => ({ status: 404, body: { error: { code: "RouteNotFound", message: "no route" } } }),
  });
  server.route("POST", "/things", () => ({ status: 200, body: { data: { n: ++counter } } }));
  server.route("GET", "/things", () => ({ status: 200, body: { data: { n: counter } } }));
  // Flashduty may report a server failure in its envelope with a non-5xx status.
  server.route("POST", "/soft-fail", () => {
    ++counter;
    return { status: 200, body: { error: { code: "InternalError", message: "internal" } } };
  });
  server.route("POST", "/bad", (req) => ({ status: 200, body: { error: { code: "InvalidParameter", message: `bad ${req.query.get("app_key")}` } } }));
  await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  resetProcessGlobals();
  server.clearFaults();
  server.resetLog();
});

const client = () => new VendorClient(protocol, { vendor: "flashduty", baseUrl: server.url, credential: KEY }, { retry: { baseDelayMs: 5, maxDelayMs: 20 } });

describe("VendorClient", () => {
  it("ends an unknown API path (Flashduty's RouteNotFound) with the host, config key and env var to fix", async () => {
    const source = { credentialKey: "flashduty:appKey", credentialEnv: "FLASHDUTY_APP_KEY", urlKey: "flashduty:baseUrl", urlEnv: "FLASHDUTY_BASE_URL" };
    const c = new VendorClient(flashdutyProtocol, { vendor: "flashduty", baseUrl: `${server.url}/v2`, credential: KEY, source }, { retry: { maxAttempts: 1 } });
    const e = (await c.call({ method: "POST", path: "/route/info", body: {} }).catch((x: unknown) => x)) as VendorError;
    expect(e.kind).toBe("config");
    expect(e.message).toMatch(/unknown API path/);
    expect(e.message).toContain(new URL(server.url).origin);
    expect(e.message).toMatch(/flashduty:baseUrl \(or FLASHDUTY_BASE_URL\)/);
    expect(e.message).not.toContain(KEY);
  });

  it("retries an idempotent call through 5xx and resets", async () => {
    server.inject({ kind: "error-before", method: "GET", times: 2 });
    server.inject({ kind: "reset-before", method: "GET", skip: 2 });
    const r = await client().call<{ data: { n: number } }>({ method: "GET", path: "/things" });
    expect(r.status).toBe(200);
    expect(server.calls({ path: "/things" })).toHaveLength(4);
  });

  it("treats a server error in the envelope as ambiguous on a write, whatever the HTTP status", async () => {
    const p2: VendorProtocol = { ...protocol, toError: (status, body) => ((body as { error?: unknown })?.error ? { kind: "server", message: "internal" } : protocol.toError(status, body, {})) };
    const before = counter;
    const c = new VendorClient(p2, { vendor: "flashduty", baseUrl: server.url, credential: KEY }, { retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    const e = await c.call({ method: "POST", path: "/soft-fail", body: {} }).catch((x: unknown) => x);
    expect((e as VendorError).ambiguous).toBe(true);
    expect(counter).toBe(before + 1); // not resent blindly
  });

  it("does not resend a create after a 5xx that may have committed", async () => {
    server.inject({ kind: "error-after", method: "POST", path: "/things" });
    const before = counter;
    const e = await client().call({ method: "POST", path: "/things", body: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VendorError);
    expect((e as VendorError).ambiguous).toBe(true);
    expect(counter).toBe(before + 1);
    expect(server.calls({ method: "POST" })).toHaveLength(1);
  });

  it("flags a dropped connection after commit as ambiguous", async () => {
    server.inject({ kind: "reset-after", method: "POST", path: "/things" });
    const e = (await client().call({ method: "POST", path: "/things", body: {} }).catch((x: unknown) => x)) as VendorError;
    expect(e.ambiguous).toBe(true);
    expect(e.kind).toBe("network");
  });

  it("waits out a 429 for Retry-After and then succeeds, even for a create", async () => {
    server.inject({ kind: "rate-limit", method: "POST", retryAfterSec: 1 });
    const t0 = Date.now();
    const r = await client().call({ method: "POST", path: "/things", body: {} });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(server.calls({ method: "POST" })).toHaveLength(2);
  });

  it("repeats an idempotent POST marked so", async () => {
    server.inject({ kind: "error-after", method: "POST", path: "/things" });
    await client().call({ method: "POST", path: "/things", body: {}, idempotent: true });
    expect(server.calls({ method: "POST" })).toHaveLength(2);
  });

  it("maps an error envelope (even with HTTP 200) and keeps the request id, never the key", async () => {
    const e = (await client().call({ method: "POST", path: "/bad", body: {} }).catch((x: unknown) => x)) as VendorError;
    expect(e.code).toBe("InvalidParameter");
    expect(e.requestId).toMatch(/^req-/);
    expect(e.message).toContain("request id req-");
    expect(e.message).not.toContain(KEY);
    expect(server.log[0].query).not.toContain(KEY);
  });

  it("gives up on a connect failure with a clear error", async () => {
    const c = new VendorClient(protocol, { vendor: "flashduty", baseUrl: "http://127.0.0.1:9", credential: KEY }, { retry: { baseDelayMs: 1, maxAttempts: 2 } });
    await expect(c.call({ method: "GET", path: "/x" })).rejects.toThrow(/could not connect \(ECONNREFUSED\)/);
  });
});

describe("the engine cancels (Ctrl-C)", () => {
  it("writes waiting for rate budget fail 'cancelled before it was sent'; the write in flight and reads finish", async () => {
    const paced = new VendorClient({ ...protocol, defaultRateLimits: "write=1/5s,read=100/1s" }, { vendor: "flashduty", baseUrl: server.url, credential: `${KEY}-cancel` });
    server.inject({ kind: "slow", method: "POST", delayMs: 300 });
    const first = paced.call({ method: "POST", path: "/things", body: {} });
    await new Promise((r) => setTimeout(r, 50));
    const queued = [1, 2, 3].map(() => paced.call({ method: "POST", path: "/things", body: {} }).then(() => "sent", (e: VendorError) => e.message));
    await new Promise((r) => setTimeout(r, 50));
    signalCancel("cancel");
    expect((await first).status).toBe(200);
    expect(await Promise.all(queued)).toEqual(Array(3).fill(expect.stringMatching(/cancelled before it was sent/)));
    expect((await paced.call({ method: "GET", path: "/things" })).status).toBe(200);
    expect(server.calls({ method: "POST" })).toHaveLength(1);
    // Flashduty reads are POSTs (a create's read-back, the lookup after an unclear answer): they still run.
    expect((await paced.call({ method: "POST", path: "/things", body: {}, rateClass: "read" })).status).toBe(200);
    expect(server.calls({ method: "POST" })).toHaveLength(2);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { alertRouteDefinition as def } from "../../../src/rootly/alert-route.provider";
import type { AlertRouteArgs } from "../../../src/rootly/alert-route.schema";
import { createRootlyEmulator, type RootlyEmulator } from "../../../src/rootly/emulator";
import { ids, routeArgs, type Ids } from "./fixtures";
import { captureStderr } from "../stderr";

// Ownership, identity and "gone" (issue 9), and Rootly's async rule status (issue 10),
// against the emulator.
let emu: RootlyEmulator;
let I: Ids;
let stderr: string[];

beforeAll(async () => {
  emu = createRootlyEmulator();
  await emu.server.start();
  I = ids(emu);
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  resetProcessGlobals();
  process.env.ROOTLY_API_TOKEN = emu.credential;
  process.env.ROOTLY_API_URL = emu.server.url;
  process.env.ROOTLY_RATE_LIMITS = "read=1000/1s,write=1000/1s";
  process.env.ROOTLY_RULES_POLL_MS = "30";
  process.env.ALERT_ROUTING_GONE_RETRY_MS = "20";
  process.env.ROOTLY_RULES_TIMEOUT_MS = "3000";
  emu.setLimits({ read: 1000, write: 1000, windowMs: 60_000 });
  emu.setAsyncRules(false);
  emu.setAsyncStatusEndpoint(true);
  emu.server.clearFaults();
  emu.routes.clear();
  emu.server.resetLog();
  stderr = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(emu.server.unfiredFaults()).toEqual([]);
});

const args = (name = "payments"): AlertRouteArgs => routeArgs(I, name) as AlertRouteArgs;
const calls = () => emu.server.log.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/g, ":id")}${e.status !== 200 && e.status !== 201 ? ` ${e.status}` : ""}`);
const named = (name: string) => [...emu.routes.values()].filter((r) => r.name === name);

describe("ownership within one run (renames with adoptExisting)", () => {
  it("the old resource's delete lets go of the route the new resource adopted, with a warning", async () => {
    const old = await def.create(args());
    resetProcessGlobals(); // the rename happens in a later run
    const renamed = await def.create({ ...args(), adoptExisting: true });
    expect(renamed.id).toBe(old.id);
    emu.server.resetLog();
    await def.delete(old.id, old.outs);
    expect(emu.server.log).toEqual([]);
    expect(named("payments").map((r) => r.id)).toEqual([old.id]);
    expect(stderr.join("")).toMatch(new RegExp(`not deleting alert route "payments" \\(${old.id}\\): the RootlyAlertRoute that declares "payments" took it over`));
  });

  it("a delete in a run where nothing took the route over removes it", async () => {
    const old = await def.create(args());
    resetProcessGlobals();
    await def.delete(old.id, old.outs);
    expect(emu.routes.size).toBe(0);
  });
});

/** A route another writer made (a rerun, a colleague), as Rootly stores it. */
function madeElsewhere(name: string): string {
  const id = "0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f";
  const now = new Date().toISOString();
  emu.routes.set(id, { id, name, enabled: true, alerts_source_ids: [I.source], owning_team_ids: [], rules: [], created_at: now, updated_at: now });
  return id;
}

describe("the name lookup runs inside the POST's write slot", () => {
  it("a route made by another writer while the POST waited for write budget is found: no duplicate", async () => {
    process.env.ROOTLY_RATE_LIMITS = "read=1000/1s,write=1/1500ms";
    await def.create(args("first")); // takes the one write of this window
    const second = def.create(args("payments")).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls()).toEqual(["GET /v1/alert_routes", "POST /v1/alert_routes"]); // waiting for write budget, not looked up yet
    const theirs = madeElsewhere("payments");
    const e = (await second) as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain(`an alert route named "payments" already exists (id ${theirs})`);
    expect(named("payments")).toHaveLength(1);
    expect(emu.server.calls({ method: "POST" })).toHaveLength(1);
  });

  it("with adoptExisting, the route found in the slot is adopted instead of posted", async () => {
    const theirs = madeElsewhere("payments");
    const r = await def.create({ ...args(), adoptExisting: true });
    expect(r.id).toBe(theirs);
    expect(calls()).toEqual(["GET /v1/alert_routes", "PUT /v1/alert_routes/:id"]);
    expect(named("payments")).toHaveLength(1);
  });

  it("two resources of one run declaring the same name: one route, the second create fails", async () => {
    const [a, b] = await Promise.allSettled([def.create(args()), def.create({ ...args(), adoptExisting: true })]);
    expect(a.status).toBe("fulfilled");
    expect(b.status).toBe("rejected");
    expect(String((b as PromiseRejectedResult).reason)).toMatch(/already managed by .* in this update/);
    expect(named("payments")).toHaveLength(1);
  });
});

describe("read reports gone only when confirmed", () => {
  it("one 404 on the route: read again, state unchanged", async () => {
    const { id, outs } = await def.create(args());
    emu.server.resetLog();
    emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: `/v1/alert_routes/${id}` });
    const r = await def.read(id, outs);
    expect(r).toEqual({ id, outs });
    expect(calls()).toEqual(["GET /v1/alert_routes/:id 404", "GET /v1/alert_routes/:id"]);
    expect(stderr.join("")).not.toMatch(/warning/);
  });

  it("two 404s but listed under its name: still there", async () => {
    const { id, outs } = await def.create(args());
    emu.server.resetLog();
    emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: `/v1/alert_routes/${id}`, times: 2 });
    const r = await def.read(id, outs);
    expect(r?.id).toBe(id);
    expect(r?.outs).toEqual(outs);
    expect(calls()).toEqual(["GET /v1/alert_routes/:id 404", "GET /v1/alert_routes/:id 404", "GET /v1/alert_routes"]);
  });

  it("gone (or invisible to this token): no id, and a warning naming the route that says Rootly cannot tell which", async () => {
    const { id, outs } = await def.create(args());
    emu.routes.delete(id);
    emu.server.resetLog();
    expect(await def.read(id, outs)).toBeUndefined();
    expect(calls()).toEqual(["GET /v1/alert_routes/:id 404", "GET /v1/alert_routes/:id 404", "GET /v1/alert_routes"]);
    const w = stderr.join("");
    expect(w).toContain(`warning: rootly: alert route "payments" (${id}) was not found`);
    expect(w).toMatch(/Rootly answers 404 both for a deleted route and for one this API token cannot see/);
  });

  it("ids that would change the request path are refused before any request", async () => {
    for (const id of ["..", ".", " "]) await expect(def.read(id, {})).rejects.toThrow(/is not an alert route id/);
    await expect(def.delete("..", {} as never)).rejects.toThrow(/is not an alert route id/);
    expect(emu.server.log).toEqual([]);
  });
});

describe("asynchronous rule processing: request_id and the status endpoint", () => {
  const statusCalls = () => emu.server.log.filter((e) => e.path.includes("/async_rule_creation_status/"));
  const sentRequestIds = () => emu.server.log.filter((e) => e.method !== "GET").map((e) => (e.body as { data: { attributes: { request_id?: string } } }).data.attributes.request_id);

  it("create and update send a fresh request_id each; without async processing no status read", async () => {
    const { id, outs } = await def.create(args());
    const next = args();
    next.rules!.reverse();
    await def.update(id, outs, next);
    const sent = sentRequestIds();
    expect(sent).toHaveLength(2);
    for (const r of sent) expect(r).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(sent).size).toBe(2);
    expect(statusCalls()).toEqual([]);
  });

  it("pending, then success: the status endpoint is polled with the write's request_id, then the route read once", async () => {
    emu.setAsyncRules(200);
    process.env.ALERT_ROUTING_VISIBLE_WAIT_MS = "1";
    const { result: { id, outs }, stderr } = await captureStderr(() => def.create(args())).finally(() => delete process.env.ALERT_ROUTING_VISIBLE_WAIT_MS);
    // A wait the user sees in the CLI.
    expect(stderr).toMatch(/rootly: waiting for Rootly to process the rules of alert route "payments" \([0-9a-f-]+\) \(asynchronous rule processing\): checking every \d+ s/);
    expect(outs.rules.map((r) => r.name)).toEqual(["critical", "search"]);
    const [requestId] = sentRequestIds();
    const polls = statusCalls();
    expect(polls.length).toBeGreaterThan(1);
    for (const p of polls) expect(p.path).toBe(`/v1/alert_routes/${id}/async_rule_creation_status/${requestId}`);
    expect(emu.server.calls({ method: "GET", path: `/v1/alert_routes/${id}` })).toHaveLength(1);
  });

  it("an error status is surfaced verbatim, with the route and what to do", async () => {
    emu.setAsyncRules(50);
    const rootlyError = "Rule 'critical': alert field 7f3e… is not available for this alerts source";
    emu.failNextAsyncRules(rootlyError);
    const e = (await def.create(args()).catch((x: Error) => x)) as Error;
    expect(e.message).toContain(rootlyError);
    const route = named("payments")[0];
    expect(e.message).toContain(`alert route "payments" (${route.id})`);
    expect(e.message).toMatch(/adoptExisting: true/);
    expect(route.rules).toEqual([]);

    // On update the route keeps its previous rules.
    emu.setAsyncRules(false);
    resetProcessGlobals();
    const { id, outs } = await def.create({ ...args(), adoptExisting: true });
    emu.setAsyncRules(50);
    emu.failNextAsyncRules("rules limit reached");
    const next = args();
    next.rules!.reverse();
    await expect(def.update(id, outs, next)).rejects.toThrow(/rules limit reached[\s\S]*keeps its previous rules/);
    expect(emu.routes.get(id)!.rules.map((r) => r.name)).toEqual(["critical", "search"]);
  });

  it("where the status endpoint answers 404, the route is re-read until its rules match", async () => {
    emu.setAsyncRules(200);
    emu.setAsyncStatusEndpoint(false);
    const { id, outs } = await def.create(args());
    expect(outs.rules.map((r) => r.name)).toEqual(["critical", "search"]);
    expect(statusCalls().map((e) => e.status)).toEqual([404]);
    expect(emu.server.calls({ method: "GET", path: `/v1/alert_routes/${id}` }).length).toBeGreaterThan(1);
  });
});

describe("credentials in a proxy's error page", () => {
  it("a non-JSON 502 quoting the bare token leaves no 8-character piece of it in the error or the debug output", async () => {
    const token = "rk_live_Zq8XwP3vN7tL2mB9cR4yH6jD1sF5gK0a";
    emu.addToken(token);
    process.env.ROOTLY_API_TOKEN = token;
    process.env.ALERT_ROUTING_DEBUG = "1";
    try {
      emu.proxyErrorPages(100);
      const e = (await def.read("0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f", {}).catch((x: Error) => x)) as Error;
      expect(e.message).toMatch(/HTTP 502/);
      const text = `${e.message}\n${e.stack}\n${stderr.join("")}`;
      expect(stderr.join("")).toMatch(/rootly GET .* failed/);
      const pieces = Array.from({ length: token.length - 7 }, (_, i) => token.slice(i, i + 8)).filter((p) => text.includes(p));
      expect(pieces).toEqual([]);
      // The page did quote it: the test fails if the fault stops doing so.
      expect(emu.server.log.some((l) => l.status === 502)).toBe(true);
    } finally {
      emu.proxyErrorPages(0);
      delete process.env.ALERT_ROUTING_DEBUG;
    }
  });
});

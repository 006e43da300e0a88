import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { alertRouteDefinition as def } from "../../../src/rootly/alert-route.provider";
import { captureStderr } from "../stderr";
import { diff } from "../../../src/rootly/alert-route.diff";
import type { AlertRouteArgs } from "../../../src/rootly/alert-route.schema";
import { createRootlyEmulator, type RootlyEmulator } from "../../../src/rootly/emulator";
import { ids, routeArgs, type Ids } from "./fixtures";

let emu: RootlyEmulator;
let I: Ids;
const FAST = "read=1000/1s,write=1000/1s";

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
  process.env.ROOTLY_RATE_LIMITS = FAST;
  process.env.ROOTLY_RULES_POLL_MS = "50";
  process.env.ALERT_ROUTING_GONE_RETRY_MS = "20";
  delete process.env.ROOTLY_RULES_TIMEOUT_MS;
  emu.setLimits({ read: 1000, write: 1000, windowMs: 60_000 });
  emu.setAsyncRules(false);
  emu.setAsyncStatusEndpoint(true);
  emu.server.clearFaults();
  emu.routes.clear();
  emu.server.resetLog();
});

const args = (name = "payments"): AlertRouteArgs => routeArgs(I, name) as AlertRouteArgs;
const calls = () => emu.server.log.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/, ":id")}${e.fault ? ` (${e.fault})` : ""}`);

describe("RootlyAlertRoute provider against the emulator", () => {
  it("create, read, update, delete with the fewest calls", async () => {
    const { id, outs } = await def.create(args());
    expect(calls()).toEqual(["GET /v1/alert_routes", "POST /v1/alert_routes"]);
    expect(outs.routeId).toBe(id);
    expect(outs.rules.map((r) => [r.name, r.position])).toEqual([
      ["critical", 1],
      ["search", 2],
    ]);
    expect(diff(outs, args()).changes).toBe(false);
    expect(emu.routes.get(id)?.rules).toHaveLength(2);

    emu.server.resetLog();
    const r = await def.read(id, outs);
    expect(calls()).toEqual(["GET /v1/alert_routes/:id"]);
    expect(r?.outs).toEqual(outs);

    // Reorder the rules and add a fallback: one PUT.
    emu.server.resetLog();
    const next = args();
    next.rules!.reverse();
    next.rules!.push({ name: "everything else", fallbackRule: true, destinations: [{ targetType: "Group", targetId: I.group }], conditionGroups: [] });
    expect(diff(outs, next).changes).toBe(true);
    const updated = await def.update(id, outs, next);
    expect(calls()).toEqual(["PUT /v1/alert_routes/:id"]);
    expect(updated.rules.map((r) => [r.name, r.position, r.fallbackRule])).toEqual([
      ["search", 1, false],
      ["critical", 2, false],
      ["everything else", 3, true],
    ]);
    expect(diff(updated, next).changes).toBe(false);

    // Only adoptExisting changed: no call at all.
    emu.server.resetLog();
    const same = await def.update(id, updated, { ...next, adoptExisting: true });
    expect(emu.server.log).toHaveLength(0);
    expect(same.adoptExisting).toBe(true);

    resetProcessGlobals(); // a later run: this run's claim on the route it created is gone
    await def.delete(id, updated);
    expect(emu.routes.has(id)).toBe(false);
    await def.delete(id, updated); // already gone is fine
    expect(await def.read(id, updated)).toBeUndefined();
  });

  it("refresh sees out-of-band edits", async () => {
    const { id, outs } = await def.create(args());
    const stored = emu.routes.get(id)!;
    stored.enabled = false;
    stored.rules[0].name = "edited in the UI";
    const r = await def.read(id, outs);
    expect(r?.outs.enabled).toBe(false);
    expect(r?.outs.rules[0].name).toBe("edited in the UI");
    expect(diff(r!.outs, args()).changes).toBe(true);
  });

  it("import: read by route id with no stored props", async () => {
    const { id, outs } = await def.create(args());
    const r = await def.read(id, {});
    expect(r).toEqual({ id, outs });
  });

  it("refuses a second route with the same name unless adoptExisting, which takes it over", async () => {
    const first = await def.create(args());
    const e = await def.create(args()).catch((x: Error) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/already exists[\s\S]*aliases: \[\{ name: "<previous resource name>" \}\][\s\S]*adoptExisting: true/);
    expect(emu.routes.size).toBe(1);

    // In the run that created it, a second resource may not take it over too.
    const twice = (await def.create({ ...args(), adoptExisting: true }).catch((x: Error) => x)) as Error;
    expect(twice.message).toMatch(/already managed by the RootlyAlertRoute that declares "payments" in this update/);
    resetProcessGlobals(); // a later run

    // Identical: adopting costs no write.
    emu.server.resetLog();
    const { result: same, stderr: sameErr } = await captureStderr(() => def.create({ ...args(), adoptExisting: true }));
    expect(sameErr).toMatch(/^rootly: adopted alert route "payments" \(.+\); it already matched the program, nothing changed$/m);
    expect(same.id).toBe(first.id);
    expect(calls()).toEqual(["GET /v1/alert_routes"]);

    emu.server.resetLog();
    resetProcessGlobals(); // a later run
    const changed = { ...args(), enabled: false, adoptExisting: true };
    const { result: adopted, stderr } = await captureStderr(() => def.create(changed));
    expect(stderr).toMatch(/^rootly: adopted alert route "payments" \(.+\); this update changes enabled$/m);
    expect(adopted.id).toBe(first.id);
    expect(adopted.outs).toMatchObject({ enabled: false, adoptExisting: true });
    expect(calls()).toEqual(["GET /v1/alert_routes", "PUT /v1/alert_routes/:id"]);
    expect(emu.routes.size).toBe(1);
  });

  it("a prefix of another route's name is not the same route (filter matches loosely)", async () => {
    await def.create(args("payments-eu"));
    const r = await def.create(args("payments"));
    expect(r.outs.name).toBe("payments");
    expect(emu.routes.size).toBe(2);
  });

  for (const kind of ["reset-after", "error-after"] as const)
    it(`create after a ${kind} on POST: looked up by name, no duplicate`, async () => {
      emu.server.inject({ kind, method: "POST", path: "/v1/alert_routes" });
      const { id, outs } = await def.create(args());
      expect(emu.routes.size).toBe(1);
      expect(emu.routes.has(id)).toBe(true);
      expect(outs.name).toBe("payments");
      expect(calls()).toEqual(["GET /v1/alert_routes", `POST /v1/alert_routes (${kind})`, "GET /v1/alert_routes"]);
    });

  for (const kind of ["html-after", "cut-after"] as const)
    it(`create whose 2xx answer cannot be read (${kind}): found by name, carrying what was sent, recorded; no second POST`, async () => {
      emu.server.inject({ kind, method: "POST", path: "/v1/alert_routes" });
      const { result, stderr } = await captureStderr(() => def.create(args()));
      expect([...emu.routes.keys()]).toEqual([result.id]);
      expect(result.outs.name).toBe("payments");
      expect(calls()).toEqual(["GET /v1/alert_routes", `POST /v1/alert_routes (${kind})`, "GET /v1/alert_routes"]);
      expect(stderr).toMatch(/rootly: alert route "payments": the create's outcome was unknown \(the answer could not be read \(not JSON\): content type (text\/html|application\/vnd\.api\+json).*; the write may have been applied \(POST \/v1\/alert_routes, HTTP 20\d\)\); found it by its name/);
      expect(emu.server.unfiredFaults()).toEqual([]);
    });

  it("create after 503 / reset before commit: sent again once", async () => {
    emu.server.inject({ kind: "error-before", method: "POST", status: 503 });
    emu.server.inject({ kind: "reset-before", method: "POST", skip: 1 });
    const { id } = await def.create(args());
    expect(emu.routes.size).toBe(1);
    expect(emu.routes.has(id)).toBe(true);
    expect(emu.server.calls({ method: "POST" })).toHaveLength(3);
  });

  it("update and delete retry 5xx before and after commit (idempotent)", async () => {
    const { id, outs } = await def.create(args());
    emu.server.inject({ kind: "error-before", method: "PUT", status: 503 });
    emu.server.inject({ kind: "error-after", method: "PUT", status: 500, skip: 1 });
    const updated = await def.update(id, outs, { ...args(), name: "payments v2" });
    expect(updated.name).toBe("payments v2");
    expect(emu.server.calls({ method: "PUT" })).toHaveLength(3);
    resetProcessGlobals(); // a later run (this one created the route)
    emu.server.inject({ kind: "error-after", method: "DELETE" });
    await def.delete(id, updated);
    expect(emu.routes.size).toBe(0);
  });

  it("waits on a 429 until X-RateLimit-Reset and succeeds", async () => {
    emu.server.inject({ kind: "rate-limit", method: "POST", retryAfterSec: 1 });
    const t0 = Date.now();
    await def.create(args());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(emu.routes.size).toBe(1);
    expect(emu.server.calls({ method: "POST" }).map((c) => c.status)).toEqual([429, 201]);
  });

  it("server validation errors come back as field errors with the user's property paths", async () => {
    const a = args();
    a.rules![1].destinations[0].targetId = "11111111-2222-4333-8444-555555555555"; // valid UUID, unknown service
    const e = (await def.create(a).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/rules\[1\]\.destinations\[0\]\.targetId: Service 11111111-2222-4333-8444-555555555555 not found/);
    expect(e.message).toMatch(/HTTP 422/);
    expect(emu.routes.size).toBe(0);
  });

  it("a bad token fails clearly without showing it", async () => {
    process.env.ROOTLY_API_TOKEN = "wrong-token-123456";
    const e = (await def.create(args()).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/Unauthorized/);
    expect(e.message).not.toContain("wrong-token-123456");
  });

  it("a server that echoes the request never makes the token visible", async () => {
    process.env.ROOTLY_API_TOKEN = "echoed-token-445566";
    emu.server.inject({ kind: "error-echo", method: "GET", times: Infinity });
    const e = (await def.read("0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f", {}).catch((x: Error) => x)) as Error;
    expect(e.message).toContain("Bearer [redacted]");
    expect(e.message).not.toContain("echoed-token-445566");
  });

  it("a route of another team reads as gone (404); update says so", async () => {
    const other = emu.seed("team", "Other team");
    const { id, outs } = await def.create(args());
    emu.addToken("other-team-token", { teamIds: [other] });
    process.env.ROOTLY_API_TOKEN = "other-team-token";
    resetProcessGlobals();
    expect(await def.read(id, outs)).toBeUndefined();
    await expect(def.update(id, outs, { ...args(), enabled: false })).rejects.toThrow(/no longer exists[\s\S]*pulumi refresh/);
  });

  it("async rule processing: polls until the rules match, never records stale rules", async () => {
    emu.setAsyncRules(300);
    const { id, outs } = await def.create(args());
    expect(outs.rules.map((r) => r.name)).toEqual(["critical", "search"]);
    const polls = emu.server.calls({ method: "GET", path: `/v1/alert_routes/${id}` }).length;
    expect(polls).toBeGreaterThan(0);
    expect(emu.server.calls({ method: "POST" })).toHaveLength(1);

    const next = args();
    next.rules!.reverse();
    const updated = await def.update(id, outs, next);
    expect(updated.rules.map((r) => r.name)).toEqual(["search", "critical"]);
    expect(emu.server.calls({ method: "PUT" })).toHaveLength(1);
  });

  it("async rule processing: a timeout says Rootly is still processing", async () => {
    emu.setAsyncRules(60_000);
    const { id, outs } = await def.create({ name: "bare", alertsSourceIds: [I.source] });
    process.env.ROOTLY_RULES_TIMEOUT_MS = "300";
    const e = (await def.update(id, outs, args("bare")).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/still processing its rules/);
    expect(e.message).toContain(id);
  });
});

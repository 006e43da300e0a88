import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createDispatcher } from "../../../src/core/kit";
import type { FlashdutyEmulator } from "../../../src/flashduty/emulator";
import { routeDefinition } from "../../../src/flashduty/route.provider";
import { captureStderr } from "../stderr";
import type { RouteArgs } from "../../../src/flashduty/route.schema";
import { APP_KEY, CH_A, CH_B, CH_C, INTEGRATION, resetBetweenTests, startEmulator } from "./helpers";

let emu: FlashdutyEmulator;
beforeAll(async () => {
  emu = await startEmulator();
  // "Gone" is confirmed by a second read after a pause: keep the pause short here.
  process.env.ALERT_ROUTING_GONE_RETRY_MS = "10";
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  resetBetweenTests(emu);
  emu.routes.clear();
});

const args = (over: Partial<RouteArgs> = {}): RouteArgs => ({
  integrationId: INTEGRATION,
  cases: [
    { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [CH_A] },
    { if: [{ key: "labels.service", oper: "IN", vals: ["/^pay/"] }], routingMode: "name_mapping", nameMappingLabel: "labels.service" },
  ],
  sections: [{ name: "first", position: 0 }],
  default: { channelIds: [CH_B] },
  ...over,
});
const calls = () => emu.server.log.map((e) => e.path);

describe("FlashdutyRoute provider against the emulator", () => {
  it("create: info, upsert, read back (3 calls); id = integration id; version kept as output", async () => {
    const r = await routeDefinition.create(args());
    expect(r.id).toBe(String(INTEGRATION));
    expect(calls()).toEqual(["/route/info", "/route/upsert", "/route/info"]);
    expect(r.outs).toMatchObject({ integrationId: INTEGRATION, version: 1, status: "enabled", sections: [{ name: "first", position: 0 }] });
    expect(r.outs.cases[1]).toEqual({ if: [{ key: "labels.service", oper: "IN", vals: ["/^pay/"] }], channelIds: [], fallthrough: false, routingMode: "name_mapping", nameMappingLabel: "labels.service" });
    // Section position 0 reaches the API.
    expect(emu.routes.get(INTEGRATION)!.sections).toEqual([{ name: "first", position: 0 }]);
    expect(routeDefinition.diff(r.outs, args())).toEqual({ changes: false, replaces: [] });
  });

  it("an integration deleted in Flashduty: read says gone, destroy (even with resetOnDelete) succeeds", async () => {
    const r = await routeDefinition.create(args({ resetOnDelete: { channelIds: [CH_B] } }));
    resetBetweenTests(emu);
    emu.integrations.delete(INTEGRATION);
    try {
      expect(await routeDefinition.read(r.id, r.outs)).toBeUndefined();
      await routeDefinition.delete(r.id, r.outs);
    } finally {
      emu.integrations.add(INTEGRATION);
    }
  });

  it("create over an existing rule fails naming adoptExisting, unless adoptExisting", async () => {
    emu.editRouteOutOfBand(INTEGRATION, (r) => (r.default = { channel_ids: [CH_C] }));
    const e = await routeDefinition.create(args()).catch((x: Error) => x);
    expect(String(e)).toMatch(/routing rule of integration \d+ already exists \(version 1, 0 cases\).*aliases: \[\{ name: .*adoptExisting: true/);
    expect(emu.routes.get(INTEGRATION)!.default).toEqual({ channel_ids: [CH_C] });
    emu.server.resetLog();
    const { result: r, stderr } = await captureStderr(() => routeDefinition.create(args({ adoptExisting: true })));
    expect(stderr).toMatch(/^flashduty: adopted the routing rule of integration \d+ \(version 1, 0 case\(s\)\); this update changes cases, sections, default$/m);
    expect(r.outs.version).toBe(2);
    expect(emu.server.calls({ path: "/route/upsert" })[0].body).toMatchObject({ version: 1 });
  });

  it("adopting a rule that already matches makes no write (1 call)", async () => {
    await routeDefinition.create(args());
    resetBetweenTests(emu); // a later `pulumi up` (in this one, the rule is the first resource's)
    const { result: r, stderr } = await captureStderr(() => routeDefinition.create(args({ adoptExisting: true })));
    expect(stderr).toMatch(/^flashduty: adopted the routing rule of integration \d+ .*nothing changed$/m);
    expect(emu.server.log.map((e) => e.path)).toEqual(["/route/info"]);
    expect(r.outs.version).toBe(1);
  });

  it("an empty existing rule is not content: create proceeds", async () => {
    emu.editRouteOutOfBand(INTEGRATION, () => undefined);
    const r = await routeDefinition.create(args());
    expect(r.outs.version).toBe(2);
  });

  it("update sends the stored version and reads back the new one (2 calls)", async () => {
    const c = await routeDefinition.create(args());
    emu.server.resetLog();
    const news = args({ default: { channelIds: [CH_C] } });
    const outs = await routeDefinition.update(c.id, c.outs, news);
    expect(calls()).toEqual(["/route/upsert", "/route/info"]);
    expect(emu.server.log[0].body).toMatchObject({ version: 1, default: { channel_ids: [CH_C] } });
    expect(outs.version).toBe(2);
    expect(outs.default).toEqual({ channelIds: [CH_C] });
  });

  it("update of provider-only options makes no call", async () => {
    const c = await routeDefinition.create(args());
    emu.server.resetLog();
    const outs = await routeDefinition.update(c.id, c.outs, args({ resetOnDelete: { channelIds: [CH_B] } }));
    expect(emu.server.log).toHaveLength(0);
    expect(outs).toMatchObject({ version: 1, resetOnDelete: { channelIds: [CH_B] } });
  });

  it("a rule someone creates between our read and our first write is not overwritten", async () => {
    emu.server.inject({ kind: "slow", path: "/route/upsert", delayMs: 300 });
    const racing = routeDefinition.create(args()).catch((x: Error) => x);
    // Wait until our upsert has reached the emulator (which holds it), then edit.
    for (let i = 0; i < 400 && !emu.server.calls({ path: "/route/upsert" }).length; i++) await new Promise((r) => setTimeout(r, 5));
    emu.editRouteOutOfBand(INTEGRATION, (r) => (r.default = { channel_ids: [CH_C] }));
    const e = await racing;
    expect(String(e)).toMatch(/changed by someone else while this create ran.*Nothing was overwritten/);
    expect(emu.routes.get(INTEGRATION)!.default).toEqual({ channel_ids: [CH_C] });
  });

  it("a version conflict fails with 'changed since this stack last recorded it' + pulumi refresh and keeps the foreign edit", async () => {
    const c = await routeDefinition.create(args());
    emu.editRouteOutOfBand(INTEGRATION, (r) => (r.default = { channel_ids: [CH_C] }));
    const e = await routeDefinition.update(c.id, c.outs, args({ default: { channelIds: [CH_A] } })).catch((x: Error) => x);
    expect(String(e)).toMatch(
      /changed since this stack last recorded it \(by someone else, or by an interrupted update\): state has version 1, Flashduty has version 2\. Nothing was overwritten.*pulumi refresh.*then `pulumi up`/,
    );
    expect(emu.routes.get(INTEGRATION)).toMatchObject({ version: 2, default: { channel_ids: [CH_C] } });
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(2); // the create and the refused one
  });

  it("read: data null and status deleted are gone; import by integration id", async () => {
    expect(await routeDefinition.read(String(INTEGRATION), {})).toBeUndefined();
    await routeDefinition.create(args());
    const imported = await routeDefinition.read(String(INTEGRATION), {});
    expect(imported?.outs).toMatchObject({ integrationId: INTEGRATION, version: 1, default: { channelIds: [CH_B] } });
    expect(routeDefinition.diff(imported!.outs, args())).toMatchObject({ changes: false });
    emu.routes.get(INTEGRATION)!.status = "deleted";
    expect(await routeDefinition.read(String(INTEGRATION), {})).toBeUndefined();
  });

  it("read picks up an out-of-band edit as drift", async () => {
    const c = await routeDefinition.create(args());
    emu.editRouteOutOfBand(INTEGRATION, (r) => (r.cases[0].fallthrough = true));
    const r = await routeDefinition.read(c.id, c.outs);
    expect(r?.outs.version).toBe(2);
    expect(routeDefinition.diff(r!.outs, args()).changes).toBe(true);
  });

  it("delete leaves the rule by default (with a warning), resets it when asked", async () => {
    const c = await routeDefinition.create(args());
    resetBetweenTests(emu); // destroy runs in a later provider process than the create

    const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await routeDefinition.delete(c.id, c.outs);
    expect(spy.mock.calls.map((x) => String(x[0])).join("")).toMatch(/warning: .*no way to delete a routing rule.*left in place.*resetOnDelete/);
    spy.mockRestore();
    expect(emu.server.log).toHaveLength(0);
    expect(emu.routes.get(INTEGRATION)!.cases).toHaveLength(2);

    await routeDefinition.delete(c.id, { ...c.outs, resetOnDelete: { channelIds: [CH_C] } });
    expect(emu.routes.get(INTEGRATION)).toMatchObject({ cases: [], default: { channel_ids: [CH_C] }, version: 2 });
  });

  it("a 429 with Retry-After is waited out and retried", async () => {
    emu.server.inject({ kind: "rate-limit", path: "/route/upsert", retryAfterSec: 1 });
    const t0 = Date.now();
    const r = await routeDefinition.create(args());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(2);
    expect(r.outs.version).toBe(1);
  });

  it("503 before commit on the upsert: sent again after checking, one write", async () => {
    emu.server.inject({ kind: "error-before", path: "/route/upsert", status: 503 });
    const r = await routeDefinition.create(args());
    expect(r.outs.version).toBe(1);
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(2);
  });

  it("500 after commit on create: found by reading, not sent twice", async () => {
    emu.server.inject({ kind: "error-after", path: "/route/upsert", status: 500 });
    const r = await routeDefinition.create(args());
    expect(r.outs.version).toBe(1);
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(1);
  });

  for (const kind of ["html-after", "cut-after"] as const)
    it(`a 2xx answer to the upsert that cannot be read (${kind}): the rule read back decides, one write`, async () => {
      emu.server.inject({ kind, path: "/route/upsert" });
      const r = await routeDefinition.create(args());
      expect(r.outs.version).toBe(1);
      expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(1);
      expect(emu.server.unfiredFaults()).toEqual([]);
    });

  it("connection reset after commit on update: no second write, no false conflict", async () => {
    const c = await routeDefinition.create(args());
    emu.server.inject({ kind: "reset-after", path: "/route/upsert" });
    const outs = await routeDefinition.update(c.id, c.outs, args({ default: { channelIds: [CH_C] } }));
    expect(outs.version).toBe(2);
    expect(emu.routes.get(INTEGRATION)!.version).toBe(2);
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(2);
  });

  it("reads are retried through 503s", async () => {
    await routeDefinition.create(args());
    emu.server.inject({ kind: "error-before", path: "/route/info", status: 503, times: 2 });
    expect((await routeDefinition.read(String(INTEGRATION), {}))?.outs.version).toBe(1);
  });

  it("server-side validation errors name the field; the APP key never appears in errors", async () => {
    const dispatch = createDispatcher([routeDefinition]);
    const e = (await dispatch("flashduty:Route", "create", [{ ...args(), default: { channelIds: [999] }, __provider: "x" }]).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/default.channel_ids: channel 999 not found.*InvalidParameter.*request id fd-/);
    process.env.FLASHDUTY_APP_KEY = "wrong-key-123456";
    try {
      const u = (await dispatch("flashduty:Route", "read", [String(INTEGRATION), {}]).catch((x: Error) => x)) as Error;
      expect(u.message).toMatch(/unauthorized/i);
      expect(u.message + u.stack).not.toContain("wrong-key-123456");
      // A server that echoes the request line puts the key (a query parameter) in its message.
      emu.server.inject({ kind: "error-echo", path: "/route/info", times: Infinity });
      const echoed = (await dispatch("flashduty:Route", "read", [String(INTEGRATION), {}]).catch((x: Error) => x)) as Error;
      expect(echoed.message).toContain("app_key=[redacted]");
      expect(echoed.message + echoed.stack).not.toContain("wrong-key-123456");
    } finally {
      process.env.FLASHDUTY_APP_KEY = APP_KEY;
    }
    expect(JSON.stringify(emu.server.log)).not.toContain(APP_KEY);
  });

  it("errors that come with HTTP 200 are errors", async () => {
    emu.options.errorsWithHttp200 = true;
    try {
      const e = await routeDefinition.create(args({ default: { channelIds: [424242] } })).catch((x: Error) => x);
      expect(String(e)).toMatch(/channel 424242 not found.*HTTP 200.*InvalidParameter/);
    } finally {
      emu.options.errorsWithHttp200 = false;
    }
  });

  it("check through the dispatcher names the path and makes no call", async () => {
    const dispatch = createDispatcher([routeDefinition]);
    const bad = args();
    bad.cases![0].if[0].vals = ["ok", "cidr:1.2.3.4/40"];
    const r = (await dispatch("flashduty:Route", "check", [undefined, bad])) as { failures: { property: string }[] };
    expect(r.failures.map((f) => f.property)).toEqual(["cases[0].if[0].vals[1]"]);
    expect(emu.server.log).toHaveLength(0);
  });
});

describe("FlashdutyRoute: ownership, conflicts and gone (issues 9 and 10)", () => {
  const stderr = () => {
    const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let text = "";
    return {
      text: () => text,
      restore: () => {
        text = spy.mock.calls.map((x) => String(x[0])).join("");
        spy.mockRestore();
      },
    };
  };

  it("interrupted update whose upsert landed: the next update finds its own content at the newer version and succeeds", async () => {
    const c = await routeDefinition.create(args());
    const news = args({ default: { channelIds: [CH_C] } });
    // The landed upsert of an update the engine never recorded.
    emu.editRouteOutOfBand(INTEGRATION, (r) => (r.default = { channel_ids: [CH_C] }));
    emu.server.resetLog();
    const outs = await routeDefinition.update(c.id, c.outs, news);
    expect(outs.version).toBe(2);
    expect(calls()).toEqual(["/route/upsert", "/route/info"]);
    expect(emu.routes.get(INTEGRATION)!.version).toBe(2);
  });

  it("destroy with resetOnDelete after a foreign edit: says how to resolve without `pulumi up`; an already reset rule is fine", async () => {
    const c = await routeDefinition.create(args({ resetOnDelete: { channelIds: [CH_C] } }));
    resetBetweenTests(emu);
    emu.editRouteOutOfBand(INTEGRATION, (r) => (r.default = { channel_ids: [CH_A] }));
    const e = (await routeDefinition.delete(c.id, c.outs).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/changed since this stack last recorded it \(by someone else, or by an interrupted update\).*Nothing was reset.*pulumi refresh.*pulumi destroy.*pulumi state delete/);
    expect(e.message).not.toMatch(/pulumi up/);
    expect(emu.routes.get(INTEGRATION)!.default).toEqual({ channel_ids: [CH_A] });
    // A destroy interrupted after its reset landed: nothing left to do.
    emu.editRouteOutOfBand(INTEGRATION, (r) => {
      r.cases = [];
      r.sections = [];
      r.default = { channel_ids: [CH_C] };
    });
    emu.server.resetLog();
    await routeDefinition.delete(c.id, c.outs);
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(0);
  });

  it("rename with adoptExisting: the old resource's delete (resetOnDelete) lets go of the rule the new one took", async () => {
    const old = await routeDefinition.create(args({ resetOnDelete: { channelIds: [CH_C] } }));
    resetBetweenTests(emu); // a later `pulumi up`: a new provider process
    const renamed = await routeDefinition.create(args({ resetOnDelete: { channelIds: [CH_C] }, adoptExisting: true }));
    const err = stderr();
    try {
      await routeDefinition.delete(old.id, old.outs);
    } finally {
      err.restore();
    }
    expect(err.text()).toMatch(/warning: flashduty: not deleting the routing rule of integration \d+: FlashdutyRoute of integration \d+ took it over/);
    expect(emu.routes.get(INTEGRATION)).toMatchObject({ version: renamed.outs.version, default: { channel_ids: [CH_B] } });
    expect(emu.routes.get(INTEGRATION)!.cases).toHaveLength(2);
    expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(0);
  });

  it("one transient not-found (error or data: null) on read: read again, the rule stays; gone only when the route list agrees", async () => {
    const c = await routeDefinition.create(args());
    emu.server.resetLog();
    emu.answerMissing("/route/info");
    expect((await routeDefinition.read(c.id, c.outs))?.outs.version).toBe(1);
    expect(calls()).toEqual(["/route/info", "/route/info"]);
    emu.server.resetLog();
    emu.answerMissing("/route/info", { times: 2, as: "null" });
    expect((await routeDefinition.read(c.id, c.outs))?.outs.version).toBe(1);
    expect(calls()).toEqual(["/route/info", "/route/info", "/route/list"]);
    // Really gone: both reads and the list agree.
    emu.routes.get(INTEGRATION)!.status = "deleted";
    expect(await routeDefinition.read(c.id, c.outs)).toBeUndefined();
  });

  it("a 502 HTML page quoting the APP key without any prefix leaves no 8-character piece of it in the error or debug output", async () => {
    emu.proxyPageQuotingKey("/route/info", Infinity);
    const dispatch = createDispatcher([routeDefinition]);
    process.env.ALERT_ROUTING_DEBUG = "1";
    const err = stderr();
    let e: Error;
    try {
      e = (await dispatch("flashduty:Route", "read", [String(INTEGRATION), {}]).catch((x: Error) => x)) as Error;
    } finally {
      err.restore();
      delete process.env.ALERT_ROUTING_DEBUG;
    }
    expect(e.message).toMatch(/Bad Gateway/);
    expect(err.text()).toMatch(/\/route\/info failed/);
    const seen = `${e.message}\n${e.stack}\n${err.text()}`;
    for (let i = 0; i + 8 <= APP_KEY.length; i++) expect(seen, APP_KEY.slice(i, i + 8)).not.toContain(APP_KEY.slice(i, i + 8));
    // The page really quoted the key past the cut: otherwise this test proves nothing.
    expect(emu.server.log.filter((l) => l.status === 502).length).toBeGreaterThan(0);
  });
});

describe("emulator basics", () => {
  const post = (path: string, body: unknown, q = `?app_key=${APP_KEY}`, ct = "application/json") =>
    fetch(`${emu.server.url}${path}${q}`, { method: "POST", headers: { "content-type": ct }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("auth, envelopes, request id header, content type, unknown paths", async () => {
    const noKey = await post("/route/info", { integration_id: INTEGRATION }, "");
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ request_id: expect.any(String), error: { code: "Unauthorized" } });
    const okRes = await post("/route/info", { integration_id: INTEGRATION });
    const okBody = (await okRes.json()) as { request_id: string; data: unknown };
    expect(okBody.data).toBeNull();
    expect(okRes.headers.get("flashcat-request-id")).toBe(okBody.request_id);
    expect((await post("/route/info", "integration_id=1", undefined, "text/plain")).status).toBe(400);
    expect(await (await post("/route/nope", {})).json()).toMatchObject({ error: { code: "RouteNotFound" } });
    const missing = await post("/route/info", { integration_id: 12345 });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: "ResourceNotFound" } });
  });
});

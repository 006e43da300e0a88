import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { setStackConfig } from "../../../src/core/config";
import { currentTarget, parseAccounts, resolveAccount } from "../../../src/opsgenie/accounts";
import { createAtlassianOpsEmulator, createOpsgenieEmulator, DEFAULT_KNOBS, emulatorAccount, type AtlassianOpsEmulator, type EmuTeam, type OpsgenieEmulator, type OpsProduct } from "../../../src/opsgenie/emulator";
import { platformFor } from "../../../src/opsgenie/platform";
import { teamRoutingRule as def } from "../../../src/opsgenie/team-routing-rule.provider";
import { captureStderr } from "../stderr";

// Accounts (opsgenie:accounts / OPSGENIE_ACCOUNTS) and the platform clients: the same
// provider against Opsgenie, JSM Operations and Compass Operations emulators.
const KEY = "genie-platform-key-7a1c";
let og: OpsgenieEmulator;
let ops: AtlassianOpsEmulator;

beforeAll(async () => {
  og = createOpsgenieEmulator({ apiKey: KEY });
  ops = createAtlassianOpsEmulator({ apiToken: "atl-unit-token-93b1e4", email: "bot@example.com" });
  await Promise.all([og.server.start(), ops.server.start()]);
});
afterAll(() => Promise.all([og.server.stop(), ops.server.stop()]));
const saved = { ...process.env };
beforeEach(() => {
  resetProcessGlobals();
  process.env.OPSGENIE_API_KEY = KEY;
  process.env.OPSGENIE_API_URL = og.server.url;
  process.env.OPSGENIE_ORDER_SETTLE_MS = "30";
  process.env.OPSGENIE_RATE_LIMITS = "1000/1s";
  process.env.ALERT_ROUTING_GONE_RETRY_MS = "10";
  process.env.OPSGENIE_ACCOUNTS = JSON.stringify({ jsm: emulatorAccount(ops, "jsm"), compass: emulatorAccount(ops, "compass"), site: emulatorAccount(ops, "jsm", "site") });
  og.teams.clear();
  ops.knobs = { ...DEFAULT_KNOBS, status: { ...DEFAULT_KNOBS.status } };
  for (const s of [ops.jsm, ops.compass]) {
    s.teams.clear();
    s.schedules.clear();
    s.escalations.clear();
  }
  for (const e of [og, ops]) {
    e.server.clearFaults();
    e.server.resetLog();
  }
});
afterEach(() => {
  process.env = { ...saved };
});

describe("accounts config", () => {
  it("validates with the bad path named, never the value", () => {
    expect(() => parseAccounts(JSON.stringify({ eu: { platform: "opsgenie", apiKey: "k-secret-1", apiUrl: "api.eu.opsgenie.com" } }), "opsgenie:accounts")).toThrow(/opsgenie:accounts\.eu\.apiUrl: must be an http\(s\) URL/);
    expect(() => parseAccounts(JSON.stringify({ j: { platform: "jsm", email: "a@b.c", apiToken: "t-secret-2" } }), "opsgenie:accounts")).toThrow(/opsgenie:accounts\.j\.cloudId: give cloudId or site/);
    expect(() => parseAccounts(JSON.stringify({ j: { platform: "servicenow" } }), "OPSGENIE_ACCOUNTS")).toThrow(/OPSGENIE_ACCOUNTS\.j/);
    expect(() => parseAccounts(JSON.stringify({ j: { platform: "jsm", cloudId: "c", email: "e", apiToken: "t", extra: 1 } }), "opsgenie:accounts")).toThrow(/opsgenie:accounts\.j/);
    expect(() => parseAccounts("{not json", "opsgenie:accounts")).toThrow(/not valid JSON/);
    try {
      parseAccounts(JSON.stringify({ eu: { platform: "opsgenie", apiKey: "k-secret-1", apiUrl: "nope" } }), "opsgenie:accounts");
    } catch (e) {
      expect(String(e)).not.toContain("k-secret-1");
    }
  });

  it("the default account is today's opsgenie:apiKey/apiUrl; stack config wins over OPSGENIE_ACCOUNTS; secrets arrive wrapped", () => {
    expect(resolveAccount()).toMatchObject({ platform: "opsgenie", apiUrl: og.server.url, credential: KEY });
    expect(resolveAccount("jsm")).toMatchObject({ platform: "jsm", cloudId: ops.cloudId, credential: `bot@example.com:atl-unit-token-93b1e4` });
    const wrapped = { platform: "compass", cloudId: "c-1", email: "x@y.z", apiToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "tok-from-secret" } };
    setStackConfig({ "opsgenie:accounts": { default: wrapped } });
    expect(resolveAccount()).toMatchObject({ platform: "compass", cloudId: "c-1", credential: "x@y.z:tok-from-secret" });
    expect(currentTarget(undefined)).toBe("compass https://api.atlassian.com c-1");
  });

  it("a missing account or credential names every way to give it", () => {
    expect(() => resolveAccount("nope")).toThrow(/no account "nope" is configured.*opsgenie:accounts.*OPSGENIE_ACCOUNTS/s);
    process.env.OPSGENIE_ACCOUNTS = JSON.stringify({ eu: { platform: "opsgenie" }, j: { platform: "jsm", cloudId: "c", email: "e@x.y" } });
    expect(() => resolveAccount("eu")).toThrow(/account "eu" has no Opsgenie API key.*--secret --path 'opsgenie:accounts\.eu\.apiKey'.*OPSGENIE_ACCOUNTS.*OPSGENIE_EU_API_KEY/s);
    expect(() => resolveAccount("j")).toThrow(/account "j" has no Atlassian API token.*opsgenie:accounts\.j\.apiToken.*OPSGENIE_J_API_TOKEN/s);
    process.env.OPSGENIE_J_API_TOKEN = "from-env-token";
    expect(resolveAccount("j").credential).toBe("e@x.y:from-env-token");
    delete process.env.OPSGENIE_API_KEY;
    expect(() => resolveAccount()).toThrow(/opsgenie:apiKey.*OPSGENIE_API_KEY/s);
  });

  it("a site's cloud id comes from /_edge/tenant_info, once per process", async () => {
    const a = await platformFor("site");
    const b = await platformFor("site");
    expect(a.target).toBe(`jsm ${ops.server.url} ${ops.cloudId}`);
    expect(b.target).toBe(a.target);
    expect(ops.server.calls({ path: "/_edge/tenant_info" })).toHaveLength(1);
    expect(currentTarget("site")).toBe(a.target);
  });
});

describe("JSM / Compass platform client", () => {
  it("pages with offset/size and links.next, isDefault as a string, Basic auth", async () => {
    ops.knobs.maxPageSize = 7;
    ops.knobs.isDefaultAs = "string";
    const t = ops.jsm.seedTeam("Ops");
    for (let i = 0; i < 16; i++) t.rules.splice(i, 0, { id: `r-${i}`, name: `n-${i}`, isDefault: false, criteria: { type: "match-all" }, timezone: "UTC", notify: { type: "none" } });
    const p = await platformFor("jsm");
    const list = await p.list(t.id);
    expect(list.map((r) => r.name)).toEqual([...Array.from({ length: 16 }, (_, i) => `n-${i}`), "Default Routing Rule"]);
    expect(list.at(-1)!.isDefault).toBe(true);
    expect(list.filter((r) => r.isDefault)).toHaveLength(1);
    const gets = ops.server.calls({ method: "GET", path: /routing-rules$/ });
    expect(gets).toHaveLength(3);
    expect(gets.map((g) => g.query)).toEqual(["offset=0&size=100", "offset=7&size=7", "offset=14&size=7"]);
  });

  it("errors: message or errors[].title; any 2xx with or without a body; no credential in any error", async () => {
    const t = ops.compass.seedTeam("Ops");
    const p = await platformFor("compass");
    ops.knobs.errorShape = "errors";
    await expect(p.patch(t.id, "missing", { name: "x" })).rejects.toThrow(/Routing rule missing not found/);
    ops.knobs.errorShape = "message";
    await expect(p.get(t.id, "missing")).resolves.toBeUndefined();
    for (const createBody of ["rule", "id", "empty"] as const) {
      ops.knobs.createBody = createBody;
      ops.knobs.status.create = createBody === "empty" ? 204 : 201;
      const id = await p.create(t.id, { name: `c-${createBody}`, order: 0, notify: { type: "none" } }, async () => undefined);
      expect(id === undefined).toBe(createBody === "empty");
    }
    ops.server.inject({ kind: "error-echo", method: "GET", status: 400 });
    const err = await p.list(t.id).catch((e: Error) => e);
    expect(String(err)).toMatch(/HTTP 400/);
    const b64 = Buffer.from("bot@example.com:atl-unit-token-93b1e4").toString("base64");
    expect(String(err)).not.toContain("atl-unit-token-93b1e4");
    expect(String(err)).not.toContain(b64);
    expect(String(err)).toContain("Basic [redacted]");
  });

  it("429 with Retry-After is waited out", async () => {
    const t = ops.jsm.seedTeam("Ops");
    const p = await platformFor("jsm");
    ops.server.inject({ kind: "rate-limit", method: "GET", retryAfterSec: 1 });
    const started = Date.now();
    await p.list(t.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(ops.server.unfiredFaults()).toEqual([]);
  });
});

const PLATFORMS: { platform: "opsgenie" | OpsProduct; account?: string }[] = [{ platform: "opsgenie" }, { platform: "jsm", account: "jsm" }, { platform: "compass", account: "compass" }];

describe.each(PLATFORMS)("the provider on $platform", ({ platform, account }) => {
  let team: EmuTeam;
  let server: OpsgenieEmulator["server"];
  const seed = () => {
    const state = platform === "opsgenie" ? og : ops[platform];
    server = platform === "opsgenie" ? og.server : ops.server;
    team = state.seedTeam("Ops");
    state.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
  };
  const args = (name: string, extra: Record<string, unknown> = {}) => ({ teamName: "Ops", name, notify: { type: "schedule", name: "Primary" }, ...(account ? { account } : {}), ...extra }) as never;
  const names = () => team.rules.map((r) => r.name);

  it("concurrent creates land in order with 0 change-order; steady diff; names resolved; reorder; delete", async () => {
    seed();
    const made = await Promise.all([3, 1, 0, 4, 2].map((o) => def.create(args(`rule-${o}`, { order: o }))));
    expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "Default Routing Rule"]);
    expect(server.calls({ path: /change-order$/ })).toHaveLength(0);
    for (const m of made) {
      expect(m.outs).toMatchObject({ notify: { type: "schedule", name: "Primary" }, notifyId: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d", notifyName: "Primary", teamId: team.id });
      expect(m.outs.target).toMatch(new RegExp(`^${platform} `));
      expect(def.diff(m.outs, args(m.outs.name, { order: m.outs.order })).changes).toBe(false);
    }
    // A new process (the next command): refresh reads are quiet, names come from the stored pair.
    resetProcessGlobals();
    server.resetLog();
    const read = await Promise.all(made.map((m) => def.read(m.id, m.outs)));
    for (const [i, r] of read.entries()) expect(r!.outs).toEqual(made[i].outs);
    expect(server.log.filter((e) => e.method !== "GET")).toHaveLength(0);

    resetProcessGlobals();
    const byName = new Map(made.map((m) => [m.outs.name, m]));
    const [a, b] = [byName.get("rule-1")!, byName.get("rule-3")!];
    const [oa, ob] = await Promise.all([def.update(a.id, a.outs, args("rule-1", { order: 3 })), def.update(b.id, b.outs, args("rule-3", { order: 1 }))]);
    expect(names()).toEqual(["rule-0", "rule-3", "rule-2", "rule-1", "rule-4", "Default Routing Rule"]);
    // A move alone re-reads the list: the notify name must survive it (JSM reads give ids only).
    expect(def.diff(oa, args("rule-1", { order: 3 })).changes).toBe(false);
    expect(def.diff(ob, args("rule-3", { order: 1 })).changes).toBe(false);
    const moves = server.calls({ path: /change-order$/ });
    expect(moves.length).toBeGreaterThan(0);
    expect(new Set(moves.map((m) => m.method))).toEqual(new Set([platform === "opsgenie" ? "POST" : "PATCH"]));
    for (const m of made) await def.delete(m.id, m.outs);
    expect(names()).toEqual(["Default Routing Rule"]);
  });

  it("tolerates the unknowns: rule without order lands on top, full PATCH, create answered without id", async () => {
    if (platform === "opsgenie") return;
    seed();
    ops.knobs.createWithoutOrder = "top";
    ops.knobs.patch = "full";
    ops.knobs.createBody = "empty";
    ops.knobs.status.update = 204;
    const made = await Promise.all([0, 1, 2].map((o) => def.create(args(`rule-${o}`, { order: o, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: `t${o}` }] } }))));
    expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "Default Routing Rule"]);
    // Every POST carried its order.
    for (const c of server.calls({ method: "POST", path: /routing-rules$/ })) expect((c.body as { order?: number }).order).toBeTypeOf("number");
    const m = made[1];
    resetProcessGlobals();
    const o2 = await def.update(m.id, m.outs, args("rule-1b", { order: 1, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "t1" }] } }));
    expect(o2.name).toBe("rule-1b");
    expect(team.rules[1].criteria).toMatchObject({ type: "match-all-conditions" });
    await expect(def.create(args("opsgenie-only", { criteria: { type: "match-all-conditions", conditions: [{ field: "teams", operation: "contains", expectedValue: "x" }] } }))).rejects.toThrow(/Opsgenie field/);
  });

  it("a target switch: diff replaces, create adopts the migrated rule, delete of the old calls nothing", async () => {
    if (platform === "opsgenie") return;
    // Created on Opsgenie (the default account).
    const ogTeam = og.seedTeam("Ops");
    og.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
    const old = await def.create({ teamName: "Ops", name: "moved", order: 0, notify: { type: "schedule", name: "Primary" }, adoptExisting: true } as never);
    expect(old.outs.target).toBe(`opsgenie ${og.server.url}`);
    // State from before targets were recorded was made on Opsgenie: no change while the account stays there.
    const { target: _t, ...legacy } = old.outs;
    const same = { teamName: "Ops", name: "moved", order: 0, notify: { type: "schedule", name: "Primary" }, adoptExisting: true } as never;
    expect(def.diff(legacy, same).changes).toBe(false);
    // Atlassian migrated the team: same team id, new rule id.
    seed();
    team.rules.unshift({ id: "migrated-1", name: "moved", isDefault: false, criteria: { type: "match-all" }, timezone: "America/Los_Angeles", notify: { type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d" } });
    // The default account now points at the new platform.
    resetProcessGlobals();
    process.env.OPSGENIE_ACCOUNTS = JSON.stringify({ default: emulatorAccount(ops, platform as OpsProduct) });
    const news = { teamName: "Ops", name: "moved", order: 0, notify: { type: "schedule", name: "Primary" }, adoptExisting: true } as never;
    expect(def.diff(old.outs, news)).toEqual({ changes: true, replaces: ["account"] });
    expect(def.diff(legacy, news)).toEqual({ changes: true, replaces: ["account"] });
    og.server.resetLog();
    server.resetLog();
    const { result: made, stderr } = await captureStderr(() => def.create(news));
    expect(made.outs.ruleId).toBe("migrated-1");
    expect(stderr).toMatch(/adopted routing rule "moved".*nothing changed/);
    const { stderr: left } = await captureStderr(() => def.delete(old.id, old.outs));
    expect(left).toMatch(/left routing rule "moved".*on opsgenie/);
    expect(og.server.log).toHaveLength(0);
    expect(server.log.filter((e) => e.method !== "GET")).toHaveLength(0);
    expect(ogTeam.rules.map((r) => r.name)).toEqual(["moved", "Default Routing Rule"]);
    expect(def.diff(made.outs, news).changes).toBe(false);
    // Refresh before `up` on a switched account keeps the old rule as it is (no "gone").
    const kept = await captureStderr(() => def.read(old.id, old.outs));
    expect(kept.result!.outs).toEqual(old.outs);
    expect(kept.stderr).toMatch(/now points at/);
  });
});


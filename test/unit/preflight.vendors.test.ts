import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher, type AnyResourceDefinition, type CheckFailure } from "../../src/core/kit";
import { resetProcessGlobals } from "../../src/core/registry";
import { teamRoutingRule } from "../../src/opsgenie/team-routing-rule.provider";
import { createOpsgenieEmulator, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { alertRouteDefinition } from "../../src/rootly/alert-route.provider";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { routeDefinition } from "../../src/flashduty/route.provider";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";
import { captureStderr } from "./stderr";

// Each vendor's preflight through the dispatcher, as the engine calls `check`: a mistyped
// reference fails naming it with a did-you-mean, a steady check (olds = news) makes no call,
// and one list serves every resource of the run.

const OG_KEY = "og-preflight-key-61a0c2";
const FD_KEY = "fd-preflight-key-5b2e8d";
const SCHEDULE = "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d";
let og: OpsgenieEmulator;
let ro: RootlyEmulator;
let fd: FlashdutyEmulator;
const dispatch = createDispatcher([teamRoutingRule, alertRouteDefinition, routeDefinition] as unknown as AnyResourceDefinition[]);
const check = async (key: string, olds: Record<string, unknown>, news: Record<string, unknown>) =>
  ((await dispatch(key, "check", [olds, news])) as { failures: CheckFailure[] }).failures;

beforeAll(async () => {
  og = createOpsgenieEmulator({ apiKey: OG_KEY });
  ro = createRootlyEmulator();
  fd = createFlashdutyEmulator({ appKey: FD_KEY });
  await Promise.all([og.server.start(), ro.server.start(), fd.server.start()]);
});
afterAll(() => Promise.all([og.server.stop(), ro.server.stop(), fd.server.stop()]));
// Each test a fresh machine: lists are shared between the provider processes of one (through the temp dir).
const baseTmp = tmpdir();
const machines: string[] = [];
afterAll(() => machines.forEach((d) => rmSync(d, { recursive: true, force: true })));
beforeEach(() => {
  resetProcessGlobals();
  machines.push(mkdtempSync(join(baseTmp, "ar-preflight-machine-")));
  process.env.TMPDIR = machines[machines.length - 1];
  Object.assign(process.env, {
    OPSGENIE_API_KEY: OG_KEY,
    OPSGENIE_API_URL: og.server.url,
    OPSGENIE_RATE_LIMITS: "1000/1s",
    ROOTLY_API_TOKEN: ro.credential,
    ROOTLY_API_URL: ro.server.url,
    ROOTLY_RATE_LIMITS: "read=1000/1s,write=1000/1s",
    FLASHDUTY_APP_KEY: FD_KEY,
    FLASHDUTY_BASE_URL: fd.server.url,
  });
  for (const v of ["OPSGENIE", "ROOTLY", "FLASHDUTY"]) delete process.env[`${v}_PREFLIGHT`];
  for (const e of [og, ro, fd]) e.server.resetLog();
});

describe("Opsgenie routing rule", () => {
  const KEY = "opsgenie:TeamRoutingRule";
  const rule = (over: Record<string, unknown> = {}) => ({ teamName: "Payments", name: "r", notify: { type: "schedule", name: "Primary" }, ...over });
  beforeAll(() => {
    og.teams.clear();
    og.seedTeam("Payments");
    og.seedTeam("Platform");
    og.seedSchedule("Primary", SCHEDULE);
  });

  it("a mistyped team fails with a did-you-mean; no write", async () => {
    expect(await check(KEY, {}, rule({ teamName: "Paymnts" }))).toEqual([
      { property: "teamName", reason: `team "Paymnts" (teamName) does not exist on account default (${new URL(og.server.url).host}); did you mean "Payments"?` },
    ]);
    expect(og.server.log.map((e) => `${e.method} ${e.path}`)).toEqual(["GET /v2/teams"]);
  });

  it("a mistyped schedule fails; the team and schedule lists are read once for many rules", async () => {
    const failures = await check(KEY, {}, rule({ notify: { type: "schedule", name: "Primray" } }));
    expect(failures.map((f) => f.property)).toEqual(["notify.name"]);
    expect(failures[0].reason).toMatch(/schedule "Primray" \(notify.name\) does not exist on account default .*did you mean "Primary"\?/);
    for (const n of ["a", "b", "c"]) expect(await check(KEY, {}, rule({ name: n }))).toEqual([]);
    expect(og.server.log.map((e) => e.path)).toEqual(["/v2/teams", "/v2/schedules"]);
  });

  it("steady (olds = news, as the engine hands them back with outputs): no call", async () => {
    const olds = { ...rule({ teamName: "Gone" }), teamId: "3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b", ruleId: "x", order: 0 };
    expect(await check(KEY, olds, rule({ teamName: "Gone" }))).toEqual([]);
    expect(og.server.log).toHaveLength(0);
  });

  it("steady by id against old inputs in the outputs' shape (name and id both there): no call", async () => {
    const teamId = "3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b";
    const news = { teamId, name: "r", notify: { type: "schedule", id: SCHEDULE } };
    const olds = { ...news, teamName: "Gone", notify: { type: "schedule", id: SCHEDULE, name: "Gone too" }, ruleId: "x", order: 0 };
    expect(await check(KEY, olds, news)).toEqual([]);
    expect(og.server.log).toHaveLength(0);
  });
});

describe("Rootly alert route", () => {
  const KEY = "rootly:AlertRoute";
  let src: string;
  let svc: string;
  const route = (over: Record<string, unknown> = {}) => ({
    name: "payments",
    alertsSourceIds: [src],
    rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: svc }] }],
    ...over,
  });
  beforeAll(() => {
    src = ro.seed("alertSource", "Datadog");
    svc = ro.seed("service", "payments-api");
  });

  it("an unknown destination fails naming its path, with the nearest id and its name; no write", async () => {
    const typo = `${svc.slice(0, -1)}${svc.endsWith("0") ? "1" : "0"}`;
    const failures = await check(KEY, {}, route({ rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: typo }] }] }));
    expect(failures).toEqual([
      { property: "rules[0].destinations[0].targetId", reason: `service ${typo} (rules[0].destinations[0].targetId) does not exist on Rootly (${new URL(ro.server.url).host}); did you mean ${svc} ("payments-api")?` },
    ]);
    expect(ro.server.log.map((e) => `${e.method} ${e.path}`)).toEqual(["GET /v1/alert_sources", "GET /v1/services"]);
  });

  it("steady: no call", async () => {
    expect(await check(KEY, route(), route())).toEqual([]);
    expect(ro.server.log).toHaveLength(0);
  });
});

describe("Flashduty route", () => {
  const KEY = "flashduty:Route";
  const route = (over: Record<string, unknown> = {}) => ({ integrationId: 6113996590131, default: { channelIds: [2533748993131] }, ...over });
  beforeAll(() => {
    fd.seedIntegration(6113996590131);
    fd.seedChannel(2533748993131, "SRE");
  });

  it("an unknown integration and a mistyped channel fail; no write", async () => {
    const failures = await check(KEY, {}, route({ integrationId: 6113996590139, default: { channelIds: [2533748993132] } }));
    const host = new URL(fd.server.url).host;
    expect(failures).toEqual([
      { property: "integrationId", reason: `integration 6113996590139 (integrationId) does not exist on Flashduty (${host})` },
      { property: "default.channelIds[0]", reason: `channel 2533748993132 (default.channelIds[0]) does not exist on Flashduty (${host}); did you mean 2533748993131 ("SRE")?` },
    ]);
    expect(fd.server.log.map((e) => e.path)).toEqual(["/route/info", "/channel/list"]);
    expect(fd.routes.size).toBe(0);
  });

  it("steady: no call; opt-out: no call", async () => {
    expect(await check(KEY, route(), route())).toEqual([]);
    process.env.FLASHDUTY_PREFLIGHT = "false";
    expect(await check(KEY, {}, route({ default: { channelIds: [1] } }))).toEqual([]);
    expect(fd.server.log).toHaveLength(0);
  });

  it("no credential: check passes offline with one warning for the run", async () => {
    delete process.env.FLASHDUTY_APP_KEY;
    const { result, stderr } = await captureStderr(async () => [await check(KEY, {}, route()), await check(KEY, {}, route({ integrationId: 6113996590132 }))]);
    expect(result).toEqual([[], []]);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^warning: flashduty: preview skipped checking that integrations and channels exist: no Flashduty APP key configured/);
    expect(fd.server.log).toHaveLength(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import type { EmulatorServer, FaultSpec } from "../../src/emulator-kit/framework";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { inlineStack, installed, type InlineStack } from "./harness";
import { PLATFORMS, platformCase } from "./platforms";

// The fault suite: each resource goes through create, update and destroy with
// `pulumi up` while its emulator injects 429 storms, 5xx before and after the
// change is committed, connection resets after commit and slow replies. After
// every run: no duplicate, nothing lost, state equals the emulator's live
// objects, and the next preview shows no change.

type Ctor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const pkg = installed<Record<string, Ctor>>();

interface StateResource {
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

async function ours(s: InlineStack, type: string): Promise<StateResource[]> {
  const d = await s.exportState();
  return ((d.deployment as { resources?: StateResource[] }).resources ?? []).filter((r) => r.type === `pulumi-nodejs:dynamic/${type}`);
}

async function steady(s: InlineStack): Promise<void> {
  const pre = await s.stack.preview();
  const c = pre.changeSummary;
  expect({ create: c.create ?? 0, update: c.update ?? 0, delete: c.delete ?? 0, replace: c.replace ?? 0 }).toEqual({ create: 0, update: 0, delete: 0, replace: 0 });
}

type Server = Pick<EmulatorServer, "inject" | "clearFaults" | "unfiredFaults">;

async function withFaults(server: Server, faults: FaultSpec[], run: () => Promise<unknown>): Promise<void> {
  server.clearFaults();
  for (const f of faults) server.inject(f);
  try {
    await run();
    // Every fault must have met a request, or the run proved nothing about it.
    expect(server.unfiredFaults().map((f) => `${f.kind} ${f.method ?? "*"} ${String(f.path ?? "*")}`)).toEqual([]);
  } finally {
    server.clearFaults();
  }
}

/** `up` through the faults; then state equals the live objects and, faults gone, a preview shows no change. */
async function upThrough(s: InlineStack, server: Server, faults: FaultSpec[], matches: () => Promise<void>): Promise<void> {
  await withFaults(server, faults, () => s.stack.up());
  await matches();
  await steady(s);
}

/** A slow reply stays under the client's timeout; retries make it through. */
const SLOW: FaultSpec = { kind: "slow", method: "GET", delayMs: 1200, times: 2 };

describe("fault suite", () => {
  // Table-driven: the same program on Opsgenie, JSM Operations and Compass Operations (stack config only).
  describe.each(PLATFORMS)("OpsgenieTeamRoutingRule on %s", (platform) => {
    const pc = platformCase(platform);
    let teamId: string;
    beforeAll(async () => {
      await pc.start();
      teamId = pc.state.seedTeam("faults").id;
      pc.state.seedSchedule("faults_schedule");
    });
    afterAll(() => pc.stop());

    it("create, reorder and destroy through 429s, 5xx, resets and slow replies", async () => {
      const og = pc;
      let names = ["alpha", "beta", "gamma"];
      let orders = [0, 1, 2];
      const s = await inlineStack({
        project: `faults-opsgenie-${platform}`,
        program: async () => {
          names.forEach((n, i) =>
            new pkg.OpsgenieTeamRoutingRule(n, { teamId, name: n, order: orders[i], criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: n }] }, notify: { type: "schedule", name: "faults_schedule" } }),
          );
        },
        config: pc.config({ "opsgenie:rateLimits": { value: "10/1s,300/1m" } }),
      });
      const live = () => og.state.teams.get(teamId)!.rules.filter((r) => !r.isDefault);
      const matches = async () => {
        const state = await ours(s, "opsgenie:TeamRoutingRule");
        const byOrder = [...state].sort((a, b) => Number(a.outputs?.order) - Number(b.outputs?.order));
        expect(live().map((r) => [r.id, r.name])).toEqual(byOrder.map((r) => [r.outputs?.ruleId, r.outputs?.name]));
      };
      try {
        const create = pc.createPath;
        await upThrough(s, og.server, [
          { kind: "rate-limit", method: "POST", path: create, times: 3, retryAfterSec: 1 },
          { kind: "error-after", method: "POST", path: create, status: 500 },
          { kind: "reset-after", method: "POST", path: create },
          SLOW,
        ], matches);
        expect(live().map((r) => r.name)).toEqual(["alpha", "beta", "gamma"]);

        orders = [2, 1, 0];
        await upThrough(s, og.server, [
          { kind: "error-before", method: pc.reorder.method, path: pc.reorder.path, status: 503 },
          { kind: "error-after", method: pc.reorder.method, path: pc.reorder.path, status: 502 },
          { kind: "reset-after", method: pc.reorder.method, path: pc.reorder.path },
        ], matches);
        expect(live().map((r) => r.name)).toEqual(["gamma", "beta", "alpha"]);

        names = ["alpha", "beta"];
        orders = [1, 0];
        await upThrough(s, og.server, [
          { kind: "error-before", method: "DELETE", status: 503 },
          { kind: "reset-after", method: "DELETE" },
        ], matches);
        expect(live().map((r) => r.name)).toEqual(["beta", "alpha"]);

        await withFaults(og.server, [{ kind: "reset-after", method: "DELETE", times: 2 }], () => s.stack.destroy());
        expect(live()).toHaveLength(0);
      } finally {
        og.server.clearFaults();
        await s.cleanup();
      }
    });
  });

  describe("RootlyAlertRoute", () => {
    let ro: RootlyEmulator;
    let source: string;
    let policy: string;
    let group: string;
    beforeAll(async () => {
      // The documented 3 writes/min, on a clock 50x faster.
      ro = createRootlyEmulator({ timeScale: 0.02 });
      await ro.server.start();
      source = ro.seed("alertSource", "Datadog");
      policy = ro.seed("escalationPolicy", "Primary");
      group = ro.seed("group", "Platform");
    });
    afterAll(() => ro.server.stop());

    it("create, update and destroy through 429s, 5xx, resets and slow replies", async () => {
      let first = "critical";
      const rules = () => [
        { name: first, destinations: [{ targetType: "EscalationPolicy", targetId: policy }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValues: ["sev0"] }] }] },
        { name: "rest", fallbackRule: true, destinations: [{ targetType: "Group", targetId: group }] },
      ];
      const s = await inlineStack({
        project: "faults-rootly",
        program: async () => {
          for (const n of ["payments", "search"]) new pkg.RootlyAlertRoute(n, { name: `${n} alerts`, alertsSourceIds: [source], rules: rules() });
        },
        config: {
          "rootly:apiToken": { value: ro.credential, secret: true },
          "rootly:apiUrl": { value: ro.server.url },
          "rootly:rateLimits": { value: "read=5/1200ms,write=3/1200ms" },
        },
      });
      const matches = async () => {
        const state = await ours(s, "rootly:AlertRoute");
        const fromState = state.map((r) => [r.id, r.outputs?.name, (r.outputs?.rules as { name: string }[]).map((x) => x.name)]).sort();
        const live = [...ro.routes.values()].map((r) => [r.id, r.name, [...r.rules].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((x) => x.name)]).sort();
        expect(live).toEqual(fromState);
      };
      try {
        await upThrough(s, ro.server, [
          { kind: "rate-limit", method: "POST", path: "/v1/alert_routes", times: 2, retryAfterSec: 1 },
          { kind: "error-after", method: "POST", path: "/v1/alert_routes", status: 500 },
          { kind: "reset-after", method: "POST", path: "/v1/alert_routes" },
          SLOW,
        ], matches);
        expect([...ro.routes.values()].map((r) => r.name).sort()).toEqual(["payments alerts", "search alerts"]);

        first = "page the on-call";
        await upThrough(s, ro.server, [
          { kind: "error-before", method: "PUT", status: 503 },
          { kind: "reset-after", method: "PUT" },
          { kind: "error-after", method: "PUT", status: 500 },
        ], matches);
        expect([...ro.routes.values()].every((r) => r.rules.some((x) => x.name === "page the on-call"))).toBe(true);

        await withFaults(ro.server, [
          { kind: "error-before", method: "DELETE", status: 503 },
          { kind: "reset-after", method: "DELETE" },
        ], () => s.stack.destroy());
        expect(ro.routes.size).toBe(0);
      } finally {
        ro.server.clearFaults();
        await s.cleanup();
      }
    });
  });

  describe("FlashdutyRoute and FlashdutyMappingData", () => {
    let fd: FlashdutyEmulator;
    let schemaId: string;
    beforeAll(async () => {
      fd = createFlashdutyEmulator();
      await fd.server.start();
      fd.seedIntegration(9001);
      fd.seedChannel(101, "sre");
      fd.seedChannel(102, "default");
      schemaId = fd.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner"] });
    });
    afterAll(() => fd.server.stop());

    it("upserts and row syncs through 429s, 5xx, resets and slow replies", async () => {
      let severity = "Critical";
      let rowCount = 1500;
      let owner = (i: number) => `owner-${i % 13}`;
      const s = await inlineStack({
        project: "faults-flashduty",
        program: async () => {
          new pkg.FlashdutyRoute("route", {
            integrationId: 9001,
            cases: [{ if: [{ key: "severity", oper: "IN", vals: [severity] }], channelIds: [101] }],
            default: { channelIds: [102] },
            resetOnDelete: { channelIds: [102] },
          });
          new pkg.FlashdutyMappingData("hosts", { schemaId, rows: Array.from({ length: rowCount }, (_, i) => ({ host: `h-${i}`, owner: owner(i) })) });
        },
        config: { "flashduty:appKey": { value: fd.credential, secret: true }, "flashduty:baseUrl": { value: fd.server.url } },
      });
      const matches = async () => {
        const [route] = await ours(s, "flashduty:Route");
        const live = fd.routes.get(9001)!;
        expect(route.outputs?.version).toBe(live.version);
        expect((route.outputs?.cases as { if: { vals: string[] }[] }[]).map((c) => c.if[0].vals)).toEqual(live.cases.map((c) => c.if[0].vals));
        const [mapping] = await ours(s, "flashduty:MappingData");
        const liveRows = [...fd.data.get(schemaId)!.values()].map((r) => `${r.fields.host}=${r.fields.owner}`).sort();
        const stateRows = (mapping.outputs?.rows as { host: string; owner: string }[]).map((r) => `${r.host}=${r.owner}`).sort();
        expect(liveRows).toEqual(stateRows);
        expect(new Set(liveRows.map((r) => r.split("=")[0])).size).toBe(liveRows.length);
      };
      try {
        const upsert = "/enrichment/mapping/data/upsert";
        await upThrough(s, fd.server, [
          { kind: "rate-limit", path: "/route/upsert", times: 2, retryAfterSec: 1 },
          { kind: "error-after", path: "/route/upsert", status: 500 },
          { kind: "rate-limit", path: upsert, times: 2, retryAfterSec: 1 },
          { kind: "error-after", path: upsert, status: 500 },
          { kind: "reset-after", path: upsert },
          { kind: "slow", path: "/enrichment/mapping/data/list", delayMs: 1200 },
        ], matches);
        expect(fd.data.get(schemaId)!.size).toBe(1500);

        severity = "Warning";
        rowCount = 1400; // 100 rows go
        owner = (i) => (i < 50 ? `new-owner-${i}` : `owner-${i % 13}`); // 50 change
        await upThrough(s, fd.server, [
          { kind: "reset-after", path: "/route/upsert" },
          { kind: "error-before", path: upsert, status: 503 },
          { kind: "error-after", path: "/enrichment/mapping/data/delete", status: 500 },
          { kind: "reset-after", path: "/enrichment/mapping/data/delete" },
        ], matches);
        expect(fd.data.get(schemaId)!.size).toBe(1400);

        await withFaults(fd.server, [
          { kind: "error-before", path: "/route/upsert", status: 503 },
          { kind: "reset-after", path: "/enrichment/mapping/data/delete" },
        ], () => s.stack.destroy());
        expect(fd.data.get(schemaId)!.size).toBe(0);
        expect(fd.routes.get(9001)!.cases).toHaveLength(0);
      } finally {
        fd.server.clearFaults();
        await s.cleanup();
      }
    });
  });
});

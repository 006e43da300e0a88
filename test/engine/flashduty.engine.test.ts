import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { fixtureDir, inlineStack, projectStack, providerStrings } from "./harness";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";

// FlashdutyRoute and FlashdutyMappingData through the real CLI, loading the packed package.
const APP_KEY = "fd-engine-app-key-3b8e1d0c";
const INTEGRATION = 6113996590131;
const IMPORTED = 6113996590132;
const CH_A = 2533748993131;
const CH_B = 3521074710131;
const CH_C = 3521074710132;

type Res = pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(join(fixtureDir, "node_modules", "pulumi-alert-routing")) as {
  FlashdutyRoute: new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => Res;
  FlashdutyMappingData: new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => Res;
};

let emu: FlashdutyEmulator;
let SID: string;
beforeAll(async () => {
  emu = createFlashdutyEmulator({ appKey: APP_KEY });
  for (const i of [INTEGRATION, IMPORTED, INTEGRATION + 10]) emu.seedIntegration(i);
  for (const c of [CH_A, CH_B, CH_C]) emu.seedChannel(c);
  SID = emu.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner", "team"], name: "CMDB" });
  await emu.server.start();
});
afterAll(() => emu.server.stop());

const config = () => ({ "flashduty:appKey": { value: APP_KEY, secret: true }, "flashduty:baseUrl": { value: emu.server.url } });
const stateOf = (state: { deployment: unknown }, type: string) =>
  ((state.deployment as { resources: { type: string; outputs: Record<string, unknown> }[] }).resources ?? []).find((r) => r.type === type)!;

describe("Flashduty through the real CLI", () => {
  it("inline: create, 0-call preview, update, refresh catches an out-of-band edit, version conflict, destroy", async () => {
    let dflt = CH_B;
    let owner = "alice";
    const s = await inlineStack({
      project: "flashduty-inline",
      program: async () => {
        const route = new pkg.FlashdutyRoute("route", {
          integrationId: INTEGRATION,
          cases: [
            { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [CH_A] },
            { if: [{ key: "labels.service", oper: "IN", vals: ["/^pay/"] }], routingMode: "name_mapping", nameMappingLabel: "labels.service" },
          ],
          sections: [{ name: "top", position: 0 }],
          default: { channelIds: [dflt] },
        });
        const data = new pkg.FlashdutyMappingData("cmdb", {
          schemaId: SID,
          rows: Array.from({ length: 120 }, (_, i) => ({ host: `host-${i}`, owner, team: "sre" })),
        });
        return { version: route.version, rowCount: data.rowCount };
      },
      config: config(),
    });
    try {
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.outputs.version.value).toBe(1);
      expect(emu.rows(SID)).toHaveLength(120);

      emu.server.resetLog();
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(pre.changeSummary.create ?? 0).toBe(0);
      expect(emu.server.log).toHaveLength(0);

      dflt = CH_C;
      owner = "bob";
      emu.server.resetLog();
      const up2 = await s.stack.up();
      expect(up2.summary.resourceChanges?.update).toBe(2);
      expect(emu.routes.get(INTEGRATION)).toMatchObject({ version: 2, default: { channel_ids: [CH_C] } });
      expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(1);
      expect(emu.server.calls({ path: "/enrichment/mapping/data/upsert" })).toHaveLength(1);

      // Out-of-band edit of the rule and of an owned row: refresh brings both into state.
      emu.editRouteOutOfBand(INTEGRATION, (r) => (r.cases[0].fallthrough = true));
      emu.data.get(SID)!.get("host-3")!.fields.team = "hijacked";
      await s.stack.refresh();
      const state = await s.exportState();
      expect(stateOf(state, "pulumi-nodejs:dynamic/flashduty:Route").outputs.version).toBe(3);
      const rows = stateOf(state, "pulumi-nodejs:dynamic/flashduty:MappingData").outputs.rows as Record<string, string>[];
      expect(rows.find((r) => r.host === "host-3")!.team).toBe("hijacked");
      const drift = await s.stack.preview();
      expect(drift.changeSummary.update).toBe(2);
      await s.stack.up();
      expect(emu.routes.get(INTEGRATION)!.cases[0].fallthrough).toBe(false);

      // A foreign edit after our last read: the update fails and leaves that edit alone.
      emu.editRouteOutOfBand(INTEGRATION, (r) => (r.default = { channel_ids: [CH_A] }));
      const foreignVersion = emu.routes.get(INTEGRATION)!.version;
      dflt = CH_B;
      await expect(s.stack.up()).rejects.toThrow(/changed since this stack last recorded it \(by someone else, or by an interrupted update\)[\s\S]*pulumi refresh/);
      expect(emu.routes.get(INTEGRATION)).toMatchObject({ version: foreignVersion, default: { channel_ids: [CH_A] } });
      await s.stack.refresh();
      const fixed = await s.stack.up();
      expect(fixed.summary.result).toBe("succeeded");
      expect(emu.routes.get(INTEGRATION)!.default).toEqual({ channel_ids: [CH_B] });

      // The key is in state only as the engine's encrypted config secret (exportStack decrypts it), never in our resources.
      const exported = await s.exportState();
      const ours = (exported.deployment as { resources: { type: string }[] }).resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/flashduty:"));
      expect(ours).toHaveLength(2);
      expect(JSON.stringify(ours).includes(APP_KEY)).toBe(false);
      for (const p of providerStrings(exported)) expect(p.length).toBeLessThan(8 * 1024);
      console.log(`flashduty __provider length: ${providerStrings(exported)[0].length} bytes`);

      await s.stack.destroy();
      expect(emu.rows(SID)).toHaveLength(0);
      // No delete endpoint: the rule stays (documented), the state forgets it.
      expect(emu.routes.get(INTEGRATION)!.status).toBe("enabled");
    } finally {
      await s.cleanup();
    }
  });

  it("import by integration id: the `import` option reaches read without __provider; adoptExisting takes the rule over", async () => {
    emu.editRouteOutOfBand(IMPORTED, (r) => {
      r.cases = [{ if: [{ key: "severity", oper: "IN", vals: ["Warning"] }], channel_ids: [CH_A], fallthrough: false, routing_mode: "standard" }];
      r.default = { channel_ids: [CH_B] };
    });
    const routeArgs = { integrationId: IMPORTED, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Warning"] }], channelIds: [CH_A] }], default: { channelIds: [CH_B] } };
    const before = emu.routes.get(IMPORTED)!.version;

    // Engine v3.274 + SDK 3.270: the import Read carries neither properties nor inputs, so the dynamic
    // provider cannot find its code. Recorded here so a fix upstream (or in the harness) shows up.
    const imp = await inlineStack({
      project: "flashduty-import",
      program: async () => {
        new pkg.FlashdutyRoute("imported", routeArgs, { import: String(IMPORTED) });
      },
      config: config(),
    });
    try {
      const r = await imp.stack.up().then(
        () => "succeeded",
        (e: Error) => e.message,
      );
      // The engine's import step reads without `__provider` (3.274.1): pinned, so a fix upstream fails here.
      expect(r).toMatch(/code must be a string, not undefined/);
      expect(emu.routes.get(IMPORTED)!.version).toBe(before);
    } finally {
      await imp.cleanup();
    }

    // The supported path: without adoptExisting create refuses (and says how); with it, an identical rule is taken as is.
    let adopt = false;
    const s = await inlineStack({
      project: "flashduty-adopt",
      program: async () => {
        new pkg.FlashdutyRoute("adopted", { ...routeArgs, adoptExisting: adopt });
      },
      config: config(),
    });
    try {
      await expect(s.stack.up()).rejects.toThrow(/routing rule of integration \d+ already exists[\s\S]*adoptExisting/);
      adopt = true;
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(emu.routes.get(IMPORTED)!.version).toBe(before);
      emu.server.resetLog();
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(emu.server.log).toHaveLength(0);
    } finally {
      await s.cleanup();
    }
  });

  it("project directory: pulumi up, preview --expect-no-changes (0 calls), destroy", async () => {
    const program = `const { FlashdutyRoute, FlashdutyMappingData } = require("pulumi-alert-routing");
const route = new FlashdutyRoute("route", {
  integrationId: ${INTEGRATION + 10},
  cases: [{ if: [{ key: "labels.env", oper: "NOTIN", vals: ["dev", "num:lt:3", "cidr:10.0.0.0/8"] }], channelIds: [${CH_A}], fallthrough: true }],
  default: { channelIds: [${CH_B}] },
  resetOnDelete: { channelIds: [${CH_C}] },
});
const data = new FlashdutyMappingData("rows", { schemaId: "${SID}", rows: [{ host: "p1", owner: "o", team: "t" }, { host: "p2", owner: "o", team: "t" }] });
exports.version = route.version;
exports.keys = data.keys;
`;
    const p = await projectStack({ project: "flashduty-project", program, config: config() });
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(emu.routes.get(INTEGRATION + 10)!.version).toBe(1);

      emu.server.resetLog();
      const pre = await p.run(["preview", "--expect-no-changes"]);
      expect(pre.code, pre.stdout + pre.stderr).toBe(0);
      expect(emu.server.log).toHaveLength(0);

      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(emu.routes.get(INTEGRATION + 10)).toMatchObject({ cases: [], default: { channel_ids: [CH_C] } });
      expect(emu.rows(SID).some((r) => r.key === "p1")).toBe(false);
      expect(up.stdout + up.stderr + down.stdout + down.stderr).not.toContain(APP_KEY);
    } finally {
      p.cleanup();
    }
  });
});

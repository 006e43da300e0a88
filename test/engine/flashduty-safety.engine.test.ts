import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectStack, type CliResult } from "./harness";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";

// Issue 9 through the real CLI: a rename with adoptExisting keeps every object, a
// transient not-found during refresh drops nothing, and refresh is quiet.
const APP_KEY = "fd-safety-app-key-7d2a9e41";
const INTEGRATION = 6113996590171;
const CH_A = 2533748993171;
const CH_B = 3521074710171;
const CH_C = 3521074710172;

let emu: FlashdutyEmulator;
let SID: string;
beforeAll(async () => {
  emu = createFlashdutyEmulator({ appKey: APP_KEY });
  emu.seedIntegration(INTEGRATION);
  for (const c of [CH_A, CH_B, CH_C]) emu.seedChannel(c);
  SID = emu.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner"], name: "CMDB" });
  await emu.server.start();
});
afterAll(() => emu.server.stop());

const program = (names: { route: string; a: string; b: string }, adopt: boolean) => `const { FlashdutyRoute, FlashdutyMappingData } = require("pulumi-alert-routing");
const adoptExisting = ${adopt};
new FlashdutyRoute("${names.route}", {
  integrationId: ${INTEGRATION},
  cases: [
    { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [${CH_A}] },
    { if: [{ key: "labels.service", oper: "IN", vals: ["/(?i)^pay/"] }], routingMode: "name_mapping", nameMappingLabel: "labels.service" },
    { if: [{ key: "labels.team", oper: "IN", vals: ["*"] }], routingMode: "name_mapping", nameMappingLabel: "labels.team", fallthrough: true },
  ],
  sections: [{ name: "top", position: 0 }, { name: "by name", position: 1 }],
  default: { channelIds: [${CH_B}] },
  resetOnDelete: { channelIds: [${CH_C}] },
  adoptExisting,
});
new FlashdutyMappingData("${names.a}", { schemaId: "${SID}", rows: ["a1", "a2", "a3", "a4"].map((host) => ({ host, owner: "alice" })), adoptExisting });
new FlashdutyMappingData("${names.b}", { schemaId: "${SID}", rows: ["b1", "b2", "b3"].map((host) => ({ host, owner: "bob" })), adoptExisting });
`;

interface StateResource {
  type: string;
  urn: string;
  outputs: Record<string, unknown>;
}

describe("Flashduty ownership and gone through the real CLI (issue 9)", () => {
  it("quiet refresh; a transient not-found during refresh drops nothing; rename with adoptExisting keeps the rule and every row", async () => {
    const p = await projectStack({
      project: "flashduty-safety",
      program: program({ route: "route", a: "rows-a", b: "rows-b" }, false),
      config: { "flashduty:appKey": { value: APP_KEY, secret: true }, "flashduty:baseUrl": { value: emu.server.url } },
      env: { ALERT_ROUTING_GONE_RETRY_MS: "50" },
    });
    const ok = (r: CliResult, what: string) => expect(r.code, `${what}\n${r.stdout}${r.stderr}`).toBe(0);
    const ours = async (): Promise<StateResource[]> => {
      const r = await p.run(["stack", "export"]);
      ok(r, "export");
      const d = JSON.parse(r.stdout) as { deployment: { resources?: StateResource[] } };
      return (d.deployment.resources ?? []).filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/flashduty:"));
    };
    try {
      ok(await p.run(["up", "--yes"]), "up");
      expect(emu.rows(SID)).toHaveLength(7);
      const version = emu.routes.get(INTEGRATION)!.version;

      // Issue 9.5: refresh twice, then preview --refresh: no change, name-mapping cases included.
      ok(await p.run(["refresh", "--yes", "--expect-no-changes"]), "refresh 1");
      ok(await p.run(["refresh", "--yes", "--expect-no-changes"]), "refresh 2");
      ok(await p.run(["preview", "--refresh", "--expect-no-changes"]), "preview --refresh");

      // Issue 9.4: one not-found on the rule and one `data: null` for the schema during refresh.
      const before = await ours();
      emu.server.resetLog();
      emu.answerMissing("/route/info");
      emu.answerMissing("/enrichment/mapping/schema/info", { as: "null" });
      ok(await p.run(["refresh", "--yes", "--skip-preview"]), "refresh with a transient not-found");
      expect(emu.server.log.filter((l) => l.path === "/route/info").length).toBeGreaterThanOrEqual(2);
      const after = await ours();
      expect(after.map((r) => r.urn).sort()).toEqual(before.map((r) => r.urn).sort());
      expect(after.map((r) => r.outputs)).toEqual(before.map((r) => r.outputs));

      // Issue 9.1: renamed without aliases. Without adoptExisting the create refuses and names both tools.
      p.writeProgram(program({ route: "route-renamed", a: "rows-c", b: "rows-d" }, false));
      const refused = await p.run(["up", "--yes"]);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/already exists[\s\S]*aliases: \[\{ name: [\s\S]*adoptExisting: true/);
      expect(emu.rows(SID)).toHaveLength(7);

      // With adoptExisting the new resources take everything over and the old ones let go.
      p.writeProgram(program({ route: "route-renamed", a: "rows-c", b: "rows-d" }, true));
      emu.server.resetLog();
      const renamed = await p.run(["up", "--yes"]);
      ok(renamed, "up after rename");
      expect(renamed.stdout).toMatch(/3 created[\s\S]*3 deleted|3 deleted[\s\S]*3 created/);
      expect(emu.rows(SID).map((r) => r.key).sort()).toEqual(["a1", "a2", "a3", "a4", "b1", "b2", "b3"]);
      const live = emu.routes.get(INTEGRATION)!;
      expect(live).toMatchObject({ version, default: { channel_ids: [CH_B] } });
      expect(live.cases).toHaveLength(3);
      expect(emu.server.calls({ path: "/route/upsert" })).toHaveLength(0);
      expect(emu.server.calls({ path: "/enrichment/mapping/data/delete" })).toHaveLength(0);

      // State equals live.
      const state = await ours();
      expect(state.map((r) => r.urn.split("::").pop()).sort()).toEqual(["route-renamed", "rows-c", "rows-d"]);
      const route = state.find((r) => r.type.endsWith(":Route"))!;
      expect(route.outputs.version).toBe(live.version);
      expect(state.filter((r) => r.type.endsWith(":MappingData")).reduce((n, r) => n + Number(r.outputs.rowCount), 0)).toBe(7);
      ok(await p.run(["preview", "--refresh", "--expect-no-changes"]), "preview --refresh after rename");

      const down = await p.run(["destroy", "--yes"]);
      ok(down, "destroy");
      expect(emu.rows(SID)).toHaveLength(0);
      expect(emu.routes.get(INTEGRATION)).toMatchObject({ cases: [], default: { channel_ids: [CH_C] } });
    } finally {
      p.cleanup();
    }
  }, 600_000); // one long scenario of about fifteen CLI runs
});

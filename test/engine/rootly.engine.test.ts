import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { fixtureDir, inlineStack, projectStack, providerStrings, type ConfigMap } from "./harness";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";

// RootlyAlertRoute through the real engine, loading the packed package as users do.
type RouteCtor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & {
  routeId: pulumi.Output<string>;
  rules: pulumi.Output<{ name: string; position: number }[]>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RootlyAlertRoute } = require(join(fixtureDir, "node_modules", "pulumi-alert-routing")) as { RootlyAlertRoute: RouteCtor };

let emu: RootlyEmulator;
let ids: Record<string, string>;
beforeAll(async () => {
  emu = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  await emu.server.start();
  ids = {
    source: emu.seed("alertSource", "Datadog"),
    team: emu.seed("team", "SRE"),
    policy: emu.seed("escalationPolicy", "Primary"),
    service: emu.seed("service", "search"),
    group: emu.seed("group", "Platform"),
  };
});
afterAll(() => emu.server.stop());

const config = (rateLimits = "read=1000/1s,write=1000/1s"): ConfigMap => ({
  "rootly:apiToken": { value: emu.credential, secret: true },
  "rootly:apiUrl": { value: emu.server.url },
  "rootly:rateLimits": { value: rateLimits },
});

const critical = () => ({
  name: "critical",
  destinations: [{ targetType: "EscalationPolicy", targetId: ids.policy }],
  conditionGroups: [{ conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValues: ["sev0", "sev1"] }] }],
});
const search = () => ({
  name: "search",
  destinations: [{ targetType: "Service", targetId: ids.service }],
  conditionGroups: [{ conditions: [{ propertyFieldConditionType: "contains", propertyFieldType: "attribute", propertyFieldName: "summary", propertyFieldValue: "search" }] }],
});
const fallback = () => ({ name: "everything else", fallbackRule: true, destinations: [{ targetType: "Group", targetId: ids.group }], conditionGroups: [] });

/** A route made in Rootly's UI, as the wire stores it. */
function createdOutOfBand(name: string): string {
  const id = "0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f";
  const now = new Date().toISOString();
  emu.routes.set(id, {
    id,
    name,
    enabled: true,
    alerts_source_ids: [ids.source],
    owning_team_ids: [],
    rules: [{ id: "r1", name: "everything else", position: 1, fallback_rule: true, destinations: [{ id: "d1", target_type: "Group", target_id: ids.group }], condition_groups: [] }],
    created_at: now,
    updated_at: now,
  });
  return id;
}

const routesNamed = (name: string) => [...emu.routes.values()].filter((r) => r.name === name);

describe("RootlyAlertRoute through the real CLI", () => {
  it("inline: create, steady preview with 0 calls, reorder, add fallback, refresh edits and deletes, destroy", async () => {
    let rules: Record<string, unknown>[] = [critical(), search()];
    const s = await inlineStack({
      project: "rootly-inline",
      program: async () => {
        const r = new RootlyAlertRoute("payments", { name: "payments (engine)", alertsSourceIds: [ids.source], owningTeamIds: [ids.team], rules });
        return { routeId: r.routeId, rules: r.rules };
      },
      config: config(),
    });
    try {
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      const id = up.outputs.routeId.value as string;
      expect(emu.routes.get(id)?.rules.map((r) => r.name)).toEqual(["critical", "search"]);

      emu.server.resetLog();
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(pre.changeSummary.create ?? 0).toBe(0);
      expect(emu.server.log).toHaveLength(0);

      // Reorder: one PUT, no replace.
      rules = [search(), critical()];
      emu.server.resetLog();
      const up2 = await s.stack.up();
      expect(up2.summary.resourceChanges?.update).toBe(1);
      expect(emu.server.calls({ method: "PUT" })).toHaveLength(1);
      expect(emu.server.calls({ method: "POST" })).toHaveLength(0);
      expect(emu.routes.get(id)?.rules.map((r) => [r.name, r.position])).toEqual([
        ["search", 1],
        ["critical", 2],
      ]);

      // Add a fallback rule.
      rules = [search(), critical(), fallback()];
      const up3 = await s.stack.up();
      expect(up3.summary.resourceChanges?.update).toBe(1);
      expect(emu.routes.get(id)?.rules.filter((r) => r.fallback_rule).map((r) => r.name)).toEqual(["everything else"]);

      // Out-of-band edit: refresh records it, the next preview shows the drift.
      emu.routes.get(id)!.enabled = false;
      await s.stack.refresh();
      const state = await s.exportState();
      const res = (state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]).find((r) => r.type === "pulumi-nodejs:dynamic/rootly:AlertRoute")!;
      expect(res.outputs.enabled).toBe(false);
      expect((await s.stack.preview()).changeSummary.update).toBe(1);

      // The token lives only in the default provider's config, as a secret (exportStack shows secrets decrypted).
      const SECRET_SIG = "4dabf18193072939515e22adb298388d";
      const withoutSecrets = JSON.stringify(state, (_k, v: unknown) => (v && typeof v === "object" && SECRET_SIG in v ? "[secret]" : v));
      expect(withoutSecrets).not.toContain(emu.credential);
      expect(JSON.stringify(res)).not.toContain(emu.credential);
      for (const p of providerStrings(state)) expect(p.length).toBeLessThan(8 * 1024);
      console.log(`rootly __provider length: ${providerStrings(state)[0].length} bytes`);

      // Out-of-band delete: refresh forgets it, up creates it again.
      emu.routes.delete(id);
      await s.stack.refresh();
      const up4 = await s.stack.up();
      expect(up4.summary.resourceChanges?.create).toBe(1);
      expect(routesNamed("payments (engine)")).toHaveLength(1);

      await s.stack.destroy();
      expect(routesNamed("payments (engine)")).toHaveLength(0);
    } finally {
      await s.cleanup();
    }
  });

  it("project directory: pulumi up, preview --expect-no-changes with 0 calls, destroy", async () => {
    const program = `const { RootlyAlertRoute } = require("pulumi-alert-routing");
const ids = JSON.parse(process.env.ROOTLY_IDS);
const r = new RootlyAlertRoute("r", {
  name: "project route",
  alertsSourceIds: [ids.source],
  rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: ids.service }], conditionGroups: [] }],
});
exports.routeId = r.routeId;
`;
    const p = await projectStack({ project: "rootly-project", program, config: config(), env: { ROOTLY_IDS: JSON.stringify(ids) } });
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(routesNamed("project route")).toHaveLength(1);

      emu.server.resetLog();
      const pre = await p.run(["preview", "--expect-no-changes"]);
      expect(pre.code, pre.stdout + pre.stderr).toBe(0);
      expect(emu.server.log).toHaveLength(0);
      expect(up.stdout + pre.stdout).not.toContain(emu.credential);

      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(routesNamed("project route")).toHaveLength(0);
    } finally {
      p.cleanup();
    }
  });

  // The `import` resource option fails with the dynamic provider on 3.274 (the engine's
  // Read comes without __provider: "code must be a string, not undefined"); adoptExisting is the path.
  it("adoptExisting takes over a route made outside Pulumi, without a write when it matches", async () => {
    const existing = createdOutOfBand("imported route");
    const args = { name: "imported route", alertsSourceIds: [ids.source], rules: [fallback()], adoptExisting: true };
    const s = await inlineStack({
      project: "rootly-import",
      program: async () => {
        new RootlyAlertRoute("imp", args);
      },
      config: config(),
    });
    try {
      emu.server.resetLog();
      const up = await s.stack.up();
      expect(up.summary.resourceChanges?.create).toBe(2); // the route (adopted) and the stack
      expect(routesNamed("imported route").map((r) => r.id)).toEqual([existing]);
      expect(emu.server.log.filter((e) => e.method !== "GET")).toHaveLength(0);
      emu.server.resetLog();
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(emu.server.log).toHaveLength(0);
      await s.stack.destroy();
      expect(routesNamed("imported route")).toHaveLength(0);
    } finally {
      await s.cleanup();
    }
  });

  it("ten routes in one up, under the documented limits (time shrunk 50x), all succeed", async () => {
    const paced = createRootlyEmulator({ timeScale: 0.02 }); // 5 reads / 3 writes per 1.2 s
    await paced.server.start();
    const source = paced.seed("alertSource", "Datadog");
    const service = paced.seed("service", "search");
    const s = await inlineStack({
      project: "rootly-ten",
      program: async () => {
        for (let n = 0; n < 10; n++)
          new RootlyAlertRoute(`r${n}`, {
            name: `bulk ${n}`,
            alertsSourceIds: [source],
            rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: service }], conditionGroups: [] }],
          });
      },
      config: {
        "rootly:apiToken": { value: paced.credential, secret: true },
        "rootly:apiUrl": { value: paced.server.url },
        "rootly:rateLimits": { value: "read=5/1200ms,write=3/1200ms" },
      },
    });
    try {
      const t0 = Date.now();
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.summary.resourceChanges?.create).toBe(11); // 10 routes + the stack
      expect(paced.routes.size).toBe(10);
      const timeline = paced.server.log.map((e) => `${e.time - t0}ms ${e.method} ${e.path} ${e.status}`);
      console.log(`ten routes in one up:\n${timeline.join("\n")}`);
      await s.stack.destroy();
      expect(paced.routes.size).toBe(0);
    } finally {
      await s.cleanup();
      await paced.server.stop();
    }
  });
});

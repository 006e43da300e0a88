import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { fixtureDir, inlineStack, projectStack, providerStrings, type ConfigMap } from "./harness";
import { PLATFORMS, platformCase } from "./platforms";

// OpsgenieTeamRoutingRule through the real engine: declared order survives the
// engine's parallel creates/updates, steady previews make no calls, order
// changes are change-order only, refresh catches drift, destroy leaves the default rule.
const KEY = "genie-engine-key-8c2b4f";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(join(fixtureDir, "node_modules", "pulumi-alert-routing")) as {
  OpsgenieTeamRoutingRule: new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & {
    ruleId: pulumi.Output<string>;
    order: pulumi.Output<number>;
  };
};

let emu: OpsgenieEmulator;
let team: EmuTeam;
const config = (): ConfigMap => ({
  "opsgenie:apiKey": { value: KEY, secret: true },
  "opsgenie:apiUrl": { value: emu.server.url },
  "opsgenie:rateLimits": { value: "200/1s" },
});
const names = () => team.rules.map((r) => r.name);
const TYPE = "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule";

beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY });
  await emu.server.start();
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  emu.teams.clear();
  emu.server.clearFaults();
  team = emu.seedTeam("Ops");
  emu.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
});

function fiveRules(orders: Record<string, number>, teamId: () => string = () => team.id) {
  return async () => {
    const out: Record<string, pulumi.Output<string>> = {};
    for (const [name, order] of Object.entries(orders)) {
      const r = new pkg.OpsgenieTeamRoutingRule(name, {
        teamId: teamId(),
        name,
        order,
        criteria: { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: name }] },
        notify: { type: "schedule", name: "Primary" },
      });
      out[name] = r.ruleId;
    }
    return out;
  };
}

// The order/placement scenarios hold on every platform: the same program, the default
// account pointed at Opsgenie, JSM Operations or Compass Operations by stack config only.
describe.each(PLATFORMS)("OpsgenieTeamRoutingRule on %s through the real CLI", (platform) => {
  const pc = platformCase(platform);
  let t: EmuTeam;
  const names = () => t.rules.map((r) => r.name);
  const server = () => pc.server;
  beforeAll(() => pc.start());
  afterAll(() => pc.stop());
  beforeEach(() => {
    pc.state.teams.clear();
    pc.server.clearFaults();
    t = pc.state.seedTeam("Ops");
    pc.state.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
  });

  it("inline: 5 ordered creates in one up, 0-call preview, swap = change-order only, refresh drift, destroy", async () => {
    const orders: Record<string, number> = { "rule-0": 0, "rule-1": 1, "rule-2": 2, "rule-3": 3, "rule-4": 4 };
    const s = await inlineStack({ project: `og-inline-${platform}`, program: fiveRules(orders, () => t.id), config: pc.config() });
    try {
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "Default Routing Rule"]);
      console.log(`${platform} engine: 5 creates = ${server().log.length} calls (${server().calls(pc.reorder).length} change-order)`);

      server().resetLog();
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(pre.changeSummary.create ?? 0).toBe(0);
      expect(server().log).toHaveLength(0);

      orders["rule-1"] = 3;
      orders["rule-3"] = 1;
      server().resetLog();
      const up2 = await s.stack.up();
      expect(up2.summary.resourceChanges?.update).toBe(2);
      expect(up2.summary.resourceChanges?.replace ?? 0).toBe(0);
      expect(names()).toEqual(["rule-0", "rule-3", "rule-2", "rule-1", "rule-4", "Default Routing Rule"]);
      const moves = server().calls(pc.reorder).length;
      expect(moves).toBeGreaterThan(0);
      expect(moves).toBeLessThanOrEqual(2);
      expect(server().calls({ method: "PATCH", path: /routing-rules\/[^/]+$/ })).toHaveLength(0);
      expect(server().calls({ method: "DELETE" })).toHaveLength(0);
      expect(server().calls({ method: "POST", path: pc.rulesPath })).toHaveLength(0);
      console.log(`${platform} engine: swap = ${moves} change-order, ${server().log.length} calls in all`);

      // Out-of-band edit and delete: refresh brings both into state, preview shows them.
      const r2 = t.rules.find((r) => r.name === "rule-2")!;
      r2.criteria.conditions![0].expectedValue = "edited by hand";
      t.rules.splice(t.rules.findIndex((r) => r.name === "rule-4"), 1);
      await s.stack.refresh();
      const state = await s.exportState();
      const res = (state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]).filter((r) => r.type === TYPE);
      expect(res).toHaveLength(4);
      const s2 = res.find((r) => r.outputs.name === "rule-2")!;
      expect(JSON.stringify(s2.outputs.criteria)).toContain("edited by hand");
      const drift = await s.stack.preview();
      expect(drift.changeSummary.update).toBe(1);
      expect(drift.changeSummary.create).toBe(1);

      // The default provider keeps the stack config (a secret, encrypted at rest; exportStack shows it decrypted);
      // the rules' own inputs and outputs must never hold the credential.
      expect(JSON.stringify(res)).not.toContain(pc.secret);
      expect(String(s2.outputs.target)).toMatch(new RegExp(`^${platform} `));
      for (const p of providerStrings(state)) expect(p.length).toBeLessThan(8 * 1024);

      const up3 = await s.stack.up();
      expect(up3.summary.result).toBe("succeeded");
      expect(names()).toEqual(["rule-0", "rule-3", "rule-2", "rule-1", "rule-4", "Default Routing Rule"]);

      await s.stack.destroy();
      expect(names()).toEqual(["Default Routing Rule"]);
    } finally {
      await s.cleanup();
    }
  });

  // Issue 12: the engine hands steps over a few at a time (its parallelism), announcing each
  // resource (check/diff) only just ahead; placement still plans over the whole team.
  it("30 ordered rules: create = 0 change-order and at most 3 lists, refresh at most 2 requests, reverse = n - LIS change-orders", async () => {
    const n = 30;
    let orders = Array.from({ length: n }, (_, i) => i);
    const s = await inlineStack({
      project: `og-ordered-${platform}`,
      program: async () => {
        orders.forEach((order, i) => new pkg.OpsgenieTeamRoutingRule(`r${i}`, { teamId: t.id, name: `rule ${i}`, order, criteria: { type: "match-all" }, notify: { type: "none" } }));
      },
      config: pc.config(),
    });
    const kinds = () => ({
      post: server().calls({ method: "POST", path: pc.rulesPath }).length,
      list: server().calls({ method: "GET", path: pc.rulesPath }).length,
      changeOrder: server().calls(pc.reorder).length,
      // The existence check's one list of teams, on creates (docs/preflight-checks.md).
      teams: server().calls({ method: "GET", path: /\/v[12]\/teams$/ }).length,
      all: server().log.length,
    });
    const ruleNames = () => names().slice(0, -1);
    try {
      server().resetLog();
      expect((await s.stack.up()).summary.result).toBe("succeeded");
      expect(ruleNames()).toEqual(orders.map((i) => `rule ${i}`));
      const create = kinds();
      console.log(`${platform} engine: ${n} ordered creates = ${JSON.stringify(create)}`);
      expect(create).toMatchObject({ post: n, changeOrder: 0 });
      expect(create.list).toBeLessThanOrEqual(3);
      expect(create.teams).toBe(1);
      expect(create.all).toBe(create.post + create.list + create.teams);

      server().resetLog();
      await s.stack.refresh();
      expect(server().log.length).toBeLessThanOrEqual(2);

      orders = orders.map((o) => n - 1 - o);
      server().resetLog();
      const up = await s.stack.up();
      expect(up.summary.resourceChanges?.update).toBe(n);
      expect(ruleNames()).toEqual(orders.map((_, i) => `rule ${n - 1 - i}`));
      const reverse = kinds();
      console.log(`${platform} engine: reverse ${n} = ${JSON.stringify(reverse)}`);
      // n - LIS over the whole team: a reversal keeps one rule where it is.
      expect(reverse.changeOrder).toBeLessThanOrEqual(n - 1);
      expect(reverse.changeOrder).toBeGreaterThanOrEqual(n - 1);
      expect(reverse.list).toBeLessThanOrEqual(3);
      expect(reverse.teams).toBe(0);
      expect(reverse.all).toBe(reverse.changeOrder + reverse.list);

      server().resetLog();
      const pre = await s.stack.preview({ refresh: true });
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(server().log.length).toBeLessThanOrEqual(2);
    } finally {
      await s.cleanup();
    }
  });

  it("connections dropped after committing creates: exactly one rule per resource", async () => {
    const orders = { "rule-0": 0, "rule-1": 1, "rule-2": 2, "rule-3": 3, "rule-4": 4 };
    const s = await inlineStack({ project: `og-faults-${platform}`, program: fiveRules(orders, () => t.id), config: pc.config() });
    try {
      server().inject({ kind: "reset-after", method: "POST", path: pc.rulesPath, times: 5 });
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(server().calls({ method: "POST", path: pc.rulesPath }).filter((e) => e.status === "reset")).toHaveLength(5);
      expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "Default Routing Rule"]);
      await s.stack.destroy();
      expect(names()).toEqual(["Default Routing Rule"]);
    } finally {
      await s.cleanup();
    }
  });
});

describe("OpsgenieTeamRoutingRule through the real CLI", () => {
  // The `import` resource option fails in the dynamic provider ("code must be a string, not undefined": the
  // engine calls read without __provider), so adoption goes through `adoptExisting`.
  it("adoptExisting takes over a rule made outside Pulumi without a second one", async () => {
    const existing = { id: "pre-existing-rule", name: "adopted", isDefault: false, criteria: { type: "match-all" }, timezone: "America/Los_Angeles", notify: { type: "none" } };
    team.rules.unshift(existing);
    const s = await inlineStack({
      project: "og-adopt",
      program: async () => {
        const r = new pkg.OpsgenieTeamRoutingRule("adopt", { teamId: team.id, name: "adopted", adoptExisting: true, notify: { type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d" } });
        return { ruleId: r.ruleId };
      },
      config: config(),
    });
    try {
      emu.server.resetLog();
      const up = await s.stack.up();
      expect(up.outputs.ruleId.value).toBe(existing.id);
      expect(emu.server.calls({ method: "POST" })).toHaveLength(0);
      expect(emu.server.calls({ method: "PATCH" })).toHaveLength(1);
      expect(names()).toEqual(["adopted", "Default Routing Rule"]);
      expect(team.rules[0].notify).toEqual({ type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d" });
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      await s.stack.destroy();
      expect(names()).toEqual(["Default Routing Rule"]);
    } finally {
      await s.cleanup();
    }
  });

  it("project directory: pulumi up, preview --expect-no-changes, destroy", async () => {
    const program = `const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");
for (const [i, name] of ["p-0", "p-1", "p-2"].entries()) {
  new OpsgenieTeamRoutingRule(name, { teamName: "Ops", name, order: i, timezone: "Europe/Istanbul",
    timeRestriction: { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 0 } },
    notify: { type: "schedule", name: "Primary" } });
}
`;
    const p = await projectStack({ project: "og-project", program, config: config() });
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(names()).toEqual(["p-0", "p-1", "p-2", "Default Routing Rule"]);
      emu.server.resetLog();
      const pre = await p.run(["preview", "--expect-no-changes"]);
      expect(pre.code, pre.stdout + pre.stderr).toBe(0);
      expect(emu.server.log).toHaveLength(0);
      expect(up.stdout + up.stderr).not.toContain(KEY);
      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(names()).toEqual(["Default Routing Rule"]);
    } finally {
      p.cleanup();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { projectStack, type ConfigMap, type ProjectStack } from "./harness";

// Issue 9/10 scenarios for OpsgenieTeamRoutingRule through the real CLI: refresh is
// quiet (teamName, clamped orders, omitted timezone), one 404 does not drop a rule,
// renaming resources with adoptExisting keeps every rule, and removing a time
// restriction is a create-before-delete replace with no moment without a rule.
const KEY = "genie-safety-key-3e9a7d";
const TYPE = "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule";

let emu: OpsgenieEmulator;
let team: EmuTeam;
const config = (): ConfigMap => ({
  "opsgenie:apiKey": { value: KEY, secret: true },
  "opsgenie:apiUrl": { value: emu.server.url },
  "opsgenie:rateLimits": { value: "200/1s" },
});
const names = () => team.rules.map((r) => r.name);

beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY });
  await emu.server.start();
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  emu.teams.clear();
  emu.server.clearFaults();
  team = emu.seedTeam("Ops");
  emu.seedSchedule("Primary");
});

interface Rule {
  resource: string;
  name: string;
  order: number;
  adopt?: boolean;
  businessHours?: boolean;
}

/** Declared orders 5, 6, 7 for three rules: the API clamps them to 0..2. No timezone; the team by name. */
function program(rules: Rule[]): string {
  const decls = rules.map((r) => {
    const tr = r.businessHours ? `, timeRestriction: { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 17, endMin: 30 } }` : "";
    const adopt = r.adopt ? ", adoptExisting: true" : "";
    return `new OpsgenieTeamRoutingRule(${JSON.stringify(r.resource)}, { teamName: "Ops", name: ${JSON.stringify(r.name)}, order: ${r.order}${adopt}${tr},
  criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: ${JSON.stringify(r.name)} }] },
  notify: { type: "schedule", name: "Primary" } });`;
  });
  return `const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");\n${decls.join("\n")}\n`;
}

async function stateRules(p: ProjectStack): Promise<{ urn: string; outputs: Record<string, unknown> }[]> {
  const r = await p.run(["stack", "export"]);
  expect(r.code, r.stderr).toBe(0);
  const resources = (JSON.parse(r.stdout) as { deployment: { resources?: { type: string; urn: string; outputs: Record<string, unknown> }[] } }).deployment.resources ?? [];
  return resources.filter((x) => x.type === TYPE);
}

const ok = (r: { code: number; stdout: string; stderr: string }) => expect(r.code, r.stdout + r.stderr).toBe(0);

describe("OpsgenieTeamRoutingRule safety through the real CLI", () => {
  it("quiet refresh, a 404 that does not drop, rename with adoptExisting, time restriction removed without a gap", async () => {
    const rules: Rule[] = [
      { resource: "alpha", name: "alpha", order: 5 },
      { resource: "beta", name: "beta", order: 6 },
      { resource: "gamma", name: "gamma", order: 7, businessHours: true },
    ];
    const p = await projectStack({ project: "og-safety", program: program(rules), config: config(), env: { ALERT_ROUTING_GONE_RETRY_MS: "50" } });
    try {
      ok(await p.run(["up", "--yes"]));
      expect(names()).toEqual(["alpha", "beta", "gamma", "Default Routing Rule"]);
      const ids = team.rules.map((r) => r.id);

      // Refresh is quiet: teamName beside the resolved teamId, clamped orders, the account's timezone.
      ok(await p.run(["refresh", "--yes", "--expect-no-changes"]));
      ok(await p.run(["refresh", "--yes", "--expect-no-changes"]));
      ok(await p.run(["preview", "--refresh", "--expect-no-changes"]));
      // ...while a real move still shows (then put back by hand).
      team.rules.splice(0, 0, team.rules.splice(2, 1)[0]);
      const drift = await p.run(["preview", "--refresh", "--expect-no-changes"]);
      expect(drift.code).not.toBe(0);
      expect(drift.stdout).toMatch(/gamma update/);
      team.rules.splice(2, 0, team.rules.splice(0, 1)[0]);
      expect(names()).toEqual(["alpha", "beta", "gamma", "Default Routing Rule"]);

      // Reads are served by one list of the team. One 404 on that list, then one on a rule's GET:
      // read again and check a fresh list; nothing dropped.
      emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: `/v2/teams/${team.id}/routing-rules`, times: 1 });
      emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: `/v2/teams/${team.id}/routing-rules/${ids[0]}`, times: 1 });
      emu.server.resetLog();
      ok(await p.run(["refresh", "--yes", "--expect-no-changes"]));
      expect(emu.server.unfiredFaults()).toEqual([]);
      expect((await stateRules(p)).map((r) => r.outputs.ruleId).sort()).toEqual(ids.slice(0, 3).sort());
      console.log(`opsgenie refresh with one injected 404: ${emu.server.log.length} calls`);

      // In-range orders from here on: a settle places only the rules it is handed, and clamped ones go last.
      const inRange = rules.map((r, i) => ({ ...r, order: i }));
      p.writeProgram(program(inRange));
      emu.server.resetLog();
      ok(await p.run(["up", "--yes"]));
      expect(emu.server.log.filter((e) => e.method !== "GET")).toEqual([]);

      // Rename two resources (same rule names) with adoptExisting: the old resources' deletes let go.
      const renamed = inRange.map((r) => (r.resource === "gamma" ? r : { ...r, resource: `${r.resource}-renamed`, adopt: true }));
      p.writeProgram(program(renamed));
      emu.server.resetLog();
      const up = await p.run(["up", "--yes"]);
      ok(up);
      expect(up.stdout + up.stderr).toMatch(/not deleting opsgenie routing rule "alpha"/);
      expect(team.rules.map((r) => r.id)).toEqual(ids);
      expect(emu.server.calls({ method: "DELETE" })).toHaveLength(0);
      const state = await stateRules(p);
      expect(state.map((r) => r.urn.split("::").pop()).sort()).toEqual(["alpha-renamed", "beta-renamed", "gamma"]);
      for (const r of state) {
        const live = team.rules.find((x) => x.id === r.outputs.ruleId)!;
        expect(live.name).toBe(r.outputs.name);
        expect(r.outputs.order).toBe(team.rules.indexOf(live));
      }
      console.log(`opsgenie rename of two rules with adoptExisting: ${emu.server.log.length} calls, 0 deletes`);
      ok(await p.run(["preview", "--refresh", "--expect-no-changes"]));

      // Removing gamma's time restriction: one replace, the new rule first and right above the old one.
      p.writeProgram(program(renamed.map((r) => ({ ...r, businessHours: false }))));
      emu.server.resetLog();
      emu.history.length = 0;
      const rep = await p.run(["up", "--yes"]);
      ok(rep);
      expect(rep.stdout).toMatch(/1 replaced/);
      expect(names()).toEqual(["alpha", "beta", "gamma", "Default Routing Rule"]);
      expect(team.rules[2].id).not.toBe(ids[2]);
      expect(team.rules[2].timeRestriction).toBeUndefined();
      expect(emu.server.calls({ method: "POST", path: /routing-rules$/ })).toHaveLength(1);
      expect(emu.server.calls({ method: "DELETE" })).toHaveLength(1);
      expect(emu.server.calls({ method: "PATCH" })).toHaveLength(0);
      expect(emu.server.log.map((e) => JSON.stringify(e.body ?? "")).join()).not.toContain("null");
      // Every moment the team had a rule named gamma, and the new one never sat below the old one.
      expect(emu.history.length).toBeGreaterThanOrEqual(2);
      for (const h of emu.history) {
        const at = h.rules.map((r, i) => (r.name === "gamma" ? i : -1)).filter((i) => i >= 0);
        expect(at.length).toBeGreaterThanOrEqual(1);
        expect(at[0]).toBe(2);
      }
      console.log(`opsgenie time restriction removed: ${emu.server.log.length} calls (1 POST, 1 DELETE)`);
      ok(await p.run(["preview", "--refresh", "--expect-no-changes"]));

      ok(await p.run(["destroy", "--yes"]));
      expect(names()).toEqual(["Default Routing Rule"]);
    } finally {
      p.cleanup();
    }
  }, 600_000); // one long scenario of about fifteen CLI runs
});

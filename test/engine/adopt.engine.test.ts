import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectStack, repoRoot, type ConfigMap, type ProjectStack } from "./harness";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";

// Issue 20 through the real CLI: adoption takes exactly one object or refuses (same-named
// Opsgenie rules, two resources of one stack on one rule), and a create whose 2xx answer
// cannot be read records the object it made instead of losing it.
let og: OpsgenieEmulator;
let ro: RootlyEmulator;
let team: EmuTeam;
beforeAll(async () => {
  og = createOpsgenieEmulator();
  ro = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  await Promise.all([og.server.start(), ro.server.start()]);
  team = og.seedTeam("Ops");
});
afterAll(() => Promise.all([og.server.stop(), ro.server.stop()]));

const ok = (r: { code: number; stdout: string; stderr: string }) => expect(r.code, r.stdout + r.stderr).toBe(0);
const writes = (e: { server: { log: { method: string; path: string }[] } }) => e.server.log.filter((x) => x.method !== "GET").map((x) => `${x.method} ${x.path}`);

async function stateOf(p: ProjectStack, type: string): Promise<{ urn: string; id: string; outputs: Record<string, unknown> }[]> {
  const r = await p.run(["stack", "export"]);
  ok(r);
  const resources = (JSON.parse(r.stdout) as { deployment: { resources?: { type: string; urn: string; id: string; outputs: Record<string, unknown> }[] } }).deployment.resources ?? [];
  return resources.filter((x) => x.type === type);
}

function exportCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, OPSGENIE_API_KEY: og.credential, OPSGENIE_API_URL: og.server.url, OPSGENIE_RATE_LIMITS: "200/1s" };
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(repoRoot, "dist", "cli", "main.js"), "export", ...args], { env });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const priority = (p: string) => ({ type: "match-all-conditions", conditions: [{ field: "priority", not: false, operation: "equals", expectedValue: p, order: 0 }] });

interface Decl {
  resource: string;
  name: string;
  p: string;
  adopt?: boolean;
  ruleId?: string;
}
function ogProgram(rules: Decl[]): string {
  const decls = rules.map(
    (r) =>
      `new OpsgenieTeamRoutingRule(${JSON.stringify(r.resource)}, { teamName: "Ops", name: ${JSON.stringify(r.name)}, criteria: ${JSON.stringify(priority(r.p))}, notify: { type: "none" }` +
      `${r.adopt ? ", adoptExisting: true" : ""}${r.ruleId ? `, adoptRuleId: ${JSON.stringify(r.ruleId)}` : ""} });`,
  );
  return `const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");\n${decls.join("\n")}\n`;
}

describe("adopt exactly one object or refuse (real CLI)", () => {
  it("Opsgenie: same-named rules are not exported and not adopted by name; adoptRuleId adopts each with no write; two resources on one rule: the second fails", async () => {
    const p1 = og.seedRule("Ops", { name: "Escalate", criteria: priority("P1") as never, notify: { type: "none" } }, 0);
    const other = og.seedRule("Ops", { name: "Other", criteria: priority("P3") as never, notify: { type: "none" } }, 1);
    const p2 = og.seedRule("Ops", { name: "Escalate", criteria: priority("P2") as never, notify: { type: "none" } }, 2);
    const live = () => JSON.stringify(team.rules);
    const before = live();

    // Export: both listed as unsupported, with every id and position; nothing written, exit non-zero.
    const outDir = mkdtempSync(join(tmpdir(), "ar-adopt-export-"));
    const ex = await exportCli(["--opsgenie-team", "Ops", "--out", join(outDir, "index.ts")]);
    rmSync(outDir, { recursive: true, force: true });
    expect(ex.code).not.toBe(0);
    expect(ex.stderr).toContain(`unsupported: opsgenie team "Ops", routing rule "Escalate" (${p1.id})`);
    expect(ex.stderr).toContain(`unsupported: opsgenie team "Ops", routing rule "Escalate" (${p2.id})`);
    expect(ex.stderr).toContain(`(${p1.id} at position 0, ${p2.id} at position 2)`);

    // The program the export used to write: both adopt by name. Refused before any write, naming both.
    const p = await projectStack({
      project: "og-adopt",
      program: ogProgram([
        { resource: "escalate-p1", name: "Escalate", p: "P1", adopt: true },
        { resource: "escalate-p2", name: "Escalate", p: "P2", adopt: true },
      ]),
      config: { "opsgenie:apiKey": { value: og.credential, secret: true }, "opsgenie:apiUrl": { value: og.server.url }, "opsgenie:rateLimits": { value: "200/1s" } } satisfies ConfigMap,
    });
    try {
      og.server.resetLog();
      const up = await p.run(["up", "--yes"]);
      expect(up.code).not.toBe(0);
      expect(up.stdout + up.stderr).toContain(`2 routing rules of team ${team.id} are named "Escalate" (${p1.id} at position 0, ${p2.id} at position 2); nothing was changed`);
      expect(up.stdout + up.stderr).toMatch(/set `adoptRuleId` to the id of the one this resource stands for/);
      expect(writes(og)).toEqual([]);
      expect(live()).toBe(before);

      // Each resource names its rule; and two resources claim the one rule "Other" in this update.
      p.writeProgram(
        ogProgram([
          { resource: "escalate-p1", name: "Escalate", p: "P1", ruleId: p1.id },
          { resource: "escalate-p2", name: "Escalate", p: "P2", ruleId: p2.id },
          { resource: "other-a", name: "Other", p: "P3", adopt: true },
          { resource: "other-b", name: "Other", p: "P3", ruleId: other.id },
        ]),
      );
      og.server.resetLog();
      const up2 = await p.run(["up", "--yes"]);
      expect(up2.code).not.toBe(0);
      expect(up2.stdout + up2.stderr).toMatch(new RegExp(`routing rule "Other" \\(${other.id}\\) of team ${team.id} is already managed by the OpsgenieTeamRoutingRule "Other" of team ${team.id} in this update`));
      expect(writes(og)).toEqual([]);
      expect(live()).toBe(before);
      const state = await stateOf(p, "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule");
      const byResource = Object.fromEntries(state.map((r) => [r.urn.split("::").pop(), r.outputs.ruleId]));
      expect(byResource["escalate-p1"]).toBe(p1.id);
      expect(byResource["escalate-p2"]).toBe(p2.id);
      // Exactly one of the two holds "Other".
      expect(state.filter((r) => r.outputs.ruleId === other.id)).toHaveLength(1);
    } finally {
      p.cleanup();
    }
  }, 300_000);

  it("Rootly: a POST committed but answered with a 2xx HTML page: the route is recorded (one object), a rerun makes no write", async () => {
    const source = ro.seed("alertSource", "Datadog");
    const service = ro.seed("service", "search");
    const program = `const { RootlyAlertRoute } = require("pulumi-alert-routing");
new RootlyAlertRoute("payments", { name: "payments", alertsSourceIds: [${JSON.stringify(source)}],
  rules: [{ name: "rest", fallbackRule: true, destinations: [{ targetType: "Service", targetId: ${JSON.stringify(service)} }], conditionGroups: [] }] });
`;
    const p = await projectStack({
      project: "rootly-adopt",
      program,
      config: { "rootly:apiToken": { value: ro.credential, secret: true }, "rootly:apiUrl": { value: ro.server.url }, "rootly:rateLimits": { value: "read=1000/1s,write=1000/1s" } },
    });
    try {
      ro.server.inject({ kind: "html-after", method: "POST", path: "/v1/alert_routes" });
      const up = await p.run(["up", "--yes"]);
      ok(up);
      expect(ro.server.unfiredFaults()).toEqual([]);
      const live = [...ro.routes.values()].filter((r) => r.name === "payments");
      expect(live).toHaveLength(1);
      expect(up.stdout + up.stderr).toMatch(/the create's outcome was unknown \(the answer could not be read \(not JSON\): content type text\/html/);
      const state = await stateOf(p, "pulumi-nodejs:dynamic/rootly:AlertRoute");
      expect(state.map((r) => r.id)).toEqual([live[0].id]);

      ro.server.resetLog();
      ok(await p.run(["up", "--yes"]));
      expect(writes(ro)).toEqual([]);
      expect([...ro.routes.values()].filter((r) => r.name === "payments")).toHaveLength(1);
    } finally {
      p.cleanup();
    }
  }, 300_000);
});

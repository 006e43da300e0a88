import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { projectStack, type CliResult, type ConfigMap } from "./harness";

// The shipped policy pack through the real CLI, on one stack: the language host runs the
// pack (`--policy-pack`, `pulumi policy analyze`), the policies read the routing the engine
// hands them, and a mandatory violation stops the update before any vendor write.
const KEY = "genie-policy-key-5e7a1c";
const PACK = "node_modules/pulumi-alert-routing/policy-pack";

let emu: OpsgenieEmulator;
let team: EmuTeam;
beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY });
  await emu.server.start();
  team = emu.seedTeam("Platform");
  emu.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
});
afterAll(() => emu.server.stop());

const config = (): ConfigMap => ({
  "opsgenie:apiKey": { value: KEY, secret: true },
  "opsgenie:apiUrl": { value: emu.server.url },
  "opsgenie:rateLimits": { value: "200/1s" },
});

// Every P1 goes to "All P1" first: "P1 from api" after it can never match. Fixed: the narrower rule
// first, and two new rules, one matching on the other's id: unknown until the update creates it.
const program = (apiOrder: number, allOrder: number, extra = "") => `
const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");
const p1 = (field, value) => ({ field, operation: "equals", expectedValue: value });
new OpsgenieTeamRoutingRule("all-p1", { teamName: "Platform", name: "All P1", order: ${allOrder},
  criteria: { type: "match-all-conditions", conditions: [p1("priority", "P1")] }, notify: { type: "schedule", name: "Primary" } });
new OpsgenieTeamRoutingRule("p1-api", { teamName: "Platform", name: "P1 from api", order: ${apiOrder},
  criteria: { type: "match-all-conditions", conditions: [p1("priority", "P1"), p1("source", "api")] }, notify: { type: "schedule", name: "Primary" } });
${extra}`;
const unknownAtPreview = `
const marker = new OpsgenieTeamRoutingRule("marker", { teamName: "Platform", name: "Marker", order: 2,
  criteria: { type: "match-all-conditions", conditions: [p1("source", "marker")] }, notify: { type: "schedule", name: "Primary" } });
new OpsgenieTeamRoutingRule("by-id", { teamName: "Platform", name: "By id", order: 3,
  criteria: { type: "match-all-conditions", conditions: [p1("source", marker.ruleId)] }, notify: { type: "schedule", name: "Primary" } });
`;

const writes = () => emu.server.log.filter((e) => e.method !== "GET");
const out = (r: CliResult) => r.stdout + r.stderr;

describe("the shipped policy pack through the real CLI", () => {
  it("fails a shadowed rule (mandatory) in preview, up and policy analyze with no vendor write; advisory warns; the fixed program passes", async () => {
    const p = await projectStack({ project: "policy-project", program: program(1, 0), config: config() });
    try {
      // Files relative to the project: the engine starts the pack in its own directory.
      const expectations = join(p.box.dir, "expectations.yaml");
      writeFileSync(expectations, `- name: api P1s page the api rule\n  alert:\n    opsgenie: { priority: P1, source: api }\n  routesTo:\n    opsgenie: P1 from api\n`);
      const cfg = (name: string, c: object) => {
        const f = join(p.box.dir, name);
        writeFileSync(f, JSON.stringify(c));
        return f;
      };
      const advisory = cfg("advisory.json", { "alert-routing-lint": "advisory" });
      const withExpectations = cfg("expectations.json", { "alert-routing-expectations": { file: expectations } });

      emu.server.resetLog();
      const preview = await p.run(["preview", "--policy-pack", PACK]);
      expect(preview.code, out(preview)).not.toBe(0);
      expect(out(preview)).toContain("alert-routing-lint");
      expect(out(preview)).toMatch(/mandatory/);
      expect(out(preview)).toMatch(/shadowed \(error\): Opsgenie Platform rule "P1 from api": can never match: .*"All P1"/);
      const up = await p.run(["up", "--yes", "--policy-pack", PACK]);
      expect(up.code, out(up)).not.toBe(0);
      expect(out(up)).toContain('rule "P1 from api"');
      expect(writes()).toEqual([]);
      expect(team.rules.map((r) => r.name)).toEqual(["Default Routing Rule"]);

      // Advisory: the same finding as a warning, and the update goes through.
      const warned = await p.run(["up", "--yes", "--policy-pack", PACK, "--policy-pack-config", advisory]);
      expect(warned.code, out(warned)).toBe(0);
      expect(out(warned)).toMatch(/advisory/);
      expect(out(warned)).toContain('rule "P1 from api"');
      expect(team.rules.map((r) => r.name)).toEqual(["All P1", "P1 from api", "Default Routing Rule"]);

      // The stack's state, without running the program: the lint finding and the broken expectation.
      const analyzed = await p.run(["policy", "analyze", "--policy-pack", PACK, "--policy-pack-config", withExpectations]);
      expect(analyzed.code, out(analyzed)).not.toBe(0);
      expect(out(analyzed)).toContain('rule "P1 from api"');
      expect(out(analyzed)).toContain('expectation "api P1s page the api rule" failed: opsgenie: expected "P1 from api", got "All P1"');

      // Fixed: the narrower rule first. The mandatory pack passes the update and the analysis of its state.
      // The preview part cannot check the rules whose condition is unknown yet: an advisory note, not a pass.
      p.writeProgram(program(0, 1, unknownAtPreview));
      const fixed = await p.run(["up", "--yes", "--policy-pack", PACK, "--policy-pack-config", withExpectations]);
      expect(fixed.code, out(fixed)).toBe(0);
      expect(out(fixed)).toMatch(/\[advisory\]\s+alert-routing-lint[\s\S]*not checked: lint: Opsgenie routing has values unknown until the update runs: by-id \(criteria\.conditions\.0\.expectedValue\)/);
      expect(out(fixed)).toContain('not checked: expectation "api P1s page the api rule"');
      expect(team.rules.map((r) => r.name)).toEqual(["P1 from api", "All P1", "Marker", "By id", "Default Routing Rule"]);
      const clean = await p.run(["policy", "analyze", "--policy-pack", PACK, "--policy-pack-config", withExpectations]);
      expect(clean.code, out(clean)).toBe(0);
      expect(out(clean)).not.toMatch(/shadowed|not checked/);
      expect([preview, up, warned, analyzed, fixed, clean].map(out).join("\n")).not.toContain(KEY);
    } finally {
      p.cleanup();
    }
  });
});

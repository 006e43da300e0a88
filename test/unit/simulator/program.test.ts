import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OpsgenieTeamRoutingRule } from "../../../src/opsgenie";
import { FlashdutyRoute } from "../../../src/flashduty";
import { captureRouting, expectAlertsFor, loadProgramRouting, programEntry } from "../../../src/simulator";
import { projectName } from "../../../src/simulator/program";
import { vendoredTypeScript } from "../../../src/simulator/ts-hook";

const fixture = join(__dirname, "fixtures", "program");

describe("reading the declared routing from a Pulumi program under mocks", () => {
  it("runs a TypeScript program from its directory and records each routing resource's args", async () => {
    const routing = await loadProgramRouting(fixture, { config: { "fixture:team": "Platform" } });
    expect(routing.opsgenie.map((d) => [d.resource, d.args.teamName, d.args.name])).toEqual([["db", "Platform", "Database"]]);
    expect(routing.rootly.map((d) => d.args.name)).toEqual(["Payments"]);
    // Outputs of other resources are resolved; MappingData is not routing.
    expect(routing.flashduty.map((d) => [d.resource, d.args.integrationId])).toEqual([["checkout", 14]]);
    for (const d of [...routing.opsgenie, ...routing.rootly, ...routing.flashduty]) {
      expect(Object.keys(d.args)).not.toContain("__provider");
      expect(Object.keys(d.args)).not.toContain("ruleId");
    }
    const expectAlert = expectAlertsFor(routing);
    expectAlert({ opsgenie: { tags: ["database"] } }).routesTo({ opsgenie: { rule: "Database", targets: ["DB_schedule"] } });
    expectAlert({ flashduty: { severity: "Info" } }).routesTo({ flashduty: { rule: "default", targets: [2] } });
  });

  it("loads an ES module program (top-level await) from package.json main", async () => {
    const routing = await loadProgramRouting(join(__dirname, "fixtures", "esm-program"));
    expect(routing.opsgenie.map((d) => [d.resource, d.args.teamName, d.args.notify])).toEqual([["esm-rule", "Search", { type: "none" }]]);
  });

  it("finds the entry file like Pulumi: Pulumi.yaml main, else index.ts", () => {
    expect(programEntry(fixture)).toBe(join(fixture, "index.ts"));
    expect(programEntry(join(__dirname, "..", "..", ".."))).toBe(join(__dirname, "..", "..", "..", "examples", "program", "index.ts"));
    expect(() => programEntry(join(fixture, "nowhere"))).toThrow(/no Pulumi program found/);
  });

  it("captures the package's own resource classes, without __provider and undefined output keys", async () => {
    const routing = await captureRouting(() => {
      new OpsgenieTeamRoutingRule("p1", { teamName: "Platform", name: "P1", order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }] }, notify: { type: "escalation", name: "Esc" } });
      new FlashdutyRoute("fd", { integrationId: 5, default: { channelIds: [9] } });
    });
    expect(routing.opsgenie[0].args).toEqual({ teamName: "Platform", name: "P1", order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }] }, notify: { type: "escalation", name: "Esc" } });
    expect(routing.flashduty[0].args).toEqual({ integrationId: 5, default: { channelIds: [9] } });
    const expectAlert = expectAlertsFor(routing);
    expectAlert({ opsgenie: { priority: "P1" } }).routesTo({ opsgenie: "P1" });
    expect(() => expectAlert({ opsgenie: { priority: "P2" } }).routesTo({ opsgenie: "P1" })).toThrow(/expected "P1", got default/);
  });

  it("runs as the project named in Pulumi.yaml: bare config keys and new Config() read that project's namespace", async () => {
    const refs = join(__dirname, "fixtures", "ref-program");
    expect(projectName(refs)).toBe("refs");
    const routing = await loadProgramRouting(refs, { config: { team: "Platform", "refs:sharedStack": "acme/shared/prod" }, stackOutputs: { "acme/shared/prod": { escalation: "Platform_critical", rootlyEscalationId: "esc-1" } } });
    // team is read with requireSecret: the simulator sees its value.
    expect(routing.opsgenie.map((d) => [d.args.teamName, d.args.notify])).toEqual([["Platform", { type: "escalation", name: "Platform_critical" }]]);
    expect(routing.rootly[0].args.rules?.[0].destinations?.[0].targetId).toBe("esc-1");
  });

  it("runs the program again with other options (Node's module cache does not hide the second run)", async () => {
    const refs = join(__dirname, "fixtures", "ref-program");
    const outputs = { escalation: "E", rootlyEscalationId: "r" };
    const a = await loadProgramRouting(refs, { config: { team: "A", sharedStack: "acme/shared/prod" }, stackOutputs: { "acme/shared/prod": outputs } });
    const b = await loadProgramRouting(refs, { config: { team: "B", sharedStack: "acme/shared/prod" }, stackOutputs: { "acme/shared/prod": outputs } });
    expect([a.opsgenie[0].args.teamName, b.opsgenie[0].args.teamName]).toEqual(["A", "B"]);
  });

  it("reads stack outputs from a JSON file, matching a shorter reference name; a missing output is an error naming it", async () => {
    const refs = join(__dirname, "fixtures", "ref-program");
    const dir = mkdtempSync(join(tmpdir(), "ar-outputs-"));
    const file = join(dir, "prod.json");
    writeFileSync(file, JSON.stringify({ escalation: "From_file", rootlyEscalationId: "esc-2" }));
    const routing = await loadProgramRouting(refs, { config: { team: "T", sharedStack: "shared/prod" }, stackOutputs: { "acme/shared/prod": file } });
    expect(routing.opsgenie[0].args.notify).toEqual({ type: "escalation", name: "From_file" });
    // getOutput and requireOutput alike: never a silent undefined.
    writeFileSync(file, JSON.stringify({ escalation: "From_file" }));
    await expect(loadProgramRouting(refs, { config: { team: "U", sharedStack: "acme/shared/prod" }, stackOutputs: { "acme/shared/prod": file } })).rejects.toThrow(
      'stack "acme/shared/prod" has no output "rootlyEscalationId"',
    );
    writeFileSync(file, "{ not json");
    await expect(loadProgramRouting(refs, { config: { team: "V", sharedStack: "acme/shared/prod" }, stackOutputs: { "acme/shared/prod": file } })).rejects.toThrow(/cannot read the outputs of stack "acme\/shared\/prod" from .*prod\.json/);
  });

  it("a reference whose outputs are neither given nor readable from a backend is an error that says how to give them", async () => {
    const refs = join(__dirname, "fixtures", "ref-program");
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(loadProgramRouting(refs, { config: { team: "W", sharedStack: "acme/other/prod" } })).rejects.toThrow(
        /cannot read the outputs of stack "acme\/other\/prod" from the backend .*--stack-outputs acme\/other\/prod=outputs\.json/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it("falls back to the TypeScript copy @pulumi/pulumi vendors (a file, not a package entry)", () => {
    const file = vendoredTypeScript(createRequire(join(fixture, "index.ts")));
    expect(file).toMatch(/typescript@3\.8\.3[\\/]typescript\.js$/);
    const ts = require(file!) as { transpileModule(src: string, o: object): { outputText: string } };
    expect(ts.transpileModule("const x: number = 1; export default x;", { compilerOptions: { module: 1 } }).outputText).toContain("exports.default = x");
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OpsgenieTeamRoutingRule } from "../../../src/opsgenie";
import { FlashdutyRoute } from "../../../src/flashduty";
import { captureRouting, expectAlertsFor, loadProgramRouting, programEntry } from "../../../src/simulator";

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
});

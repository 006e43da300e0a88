import { describe, expect, it } from "vitest";
import { explain, expectAlert, expectAlertsFor, hasRealMatch, routingFromArgs, simulate } from "../../../src/simulator";

const routing = routingFromArgs({
  opsgenie: [
    { teamName: "Platform", name: "P1 in business hours", order: 0, timezone: "Europe/Berlin", criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }] }, timeRestriction: { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 18, endMin: 0 } }, notify: { type: "escalation", name: "Platform_critical" } },
    { teamName: "Platform", name: "Database alerts", order: 1, criteria: { type: "match-any-condition", conditions: [{ field: "tags", operation: "contains", expectedValue: "database" }] }, notify: { type: "schedule", name: "Platform_schedule" } },
  ],
  flashduty: [{ resource: "checkout", args: { integrationId: 1, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [10], fallthrough: true }, { if: [{ key: "labels.service", oper: "IN", vals: ["payments"] }], channelIds: [20] }], default: { channelIds: [99] } } }],
});
const expectAlertIn = expectAlertsFor(routing);

describe("expectAlert(...).at(...).routesTo(...)", () => {
  it("passes and returns the result when the routing holds", () => {
    const r = expectAlertIn({ opsgenie: { priority: "P1" } }).at("2026-11-25T10:00:00+01:00").routesTo({ opsgenie: { rule: "P1 in business hours", targets: ["Platform_critical"] } });
    expect(r.units[0].outcome).toBe("rule");
  });

  it("throws with the full explanation: skipped rules, why, and the target", () => {
    let message = "";
    try {
      expectAlertIn({ opsgenie: { priority: "P1", tags: ["database"] } }).at("2026-11-25T20:00:00+01:00").routesTo({ opsgenie: "P1 in business hours" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('opsgenie: expected "P1 in business hours", got "Database alerts"');
    expect(message).toContain('skip  #0 "P1 in business hours": skipped: outside its time restriction');
    expect(message).toContain("time-of-day 09:00-18:00 at 20:00 -> outside");
    expect(message).toContain('MATCH #1 "Database alerts"');
    expect(message).toContain('-> schedule "Platform_schedule"');
    expect(message).toContain("Assumed where the vendor docs are silent");
  });

  it("checks Flashduty's matched cases and channels, and the default", () => {
    expectAlertIn({ flashduty: { severity: "Critical", labels: { service: "payments" } } }).routesTo({ flashduty: { cases: [0, 1], targets: [10, 20] } });
    expectAlertIn({ flashduty: { severity: "Info" } }).routesTo({ flashduty: "default" });
    expect(() => expectAlertIn({ flashduty: { severity: "Info" } }).routesTo({ flashduty: { cases: [0] } })).toThrow(/expected cases \[0\] to match, got \[\]/);
    expect(() => expectAlertIn({ flashduty: { severity: "Critical" } }).routesTo({ flashduty: { targets: [20] } })).toThrow(/expected target "20" among \[10\]/);
  });

  it("the one-off form, unit selection and matchesARule", () => {
    expectAlert({ opsgenie: { tags: ["database"] } }, routing).routesTo({ opsgenie: { unit: "Platform", rule: "Database alerts" } });
    expectAlert({ flashduty: { severity: "Info" } }, routing).routesTo({ flashduty: { unit: "checkout", rule: "default" } });
    expectAlert({ flashduty: { severity: "Info" } }, routing).routesTo({ flashduty: { unit: 1, targets: [99] } });
    expect(() => expectAlert({ opsgenie: {} }, routing).routesTo({ opsgenie: { unit: "Other" } })).toThrow(/no evaluated opsgenie routing for Other/);
    expect(() => expectAlert({ opsgenie: {} }, routing).matchesARule()).toThrow(/opsgenie Platform -> default/);
    expect(() => expectAlert({ rootly: {} }, routing).routesTo({ rootly: "x" })).toThrow(/no evaluated rootly routing/);
  });

  it("explain names the default rule and the vendors without declared routing; hasRealMatch ignores defaults", () => {
    const r = simulate(routing, { opsgenie: { priority: "P5" }, rootly: {} }, { at: "2026-11-25T10:00:00Z" });
    const text = explain(r);
    expect(text).toContain("no declared rule matched -> default: the team's Default Routing Rule");
    expect(text).toContain("the program declares no rootly routing");
    expect(hasRealMatch(r)).toBe(false);
    expect(hasRealMatch(simulate(routing, { flashduty: { severity: "Critical" } }))).toBe(true);
    expect(() => simulate(routing, {}, { at: "yesterday" })).toThrow(/not a time/);
  });
});

import { describe, expect, it } from "vitest";
import { diffNormalized, normalize, type TeamRoutingRuleOutputs } from "../../../src/opsgenie/team-routing-rule.diff";
import { teamRoutingRule } from "../../../src/opsgenie/team-routing-rule.provider";
import { FIELDS, OPERATIONS, operationsFor, parseArgs } from "../../../src/opsgenie/team-routing-rule.schema";

const olds: TeamRoutingRuleOutputs = {
  teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d",
  name: "r1",
  order: 1,
  timezone: "America/Los_Angeles",
  criteria: { type: "match-any-condition", conditions: [{ field: "message", not: false, operation: "contains", expectedValue: "db", order: 0 }] },
  notify: { type: "schedule", name: "Primary" },
  adoptExisting: false,
  ruleId: "r-1",
  isDefault: false,
  notifyId: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d",
  notifyName: "Primary",
};
const news = {
  teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d",
  name: "r1",
  order: 1,
  criteria: { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: "db" }] },
  notify: { type: "schedule", name: "Primary" },
};
const diff = (n: Record<string, unknown>, o: TeamRoutingRuleOutputs = olds) => teamRoutingRule.diff(o, n as never);

describe("opsgenie TeamRoutingRule diff (pure)", () => {
  it("no change after normalization: condition defaults, omitted timezone, notify by id or name", () => {
    expect(diff(news)).toEqual({ changes: false, replaces: [] });
    expect(diff({ ...news, notify: { type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d" } })).toEqual({ changes: false, replaces: [] });
    expect(diff({ ...news, timezone: "America/Los_Angeles" }).changes).toBe(false);
    expect(diff({ ...news, criteria: { ...news.criteria, conditions: [{ field: "message", operation: "contains", expectedValue: "db", not: false, order: 0 }] } }).changes).toBe(false);
    expect(diff({ ...news, adoptExisting: true }).changes).toBe(false);
  });

  it("omitted order is not managed", () => {
    const { order: _o, ...rest } = news;
    expect(diff(rest).changes).toBe(false);
  });

  it("every field change is an update, team change a replace", () => {
    for (const n of [
      { ...news, name: "r2" },
      { ...news, order: 0 },
      { ...news, timezone: "Europe/Istanbul" },
      { ...news, notify: { type: "schedule", name: "Other" } },
      { ...news, notify: { type: "schedule", id: "6c2d8a4b-3e5f-4a6b-9c8d-2e3f4a5b6c7d" } },
      { ...news, notify: { type: "none" } },
      { ...news, criteria: { type: "match-all" } },
      { ...news, criteria: { ...news.criteria, conditions: [{ field: "message", operation: "contains", expectedValue: "db", not: true }] } },
      { ...news, timeRestriction: { type: "time-of-day", restriction: { startHour: 1, startMin: 0, endHour: 2, endMin: 0 } } },
    ]) {
      expect(diff(n), JSON.stringify(n)).toEqual({ changes: true, replaces: [] });
    }
    expect(diff({ ...news, teamId: "1f5b2d3c-4e6a-4b7c-9d8e-0f1a2b3c4d5e" })).toEqual({ changes: true, replaces: ["teamId"], deleteBeforeReplace: true });
    const { teamId: _t, ...byName } = news;
    expect(diff({ ...byName, teamName: "Ops" }).replaces).toEqual(["teamName"]);
    expect(diff({ ...byName, teamName: "Ops" }, { ...olds, teamName: "Ops" }).changes).toBe(false);
  });

  it("refresh diffs what read returned (teamId resolved beside teamName, output keys): no change", () => {
    const { teamId: _t, ...byName } = news;
    const stored = { ...olds, teamName: "Ops" };
    // What read hands back as inputs: the stored outputs themselves.
    expect(diff(stored as never, stored)).toEqual({ changes: false, replaces: [] });
    expect(diff({ ...byName, teamName: "Ops" }, stored).changes).toBe(false);
    expect(diff({ ...stored, teamName: "Other" } as never, stored).replaces).toEqual(["teamName"]);
  });

  it("both restriction types compare structurally", () => {
    const tod = { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 0 } };
    const wd = { type: "weekday-and-time-of-day", restrictions: [{ startDay: "monday", startHour: 8, startMin: 0, endDay: "friday", endHour: 18, endMin: 0 }] };
    for (const tr of [tod, wd]) {
      const stored = { ...olds, timeRestriction: normalize(parseArgs({ ...news, timeRestriction: tr })).timeRestriction };
      expect(diff({ ...news, timeRestriction: tr }, stored).changes).toBe(false);
      // Removing one is a replace (the API takes no null), created before the old rule is deleted.
      expect(diff(news, stored)).toEqual({ changes: true, replaces: ["timeRestriction"] });
    }
    const stored = { ...olds, timeRestriction: normalize(parseArgs({ ...news, timeRestriction: wd })).timeRestriction };
    expect(diff({ ...news, timeRestriction: { ...wd, restrictions: [{ ...wd.restrictions[0], endMin: 30 }] } }, stored)).toEqual({ changes: true, replaces: [] });
  });

  it("every operation/field pair round-trips through normalize with no diff", () => {
    for (const field of FIELDS)
      for (const operation of OPERATIONS) {
        if (!operationsFor(field, undefined).includes(operation)) continue;
        const a = { ...news, criteria: { type: "match-all-conditions", conditions: [{ field, operation }] } };
        const n = normalize(parseArgs(a));
        expect(n.criteria.conditions[0]).toEqual({ field, operation, not: false, expectedValue: "", order: 0 });
        expect(diffNormalized({ ...olds, criteria: n.criteria }, n).changes).toBe(false);
      }
  });
});

describe("opsgenie diff key order", () => {
  it("stored outputs come back with sorted keys: still no change", () => {
    const sortDeep = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sortDeep) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])])) : v;
    const tr = { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 0 } };
    const stored = sortDeep({ ...olds, timeRestriction: normalize(parseArgs({ ...news, timeRestriction: tr })).timeRestriction }) as TeamRoutingRuleOutputs;
    expect(teamRoutingRule.diff(stored, { ...news, timeRestriction: tr } as never).changes).toBe(false);
  });
});

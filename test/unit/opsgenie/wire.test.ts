import { describe, expect, it } from "vitest";
import { normalize } from "../../../src/opsgenie/team-routing-rule.diff";
import { diffNormalized } from "../../../src/opsgenie/team-routing-rule.diff";
import { parseArgs } from "../../../src/opsgenie/team-routing-rule.schema";
import { formatId, fromWireRule, parseId, toCreateBody, toOutputs, toPatchBody } from "../../../src/opsgenie/wire";

const args = parseArgs({
  teamId: "t1",
  name: "db alerts",
  order: 2,
  criteria: { type: "match-any-condition", conditions: [{ field: "extra-properties", key: "env", operation: "equals", expectedValue: "prod" }, { field: "tags", operation: "contains", expectedValue: "db", not: true }] },
  timeRestriction: { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 30 } },
  notify: { type: "schedule", name: "Primary" },
});

describe("opsgenie wire", () => {
  it("create body: camelCase, defaults explicit, order and timezone only when managed", () => {
    const n = normalize(args);
    expect(toCreateBody(n)).toEqual({
      name: "db alerts",
      order: 2,
      criteria: {
        type: "match-any-condition",
        conditions: [
          { field: "extra-properties", key: "env", not: false, operation: "equals", expectedValue: "prod", order: 0 },
          { field: "tags", not: true, operation: "contains", expectedValue: "db", order: 0 },
        ],
      },
      timeRestriction: { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 30 } },
      notify: { type: "schedule", name: "Primary" },
    });
    const patch = toPatchBody(normalize({ ...args, timeRestriction: undefined }));
    expect(patch).not.toHaveProperty("order");
    expect(patch.timeRestriction).toBeNull();
    expect(toPatchBody(n, { isDefault: true })).toEqual({ name: "db alerts", notify: { type: "schedule", name: "Primary" } });
  });

  it("round trip: what the API echoes reads back to outputs with no diff", () => {
    const n = normalize(args);
    const body = toCreateBody(n) as Record<string, unknown>;
    const echoed = { ...body, id: "r-9", isDefault: false, order: 2, timezone: "America/Los_Angeles", notify: { type: "schedule", id: "s-1", name: "Primary" } };
    const live = fromWireRule(echoed as never);
    const outs = toOutputs(live, { teamId: "t1", adoptExisting: false, notifyBy: "name" });
    expect(outs).toMatchObject({ teamId: "t1", ruleId: "r-9", notifyId: "s-1", notifyName: "Primary", notify: { type: "schedule", name: "Primary" }, order: 2 });
    expect(diffNormalized(outs, n)).toEqual({ changes: false, replaces: [] });
    // Server omissions take the documented defaults.
    const sparse = fromWireRule({ id: "x", criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "contains" }] } }, 3);
    expect(sparse.criteria.conditions[0]).toEqual({ field: "message", operation: "contains", not: false, expectedValue: "", order: 0 });
    expect(sparse.order).toBe(3);
    expect(sparse.notify).toEqual({ type: "none" });
  });

  it("ids", () => {
    expect(formatId("t1", "r1")).toBe("t1/r1");
    expect(parseId("t1/r1")).toEqual({ team: "t1", byName: false, ruleId: "r1" });
    expect(parseId("name:Ops Team/r1")).toEqual({ team: "Ops Team", byName: true, ruleId: "r1" });
    expect(parseId("r1")).toBeUndefined();
  });
});

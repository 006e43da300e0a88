import { describe, expect, it } from "vitest";
import { normalize } from "../../../src/opsgenie/team-routing-rule.diff";
import { diffNormalized } from "../../../src/opsgenie/team-routing-rule.diff";
import { parseArgs } from "../../../src/opsgenie/team-routing-rule.schema";
import { formatId, fromWireRule, parseId, toCreateBody, toOutputs, toPatchBody } from "../../../src/opsgenie/wire";

const args = parseArgs({
  teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d",
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
    // Never null (the spec allows only an object): removing a restriction is a replace.
    expect(patch).not.toHaveProperty("timeRestriction");
    expect(JSON.stringify(patch)).not.toContain("null");
    expect(toPatchBody(n).timeRestriction).toEqual(n.timeRestriction);
    expect(toPatchBody(n, { isDefault: true })).toEqual({ name: "db alerts", notify: { type: "schedule", name: "Primary" } });
  });

  it("round trip: what the API echoes reads back to outputs with no diff", () => {
    const n = normalize(args);
    const body = toCreateBody(n) as Record<string, unknown>;
    const echoed = { ...body, id: "r-9", isDefault: false, order: 2, timezone: "America/Los_Angeles", notify: { type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d", name: "Primary" } };
    const live = fromWireRule(echoed as never);
    const outs = toOutputs(live, { teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", adoptExisting: false, notifyBy: "name" });
    expect(outs).toMatchObject({ teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", ruleId: "r-9", notifyId: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d", notifyName: "Primary", notify: { type: "schedule", name: "Primary" }, order: 2 });
    expect(diffNormalized(outs, n)).toEqual({ changes: false, replaces: [] });
    // Server omissions take the documented defaults.
    const sparse = fromWireRule({ id: "x", criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "contains" }] } }, 3);
    expect(sparse.criteria.conditions[0]).toEqual({ field: "message", operation: "contains", not: false, expectedValue: "", order: 0 });
    expect(sparse.order).toBe(3);
    expect(sparse.notify).toEqual({ type: "none" });
  });

  it("ids", () => {
    expect(formatId("0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", "r1")).toBe("0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d/r1");
    expect(parseId("0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d/r1")).toEqual({ team: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", byName: false, ruleId: "r1" });
    expect(parseId("name:Ops Team/r1")).toEqual({ team: "Ops Team", byName: true, ruleId: "r1" });
    expect(parseId("r1")).toBeUndefined();
  });
});

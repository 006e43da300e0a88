import { describe, expect, it } from "vitest";
import { validate } from "../../../src/core/kit";
import { UNKNOWN } from "../../../src/core/unknown";
import { timeZoneSource } from "../../../src/core/timezones";
import { checkSchema, FIELDS, FIELD_TYPES, OPERATIONS, OPERATIONS_BY_TYPE, parseArgs } from "../../../src/opsgenie/team-routing-rule.schema";

const base = { teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", name: "r1", notify: { type: "none" } };
const check = (x: unknown) => validate(checkSchema, x);
const props = (x: unknown) => check(x).map((f) => f.property);

describe("opsgenie TeamRoutingRule check", () => {
  // Written out by hand (not from the tables the code uses), so a wrong field type is caught.
  it.each([
    ["message", "contains", true],
    ["message", "contains-key", false],
    ["tags", "contains", true],
    ["tags", "starts-with", false],
    ["details", "contains-key", true],
    ["details", "equals", false],
    ["priority", "greater-than", true],
    ["priority", "contains", false],
    ["source", "equals-ignore-whitespace", true],
  ] as const)("field %s with operation %s: valid = %s", (field, operation, ok) => {
    const failures = props({ ...base, criteria: { type: "match-all-conditions", conditions: [{ field, operation, expectedValue: "x" }] } });
    expect(failures).toEqual(ok ? [] : ["criteria.conditions[0].operation"]);
  });

  it("accepts a minimal rule and the docs' sample", () => {
    expect(check(base)).toEqual([]);
    expect(
      check({
        teamName: "Ops",
        name: "RoutingRuleName",
        order: 0,
        timezone: "America/Los_Angeles",
        criteria: {
          type: "match-any-condition",
          conditions: [
            { field: "message", not: false, operation: "contains", expectedValue: "expected1" },
            { field: "alias", not: true, operation: "starts-with", expectedValue: "expected2" },
            { field: "extra-properties", key: "expectedKey", not: true, operation: "starts-with", expectedValue: "expected3" },
          ],
        },
        timeRestriction: {
          type: "weekday-and-time-of-day",
          restrictions: [{ startDay: "monday", startHour: 8, startMin: 0, endDay: "tuesday", endHour: 18, endMin: 30 }],
        },
        notify: { type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d" },
      }),
    ).toEqual([]);
  });

  describe("every field x operation pair", () => {
    for (const field of FIELDS) {
      for (const op of OPERATIONS) {
        const allowed = OPERATIONS_BY_TYPE[FIELD_TYPES[field]].includes(op);
        it(`${field} ${op} -> ${allowed ? "ok" : "rejected"}`, () => {
          const f = check({ ...base, criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "equals" }, { field, operation: op }] } });
          if (allowed) expect(f).toEqual([]);
          else {
            expect(f.map((x) => x.property)).toEqual(["criteria.conditions[1].operation"]);
            expect(f[0].reason).toContain(field);
          }
        });
      }
    }
    it("extra-properties with a key compares a string value", () => {
      for (const op of OPERATIONS) {
        const f = check({ ...base, criteria: { type: "match-any-condition", conditions: [{ field: "extra-properties", key: "k", operation: op }] } });
        expect(f.length === 0).toBe(OPERATIONS_BY_TYPE.String.includes(op));
      }
    });
  });

  it("key only with extra-properties", () => {
    expect(props({ ...base, criteria: { type: "match-any-condition", conditions: [{ field: "message", key: "k", operation: "contains" }] } })).toEqual([
      "criteria.conditions[0].key",
    ]);
  });

  it("conditions required unless match-all, and none with match-all", () => {
    expect(props({ ...base, criteria: { type: "match-all-conditions" } })).toEqual(["criteria.conditions"]);
    expect(props({ ...base, criteria: { type: "match-any-condition", conditions: [] } })).toEqual(["criteria.conditions"]);
    expect(props({ ...base, criteria: { type: "match-all", conditions: [{ field: "message", operation: "contains" }] } })).toEqual(["criteria.conditions"]);
    expect(props({ ...base, criteria: { type: "match-some" } })).toEqual(["criteria.type"]);
    expect(props({ ...base, criteria: { type: "match-all-conditions", conditions: [{ field: "severity", operation: "contains" }] } })).toEqual(["criteria.conditions[0].field"]);
  });

  it("time-of-day restriction", () => {
    const tod = { startHour: 8, startMin: 30, endHour: 19, endMin: 0 };
    expect(check({ ...base, timeRestriction: { type: "time-of-day", restriction: tod } })).toEqual([]);
    expect(props({ ...base, timeRestriction: { type: "time-of-day" } })).toEqual(["timeRestriction.restriction"]);
    expect(props({ ...base, timeRestriction: { type: "time-of-day", restriction: { ...tod, startDay: "monday" } } })).toEqual(["timeRestriction.restriction.startDay"]);
    expect(props({ ...base, timeRestriction: { type: "time-of-day", restriction: { ...tod, endHour: 24 } } })).toEqual(["timeRestriction.restriction.endHour"]);
    expect(props({ ...base, timeRestriction: { type: "time-of-day", restriction: { ...tod, startMin: 60 } } })).toEqual(["timeRestriction.restriction.startMin"]);
    expect(props({ ...base, timeRestriction: { type: "time-of-day", restriction: { ...tod, startMin: 1.5 } } })).toEqual(["timeRestriction.restriction.startMin"]);
    // The API rounds minutes to 0 or 30: 15 would read back as drift, so check says why.
    const r15 = check({ ...base, timeRestriction: { type: "time-of-day", restriction: { ...tod, endMin: 15 } } });
    expect(r15.map((f) => f.property)).toEqual(["timeRestriction.restriction.endMin"]);
    expect(r15[0].reason).toMatch(/0 or 30.*rounds/);
    expect(props({ ...base, timeRestriction: { type: "time-of-day", restriction: tod, restrictions: [] } })).toEqual(["timeRestriction.restrictions"]);
  });

  it("weekday-and-time-of-day restrictions", () => {
    const wd = { startDay: "monday", startHour: 8, startMin: 0, endDay: "friday", endHour: 18, endMin: 30 };
    expect(check({ ...base, timeRestriction: { type: "weekday-and-time-of-day", restrictions: [wd] } })).toEqual([]);
    expect(props({ ...base, timeRestriction: { type: "weekday-and-time-of-day", restrictions: [] } })).toEqual(["timeRestriction.restrictions"]);
    expect(props({ ...base, timeRestriction: { type: "weekday-and-time-of-day", restrictions: Array(16).fill(wd) } })).toEqual(["timeRestriction.restrictions"]);
    expect(props({ ...base, timeRestriction: { type: "weekday-and-time-of-day", restrictions: [wd, { ...wd, endDay: "funday" }] } })).toEqual([
      "timeRestriction.restrictions[1].endDay",
    ]);
    expect(props({ ...base, timeRestriction: { type: "weekday-and-time-of-day", restrictions: [{ ...wd, startHour: -1 }] } })).toEqual([
      "timeRestriction.restrictions[0].startHour",
    ]);
    expect(props({ ...base, timeRestriction: { type: "weekday-and-time-of-day", restriction: { startHour: 1, startMin: 0, endHour: 2, endMin: 0 } } })).toEqual([
      "timeRestriction.restrictions",
      "timeRestriction.restriction",
    ]);
  });

  it("notify: id or name, not both, neither for none", () => {
    expect(check({ ...base, notify: { type: "schedule", name: "S" } })).toEqual([]);
    expect(check({ ...base, notify: { type: "escalation", id: "6c2d8a4b-3e5f-4a6b-9c8d-2e3f4a5b6c7d" } })).toEqual([]);
    expect(props({ ...base, notify: { type: "escalation", id: "e" } })).toEqual(["notify.id"]);
    expect(props({ ...base, notify: { type: "schedule" } })).toEqual(["notify"]);
    expect(props({ ...base, notify: { type: "schedule", id: "6c2d8a4b-3e5f-4a6b-9c8d-2e3f4a5b6c7d", name: "b" } })).toEqual(["notify"]);
    expect(props({ ...base, notify: { type: "none", id: "6c2d8a4b-3e5f-4a6b-9c8d-2e3f4a5b6c7d" } })).toEqual(["notify"]);
    expect(props({ ...base, notify: { type: "user", id: "6c2d8a4b-3e5f-4a6b-9c8d-2e3f4a5b6c7d" } })).toEqual(["notify.type"]);
    expect(props({ teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", name: "x" })).toEqual(["notify"]);
  });

  it.skipIf(timeZoneSource() !== "tzdata")("timezone: tz database zones and links (Asia/Kolkata, Europe/Kyiv, Etc/UTC), exact case", () => {
    for (const tz of ["Asia/Kolkata", "Europe/Kyiv", "Asia/Ho_Chi_Minh", "Etc/UTC", "Asia/Calcutta", "Europe/Kiev", "US/Pacific", "Etc/GMT+5", "UTC"])
      expect(check({ ...base, timezone: tz }), tz).toEqual([]);
    for (const tz of ["europe/berlin", "ASIA/KOLKATA", "Asia/kolkata", "Mars/Olympus_Mons", "Europe/Berlin ", ""]) expect(props({ ...base, timezone: tz }), tz).toEqual(["timezone"]);
  });

  it("team, name, order, timezone, unknown keys", () => {
    expect(props({ name: "r", notify: { type: "none" } })).toEqual(["teamId"]);
    expect(props({ ...base, teamName: "x" })).toEqual(["teamName"]);
    expect(props({ ...base, name: "" })).toEqual(["name"]);
    expect(props({ ...base, order: -1 })).toEqual(["order"]);
    expect(props({ ...base, order: 1.5 })).toEqual(["order"]);
    expect(props({ ...base, timezone: "Mars/Olympus" })).toEqual(["timezone"]);
    expect(props({ ...base, timezone: "america/los_angeles" })).toEqual(["timezone"]);
    expect(check({ ...base, timezone: "Europe/Istanbul" })).toEqual([]);
    expect(check({ ...base, timezone: "UTC" })).toEqual([]);
    expect(props({ ...base, timezone: "europe/berlin" })).toEqual(["timezone"]);
    expect(check({ ...base, ruleId: "x", isDefault: false })).toEqual([]);
    expect(props({ ...base, nmae: "typo" })).toEqual(["nmae"]);
    expect(check({ ...base, name: "r" }).length).toBe(0);
  });

  it("lets unknown preview values through", () => {
    expect(check({ teamId: UNKNOWN, name: UNKNOWN, order: UNKNOWN, timezone: UNKNOWN, notify: { type: "schedule", id: UNKNOWN } })).toEqual([]);
    expect(check({ ...base, criteria: { type: "match-any-condition", conditions: UNKNOWN } })).toEqual([]);
  });

  it("parseArgs drops output keys and throws with paths", () => {
    expect(parseArgs({ ...base, ruleId: "x", notifyId: "y" })).toEqual(base);
    expect(() => parseArgs({ ...base, order: -2 })).toThrow(/order/);
  });
});

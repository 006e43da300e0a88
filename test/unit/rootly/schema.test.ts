import { describe, expect, it } from "vitest";
import { validate } from "../../../src/core/kit";
import { UNKNOWN } from "../../../src/core/unknown";
import { alertRouteSchema } from "../../../src/rootly/alert-route.schema";
import { ids, routeArgs } from "./fixtures";

const i = ids();
const check = (v: unknown) => validate(alertRouteSchema, v);
const base = () => JSON.parse(JSON.stringify(routeArgs(i))) as ReturnType<typeof routeArgs> & Record<string, unknown>;

describe("RootlyAlertRoute check", () => {
  it("accepts a full route and fills nothing in the inputs", () => {
    expect(check(base())).toEqual([]);
    expect(check({ name: "minimal", alertsSourceIds: [i.source] })).toEqual([]);
  });

  it("names the property for enums, uuids and required fields", () => {
    const a = base();
    a.rules[1].destinations[0] = { targetType: "Team" as never, targetId: "not-a-uuid" };
    a.rules[0].conditionGroups[0].conditions[1].propertyFieldType = "header" as never;
    const f = check(a);
    expect(f).toContainEqual({ property: "rules[1].destinations[0].targetType", reason: expect.stringContaining('"EscalationPolicy"') });
    expect(f).toContainEqual({ property: "rules[1].destinations[0].targetId", reason: "targetId must be a UUID" });
    expect(f).toContainEqual({ property: "rules[0].conditionGroups[0].conditions[1].propertyFieldType", reason: expect.stringContaining("is not one of") });
    expect(check({ alertsSourceIds: [i.source] })[0].property).toBe("name");
    expect(check({ name: "x", alertsSourceIds: [] })).toEqual([{ property: "alertsSourceIds", reason: expect.stringContaining("at least one") }]);
    expect(check({ name: "x", alertsSourceIds: ["nope"] })).toEqual([{ property: "alertsSourceIds[0]", reason: "an alerts source id must be a UUID" }]);
    expect(check({ ...base(), colour: "red" })).toEqual([{ property: "colour", reason: "unknown property" }]);
    expect(check({ ...base(), routeId: "r-1", createdAt: "2026-01-01" })).toEqual([]);
  });

  it("destinations must not be empty", () => {
    const a = base();
    a.rules[0].destinations = [];
    expect(check(a)).toEqual([{ property: "rules[0].destinations", reason: "a rule needs at least one destination" }]);
  });

  it("at most one fallback rule, reported on the second", () => {
    const a = base() as Record<string, unknown> & { rules: Record<string, unknown>[] };
    a.rules[0].fallbackRule = true;
    a.rules[1].fallbackRule = true;
    expect(check(a)).toEqual([{ property: "rules[1].fallbackRule", reason: expect.stringContaining("at most one fallback rule") }]);
  });

  it("positions are unique, omitted ones counting as their place in the list", () => {
    const a = base() as Record<string, unknown> & { rules: Record<string, unknown>[] };
    a.rules[0].position = 2; // collides with rules[1], which defaults to 2
    expect(check(a)).toEqual([{ property: "rules[1].position", reason: expect.stringContaining("position 2 is already used by rules[0]") }]);
    const b = base();
    (b.rules[0].conditionGroups as { position?: number; conditions: unknown[] }[]).push({ position: 1, conditions: b.rules[0].conditionGroups[0].conditions });
    expect(check(b)).toEqual([{ property: "rules[0].conditionGroups[1].position", reason: expect.stringContaining("already used") }]);
    const c = base() as Record<string, unknown> & { rules: Record<string, unknown>[] };
    c.rules[0].position = 1.5;
    expect(check(c)[0]).toEqual({ property: "rules[0].position", reason: "must be an integer" });
  });

  it("value vs values per condition type", () => {
    const cond = (c: Record<string, unknown>) => check({ ...base(), rules: [{ name: "r", destinations: [{ targetType: "Service", targetId: i.service }], conditionGroups: [{ conditions: [c] }] }] });
    const at = "rules[0].conditionGroups[0].conditions[0]";
    expect(cond({ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "x", propertyFieldValue: "a" }).map((f) => f.property)).toEqual([
      `${at}.propertyFieldValues`,
      `${at}.propertyFieldValue`,
    ]);
    expect(cond({ propertyFieldConditionType: "contains", propertyFieldType: "attribute", propertyFieldName: "x", propertyFieldValues: ["a"] }).map((f) => f.property)).toEqual([
      `${at}.propertyFieldValue`,
      `${at}.propertyFieldValues`,
    ]);
    expect(cond({ propertyFieldConditionType: "is_empty", propertyFieldType: "attribute", propertyFieldName: "x", propertyFieldValue: "a" })[0].property).toBe(`${at}.propertyFieldValue`);
    expect(cond({ propertyFieldConditionType: "is_empty", propertyFieldType: "attribute", propertyFieldName: "x" })).toEqual([]);
    expect(cond({ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "urgency", alertUrgencyIds: [i.team] })).toEqual([]);
    expect(cond({ propertyFieldConditionType: "starts_with", propertyFieldType: "alert_field", propertyFieldValue: "eu" })).toEqual([
      { property: `${at}.conditionableId`, reason: expect.stringContaining("alert_field") },
    ]);
    expect(cond({ propertyFieldConditionType: "starts_with", propertyFieldType: "alert_field", conditionableType: "AlertField", conditionableId: i.field, propertyFieldValue: "eu" })).toEqual([]);
  });

  it("matches_regex must compile", () => {
    const a = base();
    a.rules[0].conditionGroups[0].conditions[1].propertyFieldValue = "([a-z";
    expect(check(a)).toEqual([{ property: "rules[0].conditionGroups[0].conditions[1].propertyFieldValue", reason: expect.stringContaining("not a valid regular expression") }]);
  });

  it("matches_regex takes Ruby syntax: inline flags and atomic groups pass", () => {
    const a = base();
    for (const v of ["(?i)^pay-", "(?i:pay)-(?>eu|us)", "\\Apay\\z"]) {
      a.rules[0].conditionGroups[0].conditions[1].propertyFieldValue = v;
      expect(check(a), v).toEqual([]);
    }
  });

  it("upper-case UUIDs are refused with the lower-case form to write", () => {
    const upper = i.source.toUpperCase().replace("00000000", "ABCDEF00");
    expect(check({ name: "x", alertsSourceIds: [upper] })).toEqual([
      { property: "alertsSourceIds[0]", reason: expect.stringContaining(`lower case, as Rootly shows it ("${upper.toLowerCase()}")`) },
    ]);
  });

  it("blank and overlong names name their property", () => {
    const a = base();
    a.name = "   ";
    a.rules[1].name = "x".repeat(256);
    expect(check(a)).toEqual([
      { property: "name", reason: "must not be empty or only whitespace" },
      { property: "rules[1].name", reason: "must be at most 255 characters" },
    ]);
  });

  it("lets values unknown at preview through", () => {
    const a = base();
    a.rules[0].destinations[0].targetId = UNKNOWN;
    expect(check(a)).toEqual([]);
    expect(check({ name: "x", alertsSourceIds: UNKNOWN })).toEqual([]);
    expect(check({ name: "x", alertsSourceIds: [i.source], owningTeamIds: [UNKNOWN, "bad"] })).toEqual([{ property: "owningTeamIds[1]", reason: "an owning team id must be a UUID" }]);
  });
});

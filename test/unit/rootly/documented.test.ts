import { describe, expect, it } from "vitest";
import { alertRouteSchema, CONDITION_TYPES, FIELD_TYPES, TARGET_TYPES } from "../../../src/rootly/alert-route.schema";
import { routeToWire } from "../../../src/rootly/wire";
import { normalizeRoute } from "../../../src/rootly/alert-route.diff";
import * as emulator from "../../../src/rootly/emulator/validation";
import { ids } from "./fixtures";

// Rootly's documented enums (swagger of PUT /v1/alert_routes/{id},
// ../shared/vendor-docs/rootly-alert-route-update.md), written out here so that the
// provider's schema and the emulator's own rules are each checked against the docs,
// not against each other.
const DOCS = {
  target_type: ["Service", "Group", "Functionality", "EscalationPolicy"],
  property_field_condition_type: ["is_one_of", "is_not_one_of", "contains", "does_not_contain", "starts_with", "ends_with", "matches_regex", "is_empty"],
  property_field_type: ["attribute", "payload", "alert_field"],
  conditionable_type: ["AlertField"],
};

const I = ids();
const everyId = () => true;

/** The values each condition type compares against, as the provider requires them. */
function condition(type: string, fieldType = "attribute") {
  const values = type === "is_one_of" || type === "is_not_one_of" ? { propertyFieldValues: ["a"] } : type === "is_empty" ? {} : { propertyFieldValue: "a" };
  const field = fieldType === "alert_field" ? { conditionableType: "AlertField", conditionableId: I.field } : { propertyFieldName: "f" };
  return { propertyFieldConditionType: type, propertyFieldType: fieldType, ...field, ...values };
}

function route(rule: Record<string, unknown>, rules: Record<string, unknown>[] = [rule]) {
  return { name: "r", alertsSourceIds: [I.source], rules };
}

/** [provider accepts, emulator accepts] for one route. */
function verdicts(args: ReturnType<typeof route>): [boolean, boolean] {
  const parsed = alertRouteSchema.safeParse(args);
  // The emulator judges the same route as sent (routeToWire maps names, not values, so a bad value reaches it).
  const wire = routeToWire(normalizeRoute(args as never)).data.attributes as unknown as Record<string, unknown>;
  return [parsed.success, emulator.validateRoute(wire, true, everyId).length === 0];
}

const rule = (over: Record<string, unknown>) => ({ name: "x", destinations: [{ targetType: "Service", targetId: I.service }], conditionGroups: [{ conditions: [condition("contains")] }], ...over });

describe("Rootly: provider and emulator agree with the documented tables", () => {
  it("have the documented enums", () => {
    expect([...TARGET_TYPES]).toEqual(DOCS.target_type);
    expect(Object.keys(emulator.TARGET_KINDS)).toEqual(DOCS.target_type);
    expect([...CONDITION_TYPES]).toEqual(DOCS.property_field_condition_type);
    expect(emulator.CONDITION_TYPES).toEqual(DOCS.property_field_condition_type);
    expect([...FIELD_TYPES]).toEqual(DOCS.property_field_type);
    expect(emulator.FIELD_TYPES).toEqual(DOCS.property_field_type);
    expect(emulator.CONDITIONABLE_TYPES).toEqual(DOCS.conditionable_type);
  });

  it("both accept every documented value and refuse an undocumented one", () => {
    for (const t of DOCS.target_type) expect(verdicts(route(rule({ destinations: [{ targetType: t, targetId: I.service }] }))), t).toEqual([true, true]);
    expect(verdicts(route(rule({ destinations: [{ targetType: "User", targetId: I.service }] })))).toEqual([false, false]);
    for (const t of DOCS.property_field_condition_type) expect(verdicts(route(rule({ conditionGroups: [{ conditions: [condition(t)] }] }))), t).toEqual([true, true]);
    expect(verdicts(route(rule({ conditionGroups: [{ conditions: [condition("equals")] }] })))).toEqual([false, false]);
    for (const t of DOCS.property_field_type) expect(verdicts(route(rule({ conditionGroups: [{ conditions: [condition("contains", t)] }] }))), t).toEqual([true, true]);
    expect(verdicts(route(rule({ conditionGroups: [{ conditions: [condition("contains", "header")] }] })))).toEqual([false, false]);
    const otherConditionable = { ...condition("contains", "alert_field"), conditionableType: "Service" };
    expect(verdicts(route(rule({ conditionGroups: [{ conditions: [otherConditionable] }] })))).toEqual([false, false]);
  });

  it("both allow one fallback rule per route, not two (documented 422 \"multiple fallback rules\")", () => {
    const fallback = (name: string) => rule({ name, fallbackRule: true });
    expect(verdicts(route(fallback("a"), [fallback("a"), rule({ name: "b" })]))).toEqual([true, true]);
    expect(verdicts(route(fallback("a"), [fallback("a"), fallback("b")]))).toEqual([false, false]);
  });
});

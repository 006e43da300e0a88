import { describe, expect, it } from "vitest";
import { normalizeRoute } from "../../../src/rootly/alert-route.diff";
import { rootlyProtocol } from "../../../src/rootly/protocol";
import { pointerToPath, routeFromWire, routeToWire } from "../../../src/rootly/wire";
import { ids, routeArgs } from "./fixtures";

const i = ids();

describe("Rootly wire format", () => {
  it("round trips a route through JSON:API snake_case", () => {
    const n = normalizeRoute({ ...routeArgs(i), enabled: false });
    const doc = routeToWire(n);
    expect(doc.data.type).toBe("alert_routes");
    expect(doc.data.attributes).toMatchObject({ name: "payments", enabled: false, alerts_source_ids: [i.source], owning_team_ids: [i.team] });
    const rule = doc.data.attributes.rules![0];
    expect(rule).toMatchObject({ name: "critical", position: 1, fallback_rule: false, destinations: [{ target_type: "EscalationPolicy", target_id: i.policy }] });
    expect(rule.condition_groups[0].conditions[0]).toEqual({
      property_field_condition_type: "is_one_of",
      property_field_type: "attribute",
      property_field_name: "severity",
      property_field_values: ["sev0", "sev1"],
    });
    // What the server answers: nested ids, nulls for absent values, timestamps.
    const answered = JSON.parse(JSON.stringify({ id: "r1", ...doc.data })) as { id: string; type: string; attributes: Record<string, unknown> & { rules: Record<string, unknown>[] } };
    answered.attributes.created_at = "2026-01-01T00:00:00Z";
    const c = (answered.attributes.rules[0].condition_groups as { conditions: Record<string, unknown>[] }[])[0].conditions[0];
    Object.assign(c, { id: "c1", property_field_value: null, alert_urgency_ids: null, conditionable_type: null, conditionable_id: null });
    const back = routeFromWire(answered as never);
    expect(back.routeId).toBe("r1");
    expect(back.createdAt).toBe("2026-01-01T00:00:00Z");
    expect(normalizeRoute(back)).toEqual(n);
  });

  it("maps JSON:API pointers to the property paths users wrote", () => {
    expect(pointerToPath("/data/attributes/rules/1/condition_groups/0/conditions/2/property_field_value")).toBe("rules[1].conditionGroups[0].conditions[2].propertyFieldValue");
    expect(pointerToPath("/data/attributes/alerts_source_ids/0")).toBe("alertsSourceIds[0]");
    expect(pointerToPath("/data/attributes/rules")).toBe("rules");
  });

  it("maps the errors envelope to kinds and field errors, and the 429 body", () => {
    const e = rootlyProtocol.toError(
      422,
      { errors: [{ title: "Validation failed", status: "422", detail: "multiple fallback rules", source: { pointer: "/data/attributes/rules" } }] },
      {},
    );
    expect(e).toMatchObject({ kind: "validation", fieldErrors: [{ field: "rules", message: "multiple fallback rules" }] });
    expect(rootlyProtocol.toError(404, { errors: [{ title: "Record not found", status: "404", detail: "Couldn't find AlertRoute" }] }, {})).toMatchObject({
      kind: "not_found",
      message: "Record not found: Couldn't find AlertRoute",
    });
    expect(rootlyProtocol.toError(429, { error: "Rate limit exceeded. Try again later." }, {})).toMatchObject({ kind: "rate_limited", message: "Rate limit exceeded. Try again later." });
    expect(rootlyProtocol.toError(401, { errors: [{ title: "Unauthorized", status: "401" }] }, {})).toMatchObject({ kind: "unauthorized" });
    expect(rootlyProtocol.toError(200, { data: {} }, {})).toBeUndefined();
    expect(rootlyProtocol.authorize("tok")).toEqual({ headers: { authorization: "Bearer tok" } });
    expect(rootlyProtocol.defaultRateLimits).toBe("read=5/60s,write=3/60s");
  });
});

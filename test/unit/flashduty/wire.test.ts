import { describe, expect, it } from "vitest";
import { flashdutyProtocol } from "../../../src/flashduty/protocol";
import { routeSchema } from "../../../src/flashduty/route.schema";
import { routeContentFromArgs, routeContentKey } from "../../../src/flashduty/route.diff";
import { routeContentFromWire, routeContentToWire, type WireRouteItem } from "../../../src/flashduty/wire";

describe("wire mapping", () => {
  it("round-trips a rule through the API shape", () => {
    const args = routeSchema.parse({
      integrationId: 5,
      cases: [
        { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [1, 2], fallthrough: true },
        { if: [{ key: "labels.service", oper: "NOTIN", vals: ["/^db-/"] }], routingMode: "name_mapping", nameMappingLabel: "labels.service" },
      ],
      sections: [{ name: "top", position: 0 }],
      default: { channelIds: [3] },
    });
    const content = routeContentFromArgs(args);
    const wire = routeContentToWire(5, content, 9);
    expect(wire).toEqual({
      integration_id: 5,
      cases: [
        { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channel_ids: [1, 2], fallthrough: true, routing_mode: "standard" },
        { if: [{ key: "labels.service", oper: "NOTIN", vals: ["/^db-/"] }], channel_ids: [], fallthrough: false, routing_mode: "name_mapping", name_mapping_label: "labels.service" },
      ],
      sections: [{ name: "top", position: 0 }],
      default: { channel_ids: [3] },
      version: 9,
    });
    // What the API returns: nulls, empty routing mode, omitted section position 0.
    const item: WireRouteItem = {
      ...wire,
      cases: [{ ...wire.cases[0], routing_mode: "" }, { ...wire.cases[1], channel_ids: null }],
      sections: [{ name: "top" }],
      version: 10,
      status: "enabled",
    };
    expect(routeContentKey(routeContentFromWire(item))).toBe(routeContentKey(content));
  });

  it("protocol: app_key in the query, errors by code even with HTTP 200, request id from the header", () => {
    expect(flashdutyProtocol.authorize("k")).toEqual({ query: { app_key: "k" } });
    expect(flashdutyProtocol.toError(200, { request_id: "r", error: { code: "InvalidParameter", message: "bad" } }, {})).toMatchObject({ kind: "validation", code: "InvalidParameter" });
    expect(flashdutyProtocol.toError(400, { error: { code: "ResourceNotFound", message: "x" } }, {})).toMatchObject({ kind: "not_found" });
    expect(flashdutyProtocol.toError(429, { error: { code: "RequestTooFrequently", message: "x" } }, {})).toMatchObject({ kind: "rate_limited" });
    expect(flashdutyProtocol.toError(404, { error: { code: "RouteNotFound", message: "x" } }, {})).toMatchObject({ kind: "config", message: expect.stringMatching(/unknown API path/) });
    expect(flashdutyProtocol.toError(502, "<html>bad gateway</html>", {})).toMatchObject({ kind: "server" });
    expect(flashdutyProtocol.toError(200, { request_id: "r", data: null }, {})).toBeUndefined();
    expect(flashdutyProtocol.requestId({ "flashcat-request-id": "h" }, { request_id: "b" })).toBe("h");
    expect(flashdutyProtocol.requestId({}, { request_id: "b" })).toBe("b");
  });
});

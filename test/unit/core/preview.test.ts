import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createDispatcher, DECLARED_KEY, nearestValue, validate, type AnyResourceDefinition } from "../../../src/core/kit";
import { endpointHelp, endpointProblem, endpointUrl, setStackConfig } from "../../../src/core/config";
import { resetProcessGlobals } from "../../../src/core/registry";
import { checkSchema } from "../../../src/opsgenie/team-routing-rule.schema";
import { alertRouteSchema } from "../../../src/rootly/alert-route.schema";
import { toInputs as rootlyInputs, toOutputs as rootlyOutputs } from "../../../src/rootly/alert-route.diff";
import { routeContentFromArgs, routeToInputs, toRouteOutputs } from "../../../src/flashduty/route.diff";
import { canonicalRow, mappingToInputs, toMappingOutputs } from "../../../src/flashduty/mapping.diff";
import { normalize, toInputs as opsgenieInputs } from "../../../src/opsgenie/team-routing-rule.diff";
import { declaredContext, toOutputs as opsgenieOutputs } from "../../../src/opsgenie/wire";
import { opsgenieSettings } from "../../../src/opsgenie/protocol";
import "../../../src/vendors";

// What a reviewer reads in a preview: check failures that show the value and the fix,
// endpoints refused before any call, and read's inputs in the declared shape.

describe("check failures of enums", () => {
  it("show the value given and a did-you-mean (typo, case, prefix)", () => {
    const cond = { field: "message", operation: "equal", expectedValue: "x" };
    const f = validate(checkSchema, { teamName: "Ops", name: "r", notify: { type: "none" }, criteria: { type: "match-all-conditions", conditions: [cond] } });
    expect(f).toEqual([{ property: "criteria.conditions[0].operation", reason: expect.stringMatching(/^"equal" is not one of "matches", .*; did you mean "equals"\?$/) }]);
    const day = { startDay: "Monday", startHour: 9, startMin: 0, endDay: "fri", endHour: 17, endMin: 0 };
    const g = validate(checkSchema, { teamName: "Ops", name: "r", notify: { type: "none" }, timeRestriction: { type: "weekday-and-time-of-day", restrictions: [day] } });
    expect(g).toContainEqual({ property: "timeRestriction.restrictions[0].startDay", reason: expect.stringMatching(/^"Monday" is not one of .*; did you mean "monday"\?$/) });
    expect(g).toContainEqual({ property: "timeRestriction.restrictions[0].endDay", reason: expect.stringMatching(/did you mean "friday"\?$/) });
  });
  it("say nothing when no value is close, and name a non-string value", () => {
    const f = validate(alertRouteSchema, { name: "r", alertsSourceIds: ["0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f"], rules: [{ name: "a", destinations: [{ targetType: 7, targetId: "0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f" }] }] });
    expect(f).toEqual([{ property: "rules[0].destinations[0].targetType", reason: '7 is not one of "Service", "Group", "Functionality", "EscalationPolicy"' }]);
    expect(nearestValue("starts_with", ["starts-with", "ends-with"])).toBe("starts-with");
    expect(nearestValue("escalation policy", ["Service", "EscalationPolicy"])).toBe("EscalationPolicy");
    expect(nearestValue("zzz", ["matches", "equals"])).toBeUndefined();
  });
});

describe("endpoint checks (no call)", () => {
  afterEach(() => resetProcessGlobals());
  const og = (url: string) => endpointProblem(url, "opsgenie:apiUrl", opsgenieSettings);
  it("refuse a missing scheme, an API path, a query and the web app's host, with the URL to use", () => {
    expect(og("api.eu.opsgenie.com")).toBe('opsgenie:apiUrl is "api.eu.opsgenie.com", which has no scheme: use "https://api.eu.opsgenie.com"');
    expect(og("https://api.opsgenie.com/v2")).toMatch(/without the API path "\/v2" \(the provider adds it\): use "https:\/\/api.opsgenie.com"/);
    expect(og("https://api.eu.opsgenie.com/v2/")).toMatch(/use "https:\/\/api.eu.opsgenie.com"/);
    expect(og("https://acme.app.opsgenie.com")).toMatch(/the web app's host, not the API \(https:\/\/api.opsgenie.com or https:\/\/api.eu.opsgenie.com\)/);
    expect(og("http://api.opsgenie.com")).toMatch(/served over https: use "https:\/\/api.opsgenie.com"/);
    expect(og("https://api.opsgenie.com?x=1")).toMatch(/must not have a query/);
    expect(og("ftp://api.opsgenie.com")).toMatch(/scheme must be https/);
    expect(og("https://user:pw@api.opsgenie.com")).toMatch(/never in the URL/);
    // Without a scheme the text before "@" may still be a token: it is refused without echoing it.
    for (const leaky of ["me@example.com:tok-5e3a9@api.atlassian.com", "tok-5e3a9@api.opsgenie.com/v2"]) {
      expect(og(leaky)).toMatch(/never in the URL/);
      expect(og(leaky)).not.toContain("tok-5e3a9");
    }
    expect(og("not a url")).toMatch(/not a URL/);
    for (const fine of ["https://api.opsgenie.com", "https://api.eu.opsgenie.com/", "http://127.0.0.1:4010", "https://proxy.example.com/opsgenie"]) expect(og(fine)).toBeUndefined();
  });
  it("endpointUrl names the setting it read, and the fix", () => {
    setStackConfig({ "rootly:apiUrl": "127.0.0.1:4011" });
    expect(() => endpointUrl("rootly")).toThrow(/rootly:apiUrl is "127.0.0.1:4011", which has no scheme: use "https:\/\/127.0.0.1:4011". Set it with `pulumi config set rootly:apiUrl <url>` or the ROOTLY_API_URL environment variable/);
  });
  it("errors name the host, the account, the config key and the env var", () => {
    const src = { account: 'account "ops" (JSM Operations, site acme)', credentialKey: "opsgenie:accounts.ops.apiToken", credentialEnv: "OPSGENIE_OPS_API_TOKEN", urlKey: "opsgenie:accounts.ops.apiUrl", urlEnv: "OPSGENIE_ACCOUNTS" };
    const auth = endpointHelp("http://127.0.0.1:4012/jsm/ops/api/c1", src, "auth");
    expect(auth).toContain('account "ops" (JSM Operations, site acme) at http://127.0.0.1:4012');
    expect(auth).toContain("opsgenie:accounts.ops.apiToken (or OPSGENIE_OPS_API_TOKEN)");
    expect(endpointHelp("http://127.0.0.1:9", src, "network")).toContain("check opsgenie:accounts.ops.apiUrl (or OPSGENIE_ACCOUNTS)");
  });
});

/** Declared inputs -> outputs (as create stores them) -> toInputs gives the declared inputs back. */
describe("toInputs: the declared shape from outputs", () => {
  it("Rootly: no server fields, no filled-in defaults", () => {
    const declared = {
      name: "payments",
      alertsSourceIds: ["0b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f"],
      rules: [
        { name: "critical", destinations: [{ targetType: "Service", targetId: "1b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f" }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "contains", propertyFieldType: "attribute", propertyFieldName: "summary", propertyFieldValue: "db" }] }] },
        { name: "rest", position: 5, fallbackRule: true, destinations: [{ targetType: "Group", targetId: "2b7e2a51-5c1d-4e39-9f0a-3d2c1b0a9e8f" }] },
      ],
    };
    const outs = rootlyOutputs({ ...alertRouteSchema.parse(declared), routeId: "r-1", createdAt: "t", updatedAt: "t" }, false);
    expect(rootlyInputs(outs)).toEqual(declared);
  });
  it("Flashduty route and mapping data", () => {
    const declared = { integrationId: 42, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [7] }, { if: [{ key: "service", oper: "IN", vals: ["db"] }], routingMode: "name_mapping", nameMappingLabel: "team", fallthrough: true }], default: { channelIds: [9] } };
    const outs = toRouteOutputs(declared as never, { ...routeContentFromArgs(declared as never), version: 3, status: "enabled", updatedAt: 1, updatedBy: 2 });
    expect(routeToInputs(outs)).toEqual(declared);
    const rows = [{ service: "db", team: "storage" }];
    const m = toMappingOutputs({ schemaId: "a".repeat(24), exclusive: true }, { sourceLabels: ["service"], resultLabels: ["team"] }, rows.map((r) => canonicalRow(r)), ["k1"]);
    expect(mappingToInputs(m)).toEqual({ schemaId: "a".repeat(24), rows, exclusive: true });
  });
  it("Opsgenie: teamName stays teamName, teamId stays teamId; server fields never", () => {
    for (const team of [{ teamName: "Payments" }, { teamId: "3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b" }]) {
      const declared = { ...team, name: "db", order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "contains", expectedValue: "db" }] }, notify: { type: "schedule", name: "Primary" } };
      const n = normalize(checkSchema.parse(declared) as never);
      const live = { id: "rule-1", name: "db", isDefault: false, order: 0, criteria: n.criteria, notify: { type: "schedule" as const, id: "s-1", name: "Primary" } };
      const outs = { ...opsgenieOutputs(live, declaredContext(n, "3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b")), target: "opsgenie http://127.0.0.1:4010" };
      expect(opsgenieInputs(outs)).toEqual({ ...declared, target: "opsgenie http://127.0.0.1:4010" });
    }
  });
});

describe("read hands the engine inputs, never its outputs", () => {
  const schema = z.strictObject({ name: z.string(), tags: z.array(z.string()).optional(), enabled: z.boolean().optional() });
  let live = { name: "a", tags: ["y", "x"], enabled: true };
  const def: AnyResourceDefinition = {
    module: "probe",
    type: "Thing",
    schema: schema as never,
    diff: () => ({ changes: false }),
    // Outputs: tags sorted, enabled filled in, a server id.
    toInputs: (o) => {
      const x = o as { name?: string; tags?: string[]; enabled?: boolean };
      return { name: x.name, ...(x.tags?.length ? { tags: x.tags } : {}), ...(x.enabled === false ? { enabled: false } : {}) };
    },
    create: async (i) => ({ id: "1", outs: { ...(i as object), tags: [...((i as { tags?: string[] }).tags ?? [])].sort(), enabled: true, thingId: "1" } }),
    read: async () => ({ id: "1", outs: { ...live, tags: [...live.tags].sort(), thingId: "1", revision: 1 } }),
    volatileOutputs: ["revision"],
    update: async () => ({}),
    delete: async () => undefined,
  };
  const dispatch = createDispatcher([def]);
  it("keeps the inputs as declared while the object matches them, and the live shape once it does not", async () => {
    const declared = { name: "a", tags: ["y", "x"], enabled: true };
    const created = (await dispatch("probe:Thing", "create", [declared])) as { outs: Record<string, unknown> };
    // toInputs cannot give back the explicit default and the list order: the declared inputs ride along.
    expect(created.outs[DECLARED_KEY]).toEqual(declared);
    const r1 = (await dispatch("probe:Thing", "read", ["1", created.outs])) as { inputs: unknown; props: Record<string, unknown> };
    expect(r1.inputs).toEqual(declared);
    live = { name: "b", tags: ["x"], enabled: true };
    const r2 = (await dispatch("probe:Thing", "read", ["1", r1.props])) as { inputs: unknown; props: Record<string, unknown> };
    expect(r2.inputs).toEqual({ name: "b", tags: ["x"] });
    expect(r2.props[DECLARED_KEY]).toBeUndefined();
    expect(r2.props.thingId).toBe("1");
  });
  it("a changed server bookkeeping field keeps them; drift in a field toInputs leaves out (a server default) does not", async () => {
    live = { name: "a", tags: ["x"], enabled: true };
    const declared = { name: "a", tags: ["x"], enabled: true };
    const outs = { name: "a", tags: ["x"], enabled: true, thingId: "1", revision: 1, [DECLARED_KEY]: declared };
    const read = async (o: Record<string, unknown>) => (await dispatch("probe:Thing", "read", ["1", o])) as { inputs: unknown };
    expect((await read({ ...outs, revision: 0 })).inputs).toEqual(declared);
    live = { name: "a", tags: ["x"], enabled: false };
    expect((await read(outs)).inputs).toEqual({ name: "a", tags: ["x"], enabled: false });
  });
  it("heals state whose inputs are outputs: without declared inputs, the declared shape of the live object", async () => {
    live = { name: "a", tags: ["x"], enabled: true };
    const r = (await dispatch("probe:Thing", "read", ["1", { name: "a", tags: ["x"], enabled: true, thingId: "1" }])) as { inputs: unknown };
    expect(r.inputs).toEqual({ name: "a", tags: ["x"] });
  });
});

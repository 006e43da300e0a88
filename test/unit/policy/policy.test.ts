import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unknownCheckingProxy, type PolicyResource, type StackValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../../src/core/unknown";
import { checkCorpus, checkExpectations, checkLint } from "../../../src/policy/checks";
import { parseCorpus, parseExpectations } from "../../../src/policy/files";
import { corpusPolicy, expectationsPolicy, lintPolicy, routingPolicies, stackRouting } from "../../../src/policy";

// The stack policies over what the engine hands them: props behind @pulumi/policy's
// unknown-checking proxy (reading a value unknown at preview throws), outputs of unchanged
// resources beside inputs of new ones, and FlashdutyMappingData that carries no routing.
const T = {
  opsgenie: "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule",
  rootly: "pulumi-nodejs:dynamic/rootly:AlertRoute",
  flashduty: "pulumi-nodejs:dynamic/flashduty:Route",
  mapping: "pulumi-nodejs:dynamic/flashduty:MappingData",
};
const TEAM_ID = "3f1c2a4e-8d5b-4f6a-9e7c-1b2d3e4f5a6b";

function res(type: string, name: string, props: Record<string, unknown>): PolicyResource {
  return { type, name, urn: `urn:pulumi:test::proj::${type}::${name}`, props: unknownCheckingProxy({ __provider: "exports.handler = ...", ...props }) } as unknown as PolicyResource;
}

const dbRule = (props: Record<string, unknown> = {}) =>
  res(T.opsgenie, "db", {
    teamName: "Platform",
    name: "Database",
    order: 0,
    criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "database" }] },
    notify: { type: "escalation", name: "DB_escalation" },
    ...props,
  });
// An unchanged rule: its stored outputs, with the resolved teamId and server fields.
const p1Rule = (notify: Record<string, unknown> = { type: "escalation", name: "Platform_escalation" }) =>
  res(T.opsgenie, "p1", {
    teamId: TEAM_ID,
    teamName: "Platform",
    name: "P1",
    order: 1,
    criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1", not: false, order: 0 }] },
    notify,
    ruleId: "rule-1",
    isDefault: false,
  });
const mapping = res(T.mapping, "services", { schemaId: "s1", keys: ["service"], rows: [{ service: "api" }] });
const route = (rules: unknown[]) => res(T.rootly, "payments", { name: "Payments", alertsSourceIds: ["src-1"], rules });

describe("reading the stack's routing", () => {
  it("reads all three routing types, skips FlashdutyMappingData, and keeps new and unchanged Opsgenie rules in one team", () => {
    const s = stackRouting([dbRule(), p1Rule(), mapping, route([]), res(T.flashduty, "fd", { integrationId: 7, cases: [], default: { channelIds: [1] } })]);
    expect(s.routing.opsgenie.map((d) => [d.resource, d.args.teamId, d.args.teamName])).toEqual([
      ["db", undefined, "Platform"],
      ["p1", undefined, "Platform"],
    ]);
    expect(s.routing.opsgenie[1].args).not.toHaveProperty("ruleId");
    expect(s.routing.opsgenie[0].args).not.toHaveProperty("__provider");
    expect(s.routing.rootly).toHaveLength(1);
    expect(s.routing.flashduty).toHaveLength(1);
    expect([...s.urns.keys()]).toEqual(["db", "p1", "payments", "fd"]);
    expect(s.unknowns).toEqual([]);
  });

  it("records each value unknown at preview, and whether only a target id is unknown", () => {
    const s = stackRouting([dbRule({ notify: { type: "escalation", id: UNKNOWN } }), p1Rule(), res(T.opsgenie, "lag", { teamName: "Platform", name: "Lag", criteria: { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: UNKNOWN }] }, notify: { type: "none" } })]);
    expect(s.unknowns).toEqual([
      { vendor: "opsgenie", resource: "db", path: "notify.id", targetOnly: true },
      { vendor: "opsgenie", resource: "lag", path: "criteria.conditions.0.expectedValue", targetOnly: false },
    ]);
  });
});

const P1 = { name: "P1 pages the platform", alert: { opsgenie: { priority: "P1" } }, routesTo: { opsgenie: "P1" } };
const DB = { name: "database", alert: { opsgenie: { tags: ["database"], priority: "P1" } }, routesTo: { opsgenie: { rule: "Database", targets: ["DB_escalation"] } } };

describe("expectations", () => {
  it("pass when the routing does what they say", () => {
    const r = checkExpectations(stackRouting([dbRule(), p1Rule()]), parseExpectations([P1, DB], "test"));
    expect(r).toEqual({ violations: [], notChecked: [] });
  });

  it("fail with the broken expectation, the explanation, and the resources the alert went through", () => {
    // The database rule first: a P1 database alert no longer reaches the P1 rule.
    const r = checkExpectations(stackRouting([dbRule(), p1Rule()]), parseExpectations([{ ...P1, alert: { opsgenie: { priority: "P1", tags: ["database"] } } }], "test"));
    expect(r.notChecked).toEqual([]);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0].message).toContain('expectation "P1 pages the platform" failed: opsgenie: expected "P1", got "Database"');
    expect(r.violations[0].message).toContain('MATCH #0 "Database" (db)');
    expect(r.violations[0].resources).toEqual(["db"]);
  });

  it("are not checked (never passed) for a vendor whose matching values are unknown; a target id alone unknown only spares targets", () => {
    const lag = res(T.opsgenie, "lag", { teamName: "Platform", name: "Lag", order: 5, criteria: { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: UNKNOWN }] }, notify: { type: "none" } });
    const blocked = checkExpectations(stackRouting([dbRule(), p1Rule(), lag]), parseExpectations([P1], "test"));
    expect(blocked.violations).toEqual([]);
    expect(blocked.notChecked).toEqual([
      { message: 'not checked: expectation "P1 pages the platform": Opsgenie routing has values unknown until the update runs: lag (criteria.conditions.0.expectedValue)', resources: ["lag"] },
    ]);
    const targetOnly = checkExpectations(stackRouting([dbRule({ notify: { type: "escalation", id: UNKNOWN } }), p1Rule()]), parseExpectations([P1], "test"));
    expect(targetOnly).toEqual({ violations: [], notChecked: [] });
  });

  it("refuse a malformed file with the path of the bad entry", () => {
    expect(() => parseExpectations([{ alert: { opsgenie: {} }, routesTo: {} }], "exp.yaml")).toThrow(/exp.yaml: not a valid expectation list at 0.routesTo: say where at least one vendor/);
    expect(() => parseExpectations({ expectations: [{ ...P1, at: "tomorrow" }] }, "exp.yaml")).toThrow(/at 0.at: not a time/);
  });
});

describe("lint", () => {
  // Every P1 goes to the first rule: the narrower P1-from-api rule after it can never match.
  const narrow = (props: Record<string, unknown> = {}) =>
    res(T.opsgenie, "p1-api", {
      teamName: "Platform",
      name: "P1 from api",
      order: 2,
      criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }, { field: "source", operation: "equals", expectedValue: "api" }] },
      notify: { type: "escalation", name: "API_escalation" },
      ...props,
    });

  it("reports a shadowed rule as a violation on the shadowed rule's resource, naming the rule that takes its alerts", () => {
    const r = checkLint(stackRouting([dbRule(), p1Rule(), narrow()]));
    expect(r.notChecked).toEqual([]);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0].message).toMatch(/^shadowed \(error\): Opsgenie Platform rule "P1 from api": .*"P1"/);
    expect(r.violations[0].resources[0]).toBe("p1-api");
    expect(r.violations[0].advisory).toBeUndefined();
  });

  it("passes a stack without findings, and leaves out ignored kinds", () => {
    expect(checkLint(stackRouting([dbRule(), p1Rule()]))).toEqual({ violations: [], notChecked: [] });
    expect(checkLint(stackRouting([dbRule(), p1Rule(), narrow()]), { ignoreKinds: ["shadowed"] }).violations).toEqual([]);
  });

  it("does not analyse (never passes) a vendor whose matching values are unknown", () => {
    const r = checkLint(stackRouting([dbRule(), p1Rule(), narrow({ criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: UNKNOWN }] } })]));
    expect(r.violations).toEqual([]);
    expect(r.notChecked.map((n) => n.message)).toEqual(["not checked: lint: Opsgenie routing has values unknown until the update runs: p1-api (criteria.conditions.0.expectedValue)"]);
  });

  it("is the first of the routing policies, mandatory unless configured otherwise", () => {
    expect(routingPolicies().map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["alert-routing-lint", "mandatory"],
      ["alert-routing-expectations", "mandatory"],
      ["alert-routing-corpus", "mandatory"],
    ]);
    expect(routingPolicies({ lint: { enforcementLevel: "advisory" } })[0].enforcementLevel).toBe("advisory");
    expect(lintPolicy().configSchema?.properties).toHaveProperty("ignoreKinds");
  });
});

describe("corpus", () => {
  const alerts = parseCorpus([{ name: "P1", alert: { opsgenie: { priority: "P1" } } }, { opsgenie: { tags: ["database"] } }], "test");

  it("passes when every alert reaches someone (the team's default rule counts)", () => {
    expect(checkCorpus(stackRouting([dbRule(), p1Rule()]), alerts)).toEqual({ violations: [], notChecked: [] });
  });

  it("fails for an alert a rule drops (notify none), naming the rule's resource", () => {
    const r = checkCorpus(stackRouting([dbRule(), p1Rule({ type: "none" })]), alerts, { at: ["2026-11-25T10:00:00Z"] });
    expect(r.violations.map((v) => v.message.split("\n")[0])).toEqual(['corpus alert "P1" at 2026-11-25T10:00:00.000Z: it reaches nobody in Opsgenie']);
    expect(r.violations[0].resources).toEqual(["db", "p1"]);
  });

  it("fails for a Rootly alert no rule and no fallback takes, and for one no route takes", () => {
    const s = stackRouting([route([{ name: "api", destinations: [{ targetType: "Service", targetId: "11111111-1111-4111-8111-111111111111" }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "service", propertyFieldValues: ["api"] }] }] }])]);
    const r = checkCorpus(s, parseCorpus([{ name: "web", alert: { rootly: { alertsSourceId: "src-1", payload: { service: "web" } } } }, { name: "other source", alert: { rootly: { alertsSourceId: "src-9" } } }], "test"));
    expect(r.violations.map((v) => v.message.split("\n")[0].replace(/ at \S+:/, ":"))).toEqual(['corpus alert "web": it reaches nobody in Rootly', 'corpus alert "other source": no declared Rootly routing takes it']);
  });

  it("is not checked for unknown matching values, nor for a vendor the stack does not declare", () => {
    const s = stackRouting([dbRule({ teamName: UNKNOWN })]);
    const r = checkCorpus(s, parseCorpus([{ name: "P1", alert: { opsgenie: { priority: "P1" } } }, { name: "fd", alert: { flashduty: { severity: "Critical" } } }], "test"));
    expect(r.violations).toEqual([]);
    expect(r.notChecked.map((n) => n.message)).toEqual([
      'not checked: corpus alert "P1": Opsgenie routing has values unknown until the update runs: db (teamName)',
      'not checked: corpus alert "fd": the stack declares no Flashduty routing',
    ]);
  });
});

describe("the stack policies", () => {
  type Reported = { message: string; urn?: string; level: string };
  it("report a lint finding on the resource's URN at the policy's level", () => {
    const narrow = res(T.opsgenie, "p1-api", { teamName: "Platform", name: "P1 from api", order: 2, criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }] }, notify: { type: "none" } });
    const out = run(lintPolicy(), [dbRule(), p1Rule(), narrow, mapping], {});
    expect(out.map((o) => [o.urn, o.level])).toEqual([[`urn:pulumi:test::proj::${T.opsgenie}::p1-api`, "policy"]]);
  });

  function run(policy: ReturnType<typeof corpusPolicy>, resources: PolicyResource[], config: object): Reported[] {
    const out: Reported[] = [];
    const args = {
      resources,
      stackTags: new Map(),
      getConfig: () => config,
      notApplicable: (reason?: string) => {
        throw new Error(`not applicable: ${reason}`);
      },
    } as unknown as StackValidationArgs;
    const report = (m: string | { message: string; urn?: string; enforcementLevel: string }, urn?: string) =>
      out.push(typeof m === "string" ? { message: m, urn, level: "policy" } : { message: m.message, urn: m.urn, level: m.enforcementLevel });
    void policy.validateStack(args, report as never);
    return out;
  }

  it("read a YAML corpus file found from the config, report violations at the policy's level on the resource, and notes as advisory", () => {
    const dir = mkdtempSync(join(tmpdir(), "ar-policy-"));
    writeFileSync(join(dir, "p1.yaml"), "- name: P1\n  at: 2026-11-25T10:00:00Z\n  alert:\n    opsgenie: { priority: P1 }\n- name: fd\n  alert: { flashduty: { severity: Critical } }\n");
    const policy = corpusPolicy();
    expect(policy.enforcementLevel).toBe("mandatory");
    const out = run(policy, [dbRule(), p1Rule({ type: "none" }), mapping], { file: "p1.yaml", baseDir: dir });
    expect(out.map((o) => [o.message.split("\n")[0], o.urn, o.level])).toEqual([
      ['corpus alert "P1" at 2026-11-25T10:00:00.000Z: it reaches nobody in Opsgenie', `urn:pulumi:test::proj::${T.opsgenie}::db`, "policy"],
      ['not checked: corpus alert "fd": the stack declares no Flashduty routing', undefined, "advisory"],
    ]);
  });

  it("take inline expectations from the config over the factory's defaults, and say so when nothing is configured", () => {
    const policy = expectationsPolicy({ enforcementLevel: "advisory", expectations: [P1] });
    expect(policy.enforcementLevel).toBe("advisory");
    expect(run(policy, [dbRule(), p1Rule()], {})).toEqual([]);
    expect(run(policy, [dbRule(), p1Rule()], { expectations: [{ ...P1, routesTo: { opsgenie: "Database" } }] })[0].message).toContain('expected "Database", got "P1"');
    expect(() => run(expectationsPolicy(), [dbRule()], {})).toThrow("not applicable: no expectations configured");
  });

  it("read the JSON Lines corpus `alert-routing impact --alerts` reads (an alert a line, its `at` beside it)", () => {
    const dir = mkdtempSync(join(tmpdir(), "ar-policy-"));
    writeFileSync(join(dir, "alerts.jsonl"), '{"opsgenie":{"priority":"P1"},"at":"2026-11-25T10:00:00Z"}\n\n{"opsgenie":{"priority":"P1"},"at":"2026-11-25T11:00:00Z"}\n');
    const out = run(corpusPolicy(), [dbRule(), p1Rule({ type: "none" })], { file: join(dir, "alerts.jsonl") });
    expect(out.map((o) => o.message.split("\n")[0])).toEqual(['corpus alert "#1" at 2026-11-25T10:00:00.000Z: it reaches nobody in Opsgenie', 'corpus alert "#2" at 2026-11-25T11:00:00.000Z: it reaches nobody in Opsgenie']);
    writeFileSync(join(dir, "bad.jsonl"), '{"opsgenie":{}}\n{oops\n');
    expect(() => run(corpusPolicy(), [dbRule()], { file: join(dir, "bad.jsonl") })).toThrow(/bad.jsonl:2: /);
  });

  it("fail loudly on a missing file, saying where they looked", () => {
    expect(() => run(corpusPolicy(), [dbRule()], { file: "missing.yaml", baseDir: "/nowhere" })).toThrow(/missing.yaml not found \(looked in \/nowhere\/missing.yaml/);
  });
});

describe("the shipped policy pack", () => {
  it("reports the package's version (@pulumi/policy reads it from the pack's package.json)", () => {
    const root = join(__dirname, "..", "..", "..");
    const version = (f: string) => (JSON.parse(readFileSync(f, "utf8")) as { version: string }).version;
    expect(version(join(root, "policy-pack", "package.json"))).toBe(version(join(root, "package.json")));
  });
});

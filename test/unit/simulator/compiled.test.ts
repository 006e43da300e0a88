import { describe, expect, it } from "vitest";
import { compileRouting, routingFromArgs } from "../../../src/simulator";
import type { FlashdutyRouteArgs } from "../../../src/flashduty/route.types";
import type { RootlyAlertRouteArgs, RootlyAlertRouteCondition, RootlyAlertRouteRule } from "../../../src/rootly/alert-route.types";
import type { OpsgenieTeamRoutingRuleArgs } from "../../../src/opsgenie/team-routing-rule.types";
import type { FastUnit, SimAlert } from "../../../src/simulator/types";
import { decision, rng } from "./both-paths";

// The many-alerts path (guard index, memoized patterns, no explanation text)
// decides exactly as the explaining path, on a corpus that exercises guards
// beside negations, unevaluable patterns, time restrictions and case folding.
const r = rng(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const WORDS = ["db", "DB", "web", "Web ", "cache", "", "eu-1", "P1", "p2", "P9"];
const OPS = ["equals", "contains", "starts-with", "ends-with", "matches", "is-empty", "equals-ignore-whitespace"] as const;
const FIELDS = ["message", "source", "tags", "priority", "extra-properties"] as const;

function opsgenieRules(n: number): OpsgenieTeamRoutingRuleArgs[] {
  return Array.from({ length: n }, (_, i) => {
    const conds = Array.from({ length: r() < 0.6 ? 1 : 2 }, () => {
      const field = pick(FIELDS);
      const operation = field === "priority" ? pick(["equals", "greater-than", "less-than"] as const) : field === "tags" ? pick(["contains", "is-empty", "matches"] as const) : pick(OPS);
      // Some patterns Java accepts that the simulator cannot evaluate exactly, or invalid ones.
      const expectedValue = operation === "matches" ? pick(["(?i)db.*", ".*web.*", "(?<=a)b", "[", "eu-\\d"]) : pick(WORDS);
      return { field, operation, expectedValue, ...(field === "extra-properties" ? { key: pick(["svc", "team"]) } : {}), ...(r() < 0.2 ? { not: true } : {}) };
    });
    return {
      teamName: `T${i % 24}`,
      name: `r${i}`,
      order: i,
      criteria: { type: pick(["match-all-conditions", "match-all-conditions", "match-any-condition"] as const), conditions: conds },
      ...(r() < 0.2 ? { timezone: "Europe/Berlin", timeRestriction: { type: "time-of-day" as const, restriction: { startHour: 9, startMin: 0, endHour: 17, endMin: 0 } } } : {}),
      notify: { type: "schedule", name: `s${i}` },
    } as OpsgenieTeamRoutingRuleArgs;
  });
}

function flashdutyRoutes(n: number): FlashdutyRouteArgs[] {
  return Array.from({ length: 4 }, (_, t) => ({
    integrationId: t + 1,
    cases: Array.from({ length: n }, (_, i) => ({
      if: Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({
        key: pick(["severity", "labels.service", "title", "labels.x"]),
        oper: pick(["IN", "IN", "NOTIN"] as const),
        vals: Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(["Critical", "Info", "db", "web", "db*", "/^w/", "/(?=x)/", "num:gt:3", "5"])),
      })),
      channelIds: [t * 100 + i],
      ...(r() < 0.3 ? { fallthrough: true } : {}),
    })),
    default: { channelIds: [999] },
  }));
}

function alert(): SimAlert {
  const w = () => (r() < 0.15 ? undefined : pick(WORDS));
  return {
    opsgenie: { message: w(), source: w(), tags: r() < 0.3 ? [] : [pick(WORDS), pick(WORDS)], priority: r() < 0.2 ? undefined : pick(["P1", "p2", "P3", "P5", "X"]), details: { svc: pick(WORDS), team: pick(WORDS) } },
    flashduty: { severity: pick(["Critical", "Info", undefined]), title: w(), labels: { service: pick(["db", "web", "dbx", "4", "7"]) } },
  };
}


describe("compileRouting: the fast path decides as the explained one", () => {
  for (const caseSensitive of [false, true]) {
    it(`on 3,000 generated alerts against 120 Opsgenie rules and 160 Flashduty cases (opsgenieCaseSensitive: ${caseSensitive})`, () => {
      const routing = routingFromArgs({ opsgenie: opsgenieRules(120), flashduty: flashdutyRoutes(40) });
      const compiled = compileRouting(routing, { opsgenieCaseSensitive: caseSensitive });
      const outcomes = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const a = alert();
        // Some alerts name their teams (routeTo: a walk of those teams' rules instead of every team's).
        if (i % 4 === 0) a.opsgenie!.routeTo = [`T${i % 24}`, `t${(i * 7) % 24}`];
        // Some name their integration (a walk of that route's cases).
        if (i % 4 === 1) a.flashduty!.integrationId = 1 + (i % 5);
        const at = pick(["2026-11-25T10:00:00Z", "2026-11-25T20:00:00Z"]);
        const fast = compiled.simulate(a, at).units.map(decision);
        const full = compiled.explain(a, at).units.map(decision);
        expect(fast).toEqual(full);
        for (const d of full) outcomes.add(d.outcome);
      }
      // The corpus reaches every outcome, so the comparison covers each.
      expect([...outcomes].sort()).toEqual(["cannot-evaluate", "default", "rule"]);
    });
  }
});

// The many-alerts path decides each distinct criteria and time restriction once
// per alert and shares the result between the rules (and teams) that have it.
// Only what is truly equal may share: these teams differ in one thing each
// (time restriction, zone, order, `not`, type, key, the pattern's case).
describe("compileRouting: equal criteria share one result per alert, and only equal ones", () => {
  const db = [{ field: "message", operation: "contains", expectedValue: "db" }, { field: "source", operation: "equals", expectedValue: "x" }] as const;
  const reversed = [db[1], db[0]];
  const window = { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 17, endMin: 0 } } as const;
  const rule = (teamName: string, name: string, criteria: OpsgenieTeamRoutingRuleArgs["criteria"], extra: Partial<OpsgenieTeamRoutingRuleArgs> = {}): OpsgenieTeamRoutingRuleArgs => ({ teamName, name, criteria, notify: { type: "schedule", name: `${teamName}-${name}` }, ...extra });
  const all = (conditions: readonly object[]) => ({ type: "match-all-conditions", conditions }) as OpsgenieTeamRoutingRuleArgs["criteria"];
  const any = (conditions: readonly object[]) => ({ type: "match-any-condition", conditions }) as OpsgenieTeamRoutingRuleArgs["criteria"];
  const routing = routingFromArgs({
    opsgenie: [
      // The same criteria: in business hours in Berlin, in New York, and at every time.
      rule("Berlin", "db", all(db), { timezone: "Europe/Berlin", timeRestriction: window, order: 0 }),
      rule("Berlin", "rest", { type: "match-all" }, { order: 1 }),
      rule("NewYork", "db", all(reversed), { timezone: "America/New_York", timeRestriction: window }),
      rule("Always", "db", all(reversed)),
      // The same two rules in opposite orders (`order` against declaration order in one team).
      rule("DbFirst", "db", all(db), { order: 0 }),
      rule("DbFirst", "x", all([db[1]]), { order: 1 }),
      rule("XFirst", "db", all(db), { order: 1 }),
      rule("XFirst", "x", all([db[1]]), { order: 0 }),
      // Differ only in `not`, in the type, in the details key, in the case of a (case-sensitive) pattern.
      rule("Not", "not db", all([{ ...db[0], not: true }])),
      rule("Any", "db or y", any([db[0], { ...db[1], expectedValue: "y" }])),
      rule("AllOfTwo", "db and y", all([db[0], { ...db[1], expectedValue: "y" }])),
      rule("KeySvc", "svc", all([{ field: "extra-properties", key: "svc", operation: "equals", expectedValue: "db" }])),
      rule("KeyTeam", "team", all([{ field: "extra-properties", key: "team", operation: "equals", expectedValue: "db" }])),
      rule("Upper", "DB.*", all([{ field: "message", operation: "matches", expectedValue: "DB.*" }])),
      rule("Lower", "db.*", all([{ field: "message", operation: "matches", expectedValue: "db.*" }])),
      // A match-any rule that holds through its second condition; empty fields, negated.
      rule("ThroughSource", "zzz or x", any([{ field: "message", operation: "contains", expectedValue: "zzz" }, db[1]])),
      rule("Empty", "no description", all([{ field: "description", operation: "is-empty" }])),
      rule("NotEmpty", "description", all([{ field: "description", operation: "is-empty", not: true }])),
      rule("NotContains", "not in description", all([{ field: "description", operation: "contains", expectedValue: "db", not: true }])),
      // One pattern the simulator cannot evaluate, in two teams: each reports its own rule.
      rule("Backref1", "lb", all([{ field: "message", operation: "matches", expectedValue: "(?i)(d)\\1.*" }])),
      rule("Backref2", "lb", all([{ field: "message", operation: "matches", expectedValue: "(?i)(d)\\1.*" }])),
    ],
  });
  const expected = {
    Berlin: "rest",
    NewYork: "db",
    Always: "db",
    DbFirst: "db",
    XFirst: "x",
    Not: "(default)",
    Any: "db or y",
    AllOfTwo: "(default)",
    KeySvc: "svc",
    KeyTeam: "(default)",
    Upper: "(default)",
    Lower: "db.*",
    ThroughSource: "zzz or x",
    Empty: "no description",
    NotEmpty: "(default)",
    NotContains: "not in description",
    Backref1: "(cannot evaluate)",
    Backref2: "(cannot evaluate)",
  };
  const outcome = (u: FastUnit) => (u.outcome === "rule" ? u.matched[0] : u.outcome === "default" ? "(default)" : `(${u.outcome.replace("-", " ")})`);
  for (const caseSensitive of [false, true])
    it(`in every team, as the explaining path (opsgenieCaseSensitive: ${caseSensitive})`, () => {
      const compiled = compileRouting(routing, { opsgenieCaseSensitive: caseSensitive });
      // 18:30 in Berlin, 12:30 in New York; message "db down" from source x, no description.
      const a: SimAlert = { opsgenie: { message: "db down", source: "x", details: { svc: "db", team: "web" } } };
      for (let round = 0; round < 3; round++) {
        // Decided as before on later alerts too (and on another alert in between).
        const fast = compiled.simulate(a, "2026-11-25T17:30:00Z").units;
        expect(Object.fromEntries(fast.map((u) => [u.unit, outcome(u)]))).toEqual(expected);
        expect(fast.map(decision)).toEqual(compiled.explain(a, "2026-11-25T17:30:00Z").units.map(decision));
        expect(fast.find((u) => u.unit === "Backref2")?.cannotEvaluate?.[0]).toMatch(/\(\?i\)\(d\)/);
        // routeTo selects teams (matched case-insensitively): the same decisions for those.
        const routed = compiled.simulate({ opsgenie: { ...a.opsgenie, routeTo: ["berlin", "always", "XFirst", "Backref2"] } }, "2026-11-25T17:30:00Z").units;
        expect(routed.map((u) => [u.unit, outcome(u)])).toEqual([["Berlin", "rest"], ["Always", "db"], ["XFirst", "x"], ["Backref2", "(cannot evaluate)"]]);
        const other = compiled.simulate({ opsgenie: { message: "web", source: "y", description: "db" } }, "2026-11-25T12:00:00Z").units;
        expect(Object.fromEntries(other.map((u) => [u.unit, outcome(u)]))).toMatchObject({ Berlin: "rest", Always: "(default)", XFirst: "(default)", Not: "not db", Any: "db or y", Empty: "(default)", NotEmpty: "description", NotContains: "(default)" });
      }
    });
});

describe("compileRouting: Flashduty cases with equal conditions share one result per alert, and only equal ones", () => {
  type Cond = NonNullable<FlashdutyRouteArgs["cases"]>[number]["if"][number];
  const crit: Cond = { key: "severity", oper: "IN", vals: ["Critical"] };
  const db: Cond = { key: "labels.service", oper: "IN", vals: ["db*"] };
  const route = (integrationId: number, cases: FlashdutyRouteArgs["cases"]): FlashdutyRouteArgs => ({ integrationId, cases, default: { channelIds: [integrationId * 100] } });
  const routing = routingFromArgs({
    flashduty: [
      // The same two cases in opposite orders, the first with fallthrough in one route.
      route(1, [{ if: [crit], channelIds: [11], fallthrough: true }, { if: [db], channelIds: [12] }]),
      route(2, [{ if: [db], channelIds: [21] }, { if: [crit], channelIds: [22], fallthrough: true }]),
      // Differ only in the operator, or in the key; the same conditions in another order.
      route(3, [{ if: [{ ...crit, oper: "NOTIN" }], channelIds: [31] }]),
      route(4, [{ if: [{ ...crit, key: "labels.service" }], channelIds: [41] }]),
      route(5, [{ if: [db, crit], channelIds: [51] }]),
      // A pattern the simulator cannot evaluate after a fallthrough match: the route cannot be evaluated.
      route(6, [{ if: [crit], channelIds: [61], fallthrough: true }, { if: [{ key: "title", oper: "IN", vals: ["/(?=x)/"] }], channelIds: [62] }]),
    ],
  });
  const decided = (u: FastUnit) => `${u.outcome} ${u.matched.join(",")} -> ${u.targetIds.join(",")}`;
  it("in every route, as the explaining path, and with an integrationId", () => {
    const compiled = compileRouting(routing);
    const a = { flashduty: { severity: "Critical", title: "t", labels: { service: "db-1" } } };
    for (let round = 0; round < 3; round++) {
      const fast = compiled.simulate(a).units;
      expect(fast.map(decided)).toEqual(["rule 0,1 -> 11,12", "rule 0 -> 21", "default  -> 300", "default  -> 400", "rule 0 -> 51", "cannot-evaluate  -> "]);
      expect(fast.map(decision)).toEqual(compiled.explain(a).units.map(decision));
      for (const id of [1, 2, 6]) expect(compiled.simulate({ flashduty: { ...a.flashduty, integrationId: id } }).units.map(decided)).toEqual([fast[id - 1]].map(decided));
      expect(compiled.simulate({ flashduty: { severity: "Info", labels: { service: "web" } } }).units.map(decided)).toEqual(["default  -> 100", "default  -> 200", "rule 0 -> 31", "default  -> 400", "default  -> 500", "default  -> 600"]);
    }
  });
});

describe("compileRouting: Rootly rules with equal condition groups share one result per alert, and only equal ones", () => {
  const svc: RootlyAlertRouteCondition = { propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "service", propertyFieldValues: ["db"] };
  const prod: RootlyAlertRouteCondition = { propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "env", propertyFieldValues: ["prod"] };
  const rule = (name: string, groups: RootlyAlertRouteCondition[][], position?: number): RootlyAlertRouteRule => ({ name, position, destinations: [{ targetType: "Service", targetId: name }], conditionGroups: groups.map((conditions) => ({ conditions })) });
  const route = (name: string, rules: RootlyAlertRouteRule[], extra: Partial<RootlyAlertRouteArgs> = {}): RootlyAlertRouteArgs => ({ name, alertsSourceIds: [`src-${name}`], rules: [...rules, { name: "fallback", fallbackRule: true, destinations: [{ targetType: "Service", targetId: `fb-${name}` }] }], ...extra });
  const routing = routingFromArgs({
    rootly: [
      // The same two rules in opposite positions (position against list order in one route).
      route("SvcFirst", [rule("svc", [[svc]]), rule("prod", [[prod]])]),
      route("ProdFirst", [rule("svc", [[svc]], 2), rule("prod", [[prod]], 1)]),
      // Two groups (either holds) against one group of both (both must hold); the same in another order.
      route("Either", [rule("svc or prod", [[svc], [prod]])]),
      route("Both", [rule("svc and prod", [[svc, prod]])]),
      route("BothReordered", [rule("prod and svc", [[prod, svc]])]),
      // Differ only in the field's type, in its name, in the condition type.
      route("Attribute", [rule("attribute service", [[{ ...svc, propertyFieldType: "attribute" }]])]),
      route("Name", [rule("team", [[{ ...svc, propertyFieldName: "team" }]])]),
      route("NotOneOf", [rule("not svc", [[{ ...svc, propertyFieldConditionType: "is_not_one_of" }]])]),
      // Equal rules in a disabled route take nothing.
      route("Disabled", [rule("svc", [[svc]])], { enabled: false }),
    ],
  });
  const decided = (u: FastUnit) => `${u.unit}: ${u.outcome} ${u.matched.join(",")}`;
  it("in every route, as the explaining path", () => {
    const compiled = compileRouting(routing);
    const a: SimAlert = { rootly: { payload: { service: "db", env: "staging", team: "web" }, attributes: { service: "web" } } };
    for (let round = 0; round < 3; round++) {
      const fast = compiled.simulate(a).units;
      expect(fast.map(decided)).toEqual([
        '"SvcFirst": rule svc',
        '"ProdFirst": rule svc',
        '"Either": rule svc or prod',
        '"Both": fallback fallback',
        '"BothReordered": fallback fallback',
        '"Attribute": fallback fallback',
        '"Name": fallback fallback',
        '"NotOneOf": fallback fallback',
        '"Disabled": none ',
      ]);
      expect(fast.map(decision)).toEqual(compiled.explain(a).units.map(decision));
      const both = compiled.simulate({ rootly: { payload: { service: "db", env: "prod" } } }).units;
      expect(both.slice(0, 5).map(decided)).toEqual(['"SvcFirst": rule svc', '"ProdFirst": rule prod', '"Either": rule svc or prod', '"Both": rule svc and prod', '"BothReordered": rule prod and svc']);
      const web = compiled.simulate({ rootly: { alertsSourceId: "src-NotOneOf", payload: { service: "web" } } }).units;
      expect(web.map(decided)).toEqual(['"NotOneOf": rule not svc']);
    }
  });
});

describe("compileRouting: units with more than 32 rules (several words of bits)", () => {
  it("Opsgenie: the first matching rule in order, past the first 32; Flashduty: every fallthrough match in order", () => {
    const criteria = (operation: "equals" | "contains", expectedValue: string): OpsgenieTeamRoutingRuleArgs["criteria"] => ({ type: "match-all-conditions", conditions: [{ field: "message", operation, expectedValue }] });
    const opsgenie: OpsgenieTeamRoutingRuleArgs[] = Array.from({ length: 70 }, (_, i) => ({ teamName: "Big", name: `r${i}`, order: i, criteria: i === 40 || i === 65 ? criteria("contains", "db") : criteria("equals", `never ${i}`), notify: { type: "schedule", name: `s${i}` } }));
    const flashduty: FlashdutyRouteArgs[] = [{ integrationId: 1, cases: Array.from({ length: 70 }, (_, i) => ({ if: [{ key: "title", oper: "IN" as const, vals: [i === 33 || i === 38 || i === 66 ? "db" : `never ${i}`] }], channelIds: [i], ...(i < 60 ? { fallthrough: true } : {}) })), default: { channelIds: [999] } }];
    const compiled = compileRouting(routingFromArgs({ opsgenie, flashduty }));
    const a: SimAlert = { opsgenie: { message: "db down" }, flashduty: { title: "db" } };
    const fast = compiled.simulate(a).units;
    expect(fast.map((u) => `${u.outcome} ${u.matched.join(",")} -> ${u.targetIds.join(",")}`)).toEqual(["rule r40 -> s40", "rule 33,38,66 -> 33,38,66"]);
    expect(fast.map(decision)).toEqual(compiled.explain(a).units.map(decision));
  });
});

// Rules whose values all differ (nothing shared between teams) are skipped through guards from
// their literals: a contains / starts-with / ends-with / equals on a string field, or a pattern's
// required literal, holds only on values containing one of its three-character pieces. A wrong
// guard would skip a rule that holds: one from a `not` condition, one that does not fold case
// as the condition does (or the pattern's (?i)), a match-any rule guarded by one condition
// only, a details key read from the wrong place.
describe("compileRouting: literal guards skip only rules that cannot hold", () => {
  const rule = (teamName: string, name: string, type: "match-all-conditions" | "match-any-condition", conditions: object[]): OpsgenieTeamRoutingRuleArgs =>
    ({ teamName, name, criteria: { type, conditions }, notify: { type: "schedule", name: `${teamName}-${name}` } }) as OpsgenieTeamRoutingRuleArgs;
  const routing = routingFromArgs({
    opsgenie: [
      rule("NotContains", "no checkout", "match-all-conditions", [{ field: "message", operation: "contains", expectedValue: "checkout-api", not: true }]),
      rule("NotEquals", "not the payments host", "match-all-conditions", [{ field: "source", operation: "equals", expectedValue: "payments-host", not: true }]),
      rule("Folded", "checkout upper", "match-all-conditions", [{ field: "message", operation: "contains", expectedValue: "CHECKOUT-API" }]),
      rule("StartsEnds", "host prefix and suffix", "match-all-conditions", [{ field: "source", operation: "starts-with", expectedValue: "Pay" }, { field: "entity", operation: "ends-with", expectedValue: "-EU-west" }]),
      rule("AnyTagOrMessage", "tag or message", "match-any-condition", [{ field: "tags", operation: "contains", expectedValue: "billing" }, { field: "message", operation: "contains", expectedValue: "ledger-sync" }]),
      rule("AnyTwoFields", "message or source", "match-any-condition", [{ field: "message", operation: "contains", expectedValue: "invoice-queue" }, { field: "source", operation: "ends-with", expectedValue: "queue-host" }]),
      rule("Details", "details key", "match-all-conditions", [{ field: "extra-properties", key: "component", operation: "contains", expectedValue: "gateway" }]),
      rule("PatternCi", "pattern (?i)", "match-all-conditions", [{ field: "message", operation: "matches", expectedValue: "(?i).*DISK-FULL on node.*" }]),
      rule("PatternCs", "pattern case-sensitive", "match-all-conditions", [{ field: "message", operation: "matches", expectedValue: ".*Disk-Full on Node.*" }]),
      rule("NotPattern", "not pattern", "match-all-conditions", [{ field: "message", operation: "matches", expectedValue: ".*maintenance-window.*", not: true }]),
      rule("Absent", "description contains", "match-all-conditions", [{ field: "description", operation: "contains", expectedValue: "runbook" }]),
    ],
  });
  const alerts: SimAlert[] = [
    { opsgenie: { message: "checkout-api down", source: "payments-host" } },
    { opsgenie: { message: "Checkout-API Down", source: "PAYMENTS-HOST", entity: "db-eu-WEST" } },
    { opsgenie: { message: "nothing", source: "pay-1", entity: "x-eu-west", tags: ["BILLING"] } },
    { opsgenie: { message: "LEDGER-SYNC lag", source: "other-queue-HOST", details: { component: "API-Gateway" } } },
    { opsgenie: { message: "disk-full ON NODE 7", extraProperties: { component: "gateway" } } },
    { opsgenie: { message: "Disk-Full on Node 7 during maintenance-window" } },
    { opsgenie: { message: "INVOICE-QUEUE stuck", description: "see the Runbook" } },
    { opsgenie: {} },
    // The values exactly as the rules write them (the case-sensitive switch).
    { opsgenie: { message: "CHECKOUT-API", source: "Pay-queue-host", entity: "a-EU-west", tags: ["billing"], description: "runbook" } },
  ];
  for (const caseSensitive of [false, true])
    it(`as the explaining path, rule by rule (opsgenieCaseSensitive: ${caseSensitive})`, () => {
      const compiled = compileRouting(routing, { opsgenieCaseSensitive: caseSensitive });
      const matched = new Set<string>();
      for (const a of alerts) {
        const fast = compiled.simulate(a).units;
        expect(fast.map(decision)).toEqual(compiled.explain(a).units.map(decision));
        for (const u of fast) if (u.outcome === "rule") matched.add(u.unit);
        // With routeTo, the named teams' rules are walked (guards read when a rule is reached).
        const routed: SimAlert = { opsgenie: { ...a.opsgenie, routeTo: ["NotEquals", "Folded", "AnyTwoFields", "PatternCi", "Absent"] } };
        expect(compiled.simulate(routed).units.map(decision)).toEqual(compiled.explain(routed).units.map(decision));
      }
      // Every rule holds for some alert: none of the comparisons is vacuous.
      expect([...matched].sort()).toEqual(["AnyTagOrMessage", "AnyTwoFields", "Details", "Folded", "NotContains", "NotEquals", "NotPattern", "PatternCi", "PatternCs", "StartsEnds", "Absent"].sort());
    });
});

// Rootly: a rule is skipped unless the alert's payload values mark it (a listed value of an
// is_one_of, a piece of a contains / starts_with / ends_with value or of a case-sensitive
// pattern's literal); groups are ORed, so each group must be guarded. A wrong guard (on a
// negative condition, on one group of two, on a case-insensitive pattern, missing list values
// or nested paths) would skip a rule that holds.
describe("compileRouting: Rootly guards skip only rules that cannot hold", () => {
  const cond = (propertyFieldConditionType: string, propertyFieldName: string, value: string | string[]): RootlyAlertRouteCondition =>
    ({ propertyFieldConditionType, propertyFieldType: "payload", propertyFieldName, ...(Array.isArray(value) ? { propertyFieldValues: value } : { propertyFieldValue: value }) }) as RootlyAlertRouteCondition;
  const rules: RootlyAlertRouteRule[] = [
    { name: "not one of", conditionGroups: [{ conditions: [cond("is_not_one_of", "env", ["production-eu"])] }], destinations: [{ targetType: "Service", targetId: "a" }] },
    { name: "two groups", conditionGroups: [{ conditions: [cond("is_one_of", "service", ["billing-api"])] }, { conditions: [cond("does_not_contain", "summary", "maintenance")] }], destinations: [{ targetType: "Service", targetId: "b" }] },
    { name: "one of", conditionGroups: [{ conditions: [cond("is_one_of", "service", ["checkout-api"])] }], destinations: [{ targetType: "Service", targetId: "c" }] },
    { name: "list value", conditionGroups: [{ conditions: [cond("is_one_of", "tags", ["pager-duty"])] }], destinations: [{ targetType: "Service", targetId: "d" }] },
    { name: "nested contains", conditionGroups: [{ conditions: [cond("contains", "labels.host", "db-primary")] }], destinations: [{ targetType: "Service", targetId: "e" }] },
    { name: "pattern ci", conditionGroups: [{ conditions: [cond("matches_regex", "summary", "(?i)disk-full")] }], destinations: [{ targetType: "Service", targetId: "f" }] },
    { name: "pattern cs", conditionGroups: [{ conditions: [cond("matches_regex", "summary", "Queue-Lag \\d+")] }], destinations: [{ targetType: "Service", targetId: "g" }] },
    { name: "ends", conditionGroups: [{ conditions: [cond("ends_with", "summary", "-timeout")] }], destinations: [{ targetType: "Service", targetId: "h" }] },
  ];
  // One route per rule (each reached alone), plus one with every rule and a fallback.
  const routes: RootlyAlertRouteArgs[] = [
    ...rules.map((rule, i) => ({ name: `R${i}`, alertsSourceIds: ["s1"], rules: [rule] })),
    { name: "All", alertsSourceIds: ["s2"], rules: [...rules.slice(1), { name: "fallback", fallbackRule: true, destinations: [{ targetType: "Service", targetId: "z" }] }] },
  ];
  const payloads: Record<string, unknown>[] = [
    { env: "staging", summary: "in maintenance now" },
    { env: "production-eu", service: "billing-api", summary: "maintenance" },
    { env: "production-eu", service: "checkout-api", summary: "maintenance" },
    { env: "production-eu", tags: ["x", "pager-duty"], summary: "maintenance" },
    { env: "production-eu", labels: { host: "eu-db-primary-1" }, summary: "maintenance" },
    { env: "production-eu", summary: "DISK-FULL maintenance" },
    { env: "production-eu", summary: "maintenance Queue-Lag 42" },
    { env: "production-eu", summary: "maintenance queue-lag 42" },
    { env: "production-eu", summary: "maintenance api-timeout" },
    { env: "production-eu" },
  ];
  it("as the explaining path, for alerts of every source and of none", () => {
    const compiled = compileRouting(routingFromArgs({ rootly: routes }));
    const matched = new Set<string>();
    for (const payload of payloads)
      for (const alertsSourceId of [undefined, "s1", "s2"]) {
        const a: SimAlert = { rootly: { payload, ...(alertsSourceId ? { alertsSourceId } : {}) } };
        const fast = compiled.simulate(a).units;
        expect(fast.map(decision)).toEqual(compiled.explain(a).units.map(decision));
        for (const u of fast) if (u.outcome === "rule") matched.add(u.matched[0]);
      }
    expect([...matched].sort()).toEqual(rules.map((r) => r.name).sort());
  });
});

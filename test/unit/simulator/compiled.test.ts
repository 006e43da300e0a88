import { describe, expect, it } from "vitest";
import { compileRouting, routingFromArgs } from "../../../src/simulator";
import type { FlashdutyRouteArgs } from "../../../src/flashduty/route.types";
import type { OpsgenieTeamRoutingRuleArgs } from "../../../src/opsgenie/team-routing-rule.types";
import type { FastUnit, SimAlert } from "../../../src/simulator/types";

// The many-alerts path (guard index, memoized patterns, no explanation text)
// decides exactly as the explaining path, on a corpus that exercises guards
// beside negations, unevaluable patterns, time restrictions and case folding.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
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

const decision = (u: FastUnit) => [u.unit, u.outcome, u.matched.join(","), u.targetIds.join(","), (u.cannotEvaluate ?? []).join(";")].join(" | ");

describe("compileRouting: the fast path decides as the explained one", () => {
  for (const caseSensitive of [false, true]) {
    it(`on 3,000 generated alerts against 120 Opsgenie rules and 160 Flashduty cases (opsgenieCaseSensitive: ${caseSensitive})`, () => {
      const routing = routingFromArgs({ opsgenie: opsgenieRules(120), flashduty: flashdutyRoutes(40) });
      const compiled = compileRouting(routing, { opsgenieCaseSensitive: caseSensitive });
      const outcomes = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const a = alert();
        const at = pick(["2026-11-25T10:00:00Z", "2026-11-25T20:00:00Z"]);
        const fast = compiled.simulate(a, at).units.map(decision);
        const full = compiled.explain(a, at).units.map(decision);
        expect(fast).toEqual(full);
        for (const d of full) outcomes.add(d.split(" | ")[1]);
      }
      // The corpus reaches every outcome, so the comparison covers each.
      expect([...outcomes].sort()).toEqual(["cannot-evaluate", "default", "rule"]);
    });
  }
});

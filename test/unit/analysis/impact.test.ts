import { describe, expect, it } from "vitest";
import { destination, impact, NOBODY, reachesNobody, type CorpusAlert, type ImpactReport } from "../../../src/analysis";
import { routingFromArgs, simulate } from "../../../src/simulator";
import type { SimulateOptions } from "../../../src/simulator/simulate";
import type { Routing, UnitResult } from "../../../src/simulator/types";

// impact() compiles each side once and replays the corpus through the many-alerts path, taking
// a destination's text from the explaining path once per distinct result. It must report exactly
// what simulating every alert with its explanation reports (the form impact had before).
function reference(before: Routing, after: Routing, alerts: CorpusAlert[], opts: SimulateOptions = {}): ImpactReport {
  const unitKey = (u: UnitResult) => `${u.vendor}\u0000${u.vendor === "opsgenie" ? u.unit : u.unit.replace(/ \([^()]*\)$/, "")}`;
  const groups = new Map<string, ImpactReport["groups"][number]>();
  let unchanged = 0;
  let nowUnrouted = 0;
  let nowRouted = 0;
  for (const alert of alerts) {
    const o = { ...opts, ...(alert.at ? { at: alert.at } : {}) };
    const a = simulate(before, alert, o).units;
    const b = simulate(after, alert, o).units;
    const ua = new Map(a.map((u) => [unitKey(u), u]));
    const ub = new Map(b.map((u) => [unitKey(u), u]));
    let differs = false;
    for (const k of new Set([...ua.keys(), ...ub.keys()])) {
      const from = destination(ua.get(k));
      const to = destination(ub.get(k));
      if (from === to) continue;
      differs = true;
      const u = (ub.get(k) ?? ua.get(k))!;
      const g = groups.get(`${k}\u0000${from}\u0000${to}`);
      if (g) g.count++;
      else groups.set(`${k}\u0000${from}\u0000${to}`, { vendor: u.vendor, unit: u.unit, from, to, count: 1, sample: alert });
    }
    if (!differs) unchanged++;
    const was = a.some((u) => !reachesNobody(u));
    const is = b.some((u) => !reachesNobody(u));
    if (was && !is) nowUnrouted++;
    if (!was && is) nowRouted++;
  }
  const sorted = [...groups.values()].sort((x, y) => Number(y.to === NOBODY) - Number(x.to === NOBODY) || y.count - x.count);
  return { total: alerts.length, unchanged, changed: alerts.length - unchanged, nowUnrouted, nowRouted, groups: sorted };
}

const rule = (teamName: string, name: string, value: string, notify: { type: "escalation" | "schedule" | "none"; name?: string }, order: number) => ({
  teamName,
  name,
  order,
  criteria: { type: "match-all-conditions" as const, conditions: [{ field: "message" as const, operation: "contains" as const, expectedValue: value }] },
  notify,
});

// Before and after differ in ways whose text the fast result alone does not carry: two rules of
// one team with the same name and target name but a different target type (and one `none`),
// and a Flashduty name_mapping case whose channel text names the alert's label value (two
// names map to one channel id).
const before = routingFromArgs({
  opsgenie: [rule("Ops", "db", "db", { type: "escalation", name: "none" }, 0), rule("Ops", "db", "web", { type: "schedule", name: "none" }, 1), rule("Ops", "x", "x", { type: "none" }, 2)],
  rootly: [{ name: "Main", alertsSourceIds: ["src-1"], rules: [{ name: "db", conditionGroups: [{ conditions: [{ propertyFieldConditionType: "contains", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValues: ["db"] }] }], destinations: [{ targetType: "Service", targetId: "svc-db" }] }] }],
  flashduty: [{ integrationId: 7, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], routingMode: "name_mapping", nameMappingLabel: "labels.team" }], default: { channelIds: [9] } }],
});
const after = routingFromArgs({
  opsgenie: [rule("Ops", "db", "web", { type: "schedule", name: "none" }, 0), rule("Ops", "db", "db", { type: "escalation", name: "none" }, 1), rule("Ops", "x", "db", { type: "none" }, 2)],
  rootly: [{ name: "Main", alertsSourceIds: ["src-1"], rules: [{ name: "fallback", fallbackRule: true, destinations: [{ targetType: "Service", targetId: "svc-any" }] }] }],
  flashduty: [{ integrationId: 7, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical", "Warning"] }], routingMode: "name_mapping", nameMappingLabel: "labels.team" }] }],
});

function corpus(n: number): CorpusAlert[] {
  const words = ["db", "web", "x", "db web", "other"];
  return Array.from({ length: n }, (_, i) => ({
    at: `2026-11-25T${String(8 + (i % 3)).padStart(2, "0")}:00:00Z`,
    opsgenie: { message: words[i % 5] },
    rootly: { alertsSourceId: "src-1", payload: { summary: words[(i * 3) % 5] } },
    flashduty: { severity: ["Critical", "Warning", "Info"][i % 3], labels: { team: ["core", "Core", "web"][(i >> 2) % 3] } },
  }));
}

describe("impact: compiled once, the same report as simulating each alert", () => {
  const opts: SimulateOptions = {};
  it("on a corpus whose destinations differ only in their text (target type, name-mapped channels)", () => {
    const alerts = corpus(120);
    const got = impact(before, after, alerts, opts);
    expect(got).toEqual(reference(before, after, alerts, opts));
    // The corpus reaches the cases above: two Opsgenie targets named "none", and several name-mapped channels.
    const tos = got.groups.map((g) => g.to);
    expect(tos.some((t) => t.includes('schedule none'))).toBe(true);
    expect(new Set(got.groups.filter((g) => g.vendor === "flashduty").map((g) => g.to)).size).toBeGreaterThan(1);
  });

  it("with channel names known: two names of one channel id stay two destinations", () => {
    const alerts = corpus(60);
    const named: SimulateOptions = { channelNames: { core: 1, Core: 1, web: 2 } };
    const got = impact(before, after, alerts, named);
    expect(got).toEqual(reference(before, after, alerts, named));
    const fd = got.groups.filter((g) => g.vendor === "flashduty").map((g) => g.to);
    expect(fd.filter((t) => t.includes("channel 1"))).toHaveLength(2);
  });
});

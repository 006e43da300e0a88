import { describe, expect, it } from "vitest";
import { diff, normalizeRoute } from "../../../src/rootly/alert-route.diff";
import type { AlertRouteOutputs } from "../../../src/rootly/alert-route.schema";
import { ids, routeArgs } from "./fixtures";

const i = ids();
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** What create stores: normalized inputs plus server fields. */
const stored = (args: ReturnType<typeof routeArgs>): AlertRouteOutputs => ({
  ...normalizeRoute(args),
  adoptExisting: false,
  routeId: "1f0e7b43-0000-4000-8000-000000000001",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});

describe("RootlyAlertRoute diff (pure)", () => {
  it("no change against its own outputs; server fields and adoptExisting never diff", () => {
    const a = routeArgs(i);
    const olds = stored(a);
    expect(diff(olds, a)).toEqual({ changes: false, replaces: [] });
    expect(diff({ ...olds, routeId: "other", updatedAt: "later" } as AlertRouteOutputs, a).changes).toBe(false);
    expect(diff(olds, { ...a, adoptExisting: true } as typeof a).changes).toBe(false);
  });

  it("positions default to list order; explicit equal positions are no change", () => {
    const a = routeArgs(i);
    const explicit = clone(a) as ReturnType<typeof routeArgs> & { rules: { position?: number }[] };
    explicit.rules[0].position = 1;
    explicit.rules[1].position = 2;
    expect(diff(stored(a), explicit).changes).toBe(false);
    expect(normalizeRoute(a).rules.map((r) => [r.name, r.position])).toEqual([
      ["critical", 1],
      ["search", 2],
    ]);
  });

  it("rules are an ordered list by position: reordering is a change, listing in a different order with the same positions is not", () => {
    const a = routeArgs(i);
    const swapped = clone(a);
    swapped.rules.reverse();
    expect(diff(stored(a), swapped)).toEqual({ changes: true, replaces: [] });
    const samePositions = clone(a) as ReturnType<typeof routeArgs> & { rules: { position?: number }[] };
    samePositions.rules[0].position = 1;
    samePositions.rules[1].position = 2;
    samePositions.rules.reverse();
    expect(diff(stored(a), samePositions).changes).toBe(false);
  });

  it("ignores orderings Rootly ignores: id sets, destinations, is_one_of values; empty lists equal none", () => {
    const a = routeArgs(i);
    a.alertsSourceIds = [i.source, i.source2];
    a.rules[0].destinations.push({ targetType: "Service", targetId: i.service } as never);
    const b = clone(a);
    b.alertsSourceIds.reverse();
    b.rules[0].destinations.reverse();
    (b.rules[0].conditionGroups[0].conditions[0] as { propertyFieldValues: string[] }).propertyFieldValues.reverse();
    (b.rules[1].conditionGroups[0].conditions[0] as Record<string, unknown>).alertUrgencyIds = [];
    expect(diff(stored(a), b).changes).toBe(false);
  });

  it("defaults: enabled true, fallbackRule false, owningTeamIds []", () => {
    const a = { name: "n", alertsSourceIds: [i.source] };
    const olds: AlertRouteOutputs = { ...normalizeRoute(a), routeId: "x", adoptExisting: false };
    expect(diff(olds, { ...a, enabled: true, owningTeamIds: [], rules: [] }).changes).toBe(false);
    expect(diff(olds, { ...a, enabled: false }).changes).toBe(true);
  });

  it("real changes are changes, never replaces", () => {
    const a = routeArgs(i);
    for (const edit of [
      (x: ReturnType<typeof routeArgs>) => void (x.name = "renamed"),
      (x: ReturnType<typeof routeArgs>) => void (x.rules[1].conditionGroups[0].conditions[0].propertyFieldValue = "other"),
      (x: ReturnType<typeof routeArgs>) => void ((x.rules[1] as Record<string, unknown>).fallbackRule = true),
      (x: ReturnType<typeof routeArgs>) => void x.rules.pop(),
      (x: ReturnType<typeof routeArgs>) => void (x.owningTeamIds = []),
    ]) {
      const b = clone(a);
      edit(b);
      expect(diff(stored(a), b)).toEqual({ changes: true, replaces: [] });
    }
  });
});

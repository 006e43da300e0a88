import type { DiffResult } from "../core/kit";
import { defaultPosition, type AlertRouteOutputs, type NormalCondition, type NormalRoute, type NormalRule } from "./alert-route.schema";
import { sameJson } from "../core/json";

/** Anything shaped like a route: validated inputs, stored outputs, or what Rootly returned. */
export interface RouteLike {
  name: string;
  enabled?: boolean;
  alertsSourceIds?: string[];
  owningTeamIds?: string[];
  rules?: {
    name: string;
    position?: number;
    fallbackRule?: boolean;
    destinations?: NormalRule["destinations"];
    conditionGroups?: { position?: number; conditions?: Partial<NormalCondition>[] }[];
  }[];
}

const sorted = (xs: readonly string[] | undefined): string[] => [...(xs ?? [])].sort();

function normalCondition(c: Partial<NormalCondition>): NormalCondition {
  const out: NormalCondition = {
    propertyFieldConditionType: c.propertyFieldConditionType!,
    propertyFieldType: c.propertyFieldType!,
  };
  // Fixed key order so that stored outputs compare and serialize the same way.
  if (c.propertyFieldName !== undefined && c.propertyFieldName !== null) out.propertyFieldName = c.propertyFieldName;
  if (c.propertyFieldValue !== undefined && c.propertyFieldValue !== null) out.propertyFieldValue = c.propertyFieldValue;
  // "is one of" lists are sets; an empty list is the same as none.
  if (c.propertyFieldValues?.length) out.propertyFieldValues = sorted(c.propertyFieldValues);
  if (c.alertUrgencyIds?.length) out.alertUrgencyIds = sorted(c.alertUrgencyIds);
  if (c.conditionableType !== undefined && c.conditionableType !== null) out.conditionableType = c.conditionableType;
  if (c.conditionableId !== undefined && c.conditionableId !== null) out.conditionableId = c.conditionableId;
  return out;
}

const byPosition = <T extends { position: number }>(xs: T[]): T[] => xs.map((x, i) => ({ x, i })).sort((a, b) => a.x.position - b.x.position || a.i - b.i).map((e) => e.x);

/**
 * The canonical form both sides of a diff are brought to: defaults filled in,
 * positions defaulted to list order and the lists sorted by them, and the
 * orderings Rootly ignores (ids in sets, destinations) sorted.
 */
export function normalizeRoute(r: RouteLike): NormalRoute {
  const rules: NormalRule[] = (r.rules ?? []).map((rule, i) => ({
    name: rule.name,
    position: rule.position ?? defaultPosition(i),
    fallbackRule: rule.fallbackRule ?? false,
    destinations: [...(rule.destinations ?? [])]
      .map((d) => ({ targetType: d.targetType, targetId: d.targetId }))
      .sort((a, b) => a.targetType.localeCompare(b.targetType) || a.targetId.localeCompare(b.targetId)),
    conditionGroups: byPosition(
      (rule.conditionGroups ?? []).map((g, j) => ({ position: g.position ?? defaultPosition(j), conditions: (g.conditions ?? []).map(normalCondition) })),
    ),
  }));
  return {
    name: r.name,
    enabled: r.enabled ?? true,
    alertsSourceIds: sorted(r.alertsSourceIds),
    owningTeamIds: sorted(r.owningTeamIds),
    rules: byPosition(rules),
  };
}

/** Server fields of a route, as `routeFromWire` returns them and state stores them. */
export interface RouteServerFields {
  routeId: string;
  createdAt?: string;
  updatedAt?: string;
}

/**
 * THE outputs of a RootlyAlertRoute, for create, read, update and adopt alike: the
 * normalized route, the server fields, and adoptExisting (never sent to Rootly).
 */
export function toOutputs(r: RouteLike & RouteServerFields, adoptExisting: boolean): AlertRouteOutputs {
  return { ...normalizeRoute(r), adoptExisting, routeId: r.routeId, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

/** The managed keys that differ between two normalized routes. */
export function changedKeys(a: NormalRoute, b: NormalRoute): (keyof NormalRoute)[] {
  return (["name", "enabled", "alertsSourceIds", "owningTeamIds", "rules"] as const).filter((k) => !sameJson(a[k], b[k]));
}

/**
 * Pure: olds are the stored outputs, news the validated inputs. Server fields
 * (routeId, timestamps) and adoptExisting never make a change; nothing replaces
 * (a rename is a PUT).
 */
export function diff(olds: RouteLike, news: RouteLike): DiffResult {
  return { changes: changedKeys(normalizeRoute(olds), normalizeRoute(news)).length > 0, replaces: [] };
}

/**
 * The inputs a user declares for these outputs (what read hands the engine): no server
 * fields, and defaults left out (enabled, positions in list order, fallbackRule false,
 * empty lists, adoptExisting false). With adoptExisting, the shape `alert-routing export`
 * writes (enabled and positions spelled out). Accepts partial outputs of older versions.
 */
export function toInputs(o: Partial<AlertRouteOutputs>): Record<string, unknown> {
  const exported = o.adoptExisting === true;
  const out: Record<string, unknown> = { name: o.name };
  if (o.enabled === false || exported) out.enabled = o.enabled ?? true;
  out.alertsSourceIds = [...(o.alertsSourceIds ?? [])];
  if (o.owningTeamIds?.length) out.owningTeamIds = [...o.owningTeamIds];
  if (o.rules?.length)
    out.rules = o.rules.map((r, i) => {
      const rule: Record<string, unknown> = { name: r.name };
      if (r.position !== undefined && (exported || r.position !== defaultPosition(i))) rule.position = r.position;
      if (r.fallbackRule) rule.fallbackRule = true;
      rule.destinations = (r.destinations ?? []).map((d) => ({ targetType: d.targetType, targetId: d.targetId }));
      if (r.conditionGroups?.length || exported)
        rule.conditionGroups = (r.conditionGroups ?? []).map((g, j) => {
          const group: Record<string, unknown> = {};
          if (g.position !== undefined && (exported || g.position !== defaultPosition(j))) group.position = g.position;
          group.conditions = (g.conditions ?? []).map((c) => ({ ...c }));
          return group;
        });
      return rule;
    });
  if (o.adoptExisting) out.adoptExisting = true;
  return out;
}

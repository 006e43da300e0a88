// The stack's declared routing as a policy sees it: the resources the engine hands
// to a stack policy, read into the simulator's Routing, with every value the
// engine does not know yet (preview) recorded by resource and path.
import { UNKNOWN } from "../core/unknown";
import { RESOURCE_TYPES, addRegistered, emptyRouting } from "../simulator/routing";
import type { Routing, Vendor } from "../simulator/types";

/** What a policy needs of one stack resource (a subset of @pulumi/policy's PolicyResource). */
export interface StackResource {
  type: string;
  name: string;
  urn: string;
  /** The resource's properties; reading an unknown one may throw (@pulumi/policy's unknown-checking proxy). */
  props: Record<string, unknown>;
}

/** A value of a routing resource that is not known yet (preview). */
export interface UnknownValue {
  vendor: Vendor;
  resource: string;
  /** Dotted path, e.g. `criteria.conditions.0.expectedValue`. */
  path: string;
  /** True when only where alerts go is unknown (a target id), not which rule takes them. */
  targetOnly: boolean;
}

export interface StackRouting {
  routing: Routing;
  /** Pulumi resource name -> URN, for the routing resources. */
  urns: Map<string, string>;
  unknowns: UnknownValue[];
}

// Paths whose value only names a target: with them unknown, which rule or case takes an
// alert is still known (and that it reaches someone), only not the id it reaches.
const TARGET_PATHS: Record<Vendor, RegExp> = {
  opsgenie: /^notify\.(id|name)$/,
  rootly: /^rules\.\d+\.destinations\.\d+\.targetId$/,
  flashduty: /^(cases\.\d+\.channelIds|default\.channelIds)\.\d+$/,
};

// Keys that play no part in routing: `__provider`, adoption flags, display-only data, and the
// server fields the outputs of an unchanged resource carry.
const IGNORED_KEYS: Record<Vendor, ReadonlySet<string>> = {
  opsgenie: new Set(["adoptExisting", "ruleId", "isDefault", "notifyId", "notifyName", "target"]),
  rootly: new Set(["adoptExisting", "owningTeamIds", "routeId", "createdAt", "updatedAt"]),
  flashduty: new Set(["adoptExisting", "resetOnDelete", "sections", "version", "status", "updatedAt", "updatedBy"]),
};

/**
 * A plain copy of `value` in which every value that cannot be read because it is
 * unknown (the proxy throws `isUnknownError`) becomes the engine's unknown marker.
 */
export function plainCopy(value: unknown, isUnknownError: (e: unknown) => boolean): unknown {
  if (value === null || typeof value !== "object") return value;
  const read = (o: Record<string | number, unknown>, k: string | number): unknown => {
    try {
      return plainCopy(o[k], isUnknownError);
    } catch (e) {
      if (isUnknownError(e)) return UNKNOWN;
      throw e;
    }
  };
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(read(value as unknown as Record<number, unknown>, i));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = read(value as Record<string, unknown>, k);
  return out;
}

function unknownPathsOf(v: unknown, at: string[] = []): string[] {
  if (v === UNKNOWN) return [at.join(".")];
  if (Array.isArray(v)) return v.flatMap((x, i) => unknownPathsOf(x, [...at, String(i)]));
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => unknownPathsOf(x, [...at, k]));
  return [];
}

/**
 * Opsgenie outputs hold the resolved `teamId` beside the `teamName` the program gave; new rules
 * (inputs at preview) hold the name alone. Keep the name so both land in one team.
 */
function routingArgs(vendor: Vendor, props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!k.startsWith("__") && !IGNORED_KEYS[vendor].has(k)) out[k] = v;
  if (vendor === "opsgenie" && typeof out.teamName === "string" && out.teamName !== UNKNOWN) delete out.teamId;
  return out;
}

/** Reads the routing resources of a stack (FlashdutyMappingData and any other type are skipped). */
export function readStackRouting(resources: readonly StackResource[], isUnknownError: (e: unknown) => boolean): StackRouting {
  const routing = emptyRouting();
  const urns = new Map<string, string>();
  const unknowns: UnknownValue[] = [];
  for (const r of resources) {
    const vendor = RESOURCE_TYPES[r.type];
    if (!vendor) continue;
    const args = routingArgs(vendor, plainCopy(r.props, isUnknownError) as Record<string, unknown>);
    for (const path of unknownPathsOf(args)) unknowns.push({ vendor, resource: r.name, path, targetOnly: TARGET_PATHS[vendor].test(path) });
    addRegistered(routing, r.type, r.name, args);
    urns.set(r.name, r.urn);
  }
  return { routing, urns, unknowns };
}

/** The unknown values that leave which rule takes an alert open, for one vendor. */
export function blockingUnknowns(s: StackRouting, vendor: Vendor): UnknownValue[] {
  return s.unknowns.filter((u) => u.vendor === vendor && !u.targetOnly);
}

/** "rule-a (criteria.conditions.0.expectedValue), rule-b (teamId)": for messages. */
export function describeUnknowns(us: readonly UnknownValue[]): string {
  const byResource = new Map<string, string[]>();
  for (const u of us) byResource.set(u.resource, [...(byResource.get(u.resource) ?? []), u.path]);
  return [...byResource].map(([r, ps]) => `${r} (${ps.join(", ")})`).join(", ");
}

import type { FlashdutyRouteArgs as RouteArgs } from "../flashduty/route.types";
import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import type { RootlyAlertRouteArgs as AlertRouteArgs } from "../rootly/alert-route.types";
import type { ExportDocument } from "../export/format";
import type { Declared, Routing, Vendor } from "./types";

/** The registered type of each routing resource (see src/<vendor>/*.resource.ts). */
export const RESOURCE_TYPES: Record<string, Vendor> = {
  "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule": "opsgenie",
  "pulumi-nodejs:dynamic/rootly:AlertRoute": "rootly",
  "pulumi-nodejs:dynamic/flashduty:Route": "flashduty",
};

/** Inputs that are not routing args: the serialized provider, and output keys the resources pre-declare as undefined. */
function cleanInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) if (k !== "__provider" && v !== undefined) out[k] = v;
  return out;
}

export const emptyRouting = (): Routing => ({ opsgenie: [], rootly: [], flashduty: [] });

/** Adds one registered resource to `routing` when its type is a routing resource; returns whether it was. */
export function addRegistered(routing: Routing, type: string, name: string, inputs: Record<string, unknown>): boolean {
  const vendor = RESOURCE_TYPES[type];
  if (!vendor) return false;
  const args = cleanInputs(inputs);
  // The program was type-checked against these arg types when it constructed the resource.
  if (vendor === "opsgenie") routing.opsgenie.push({ resource: name, args: args as unknown as TeamRoutingRuleArgs });
  else if (vendor === "rootly") routing.rootly.push({ resource: name, args: args as unknown as AlertRouteArgs });
  else routing.flashduty.push({ resource: name, args: args as unknown as RouteArgs });
  return true;
}

/** Plain args (no program): what tests that build routing by hand pass. */
export interface RoutingArgs {
  opsgenie?: (TeamRoutingRuleArgs | Declared<TeamRoutingRuleArgs>)[];
  rootly?: (AlertRouteArgs | Declared<AlertRouteArgs>)[];
  flashduty?: (RouteArgs | Declared<RouteArgs>)[];
}

function declared<A extends object>(items: (A | Declared<A>)[] | undefined): Declared<A>[] {
  return (items ?? []).map((x) => ("args" in x && typeof (x as Declared<A>).args === "object" ? (x as Declared<A>) : { args: x as A }));
}

/** Builds a Routing from plain args objects (or `{resource, args}` pairs). */
export function routingFromArgs(r: RoutingArgs): Routing {
  return { opsgenie: declared(r.opsgenie), rootly: declared(r.rootly), flashduty: declared(r.flashduty) };
}

const EXPORTED_TYPES: Record<string, string> = {
  OpsgenieTeamRoutingRule: "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule",
  RootlyAlertRoute: "pulumi-nodejs:dynamic/rootly:AlertRoute",
  FlashdutyRoute: "pulumi-nodejs:dynamic/flashduty:Route",
};

/** The routing in an `alert-routing export --format json` document (mapping data carries no routing). */
export function routingFromExport(doc: ExportDocument): Routing {
  if (!doc || doc.formatVersion !== 1 || !Array.isArray(doc.resources)) throw new Error("not an alert-routing export document (formatVersion 1)");
  const routing = emptyRouting();
  for (const r of doc.resources) {
    const type = EXPORTED_TYPES[r.type];
    if (type) addRegistered(routing, type, r.name, r.args);
  }
  return routing;
}

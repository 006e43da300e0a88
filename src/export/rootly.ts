// Reads Rootly alert routes into RootlyAlertRoute args, rules in position order.
import { resolveEndpoint } from "../core/config";
import { sameJson } from "../core/json";
import { VendorClient } from "../core/http";
import { normalizeRoute } from "../rootly/alert-route.diff";
import { alertRouteSchema } from "../rootly/alert-route.schema";
import { rootlyProtocol } from "../rootly/protocol";
import { routeFromWire, type WireList, type WireResource } from "../rootly/wire";
import { issueLines, unknownKeys, type Progress, type ReadResult } from "./format";
import { resourceName } from "./names";

const BASE = "/v1/alert_routes";
const PAGE_SIZE = 100;
const ROUTE_KEYS = ["name", "enabled", "alerts_source_ids", "owning_team_ids", "rules", "created_at", "updated_at"];
const RULE_KEYS = ["id", "name", "position", "fallback_rule", "destinations", "condition_groups", "created_at", "updated_at"];
const GROUP_KEYS = ["id", "position", "conditions", "created_at", "updated_at"];
const DESTINATION_KEYS = ["id", "target_type", "target_id", "created_at", "updated_at"];
const CONDITION_KEYS = [
  "id",
  "property_field_condition_type",
  "property_field_type",
  "property_field_name",
  "property_field_value",
  "property_field_values",
  "alert_urgency_ids",
  "conditionable_type",
  "conditionable_id",
  "created_at",
  "updated_at",
];

export interface RootlySelection {
  /** Exact route names; empty with `all`. */
  names: string[];
  all: boolean;
}

/** Every route, page by page (Rootly allows few reads a minute: each page is announced). */
async function listAll(c: VendorClient, progress: Progress): Promise<WireResource[]> {
  const out: WireResource[] = [];
  for (let page = 1; ; page++) {
    progress(`rootly: reading alert routes, page ${page} (Rootly allows about 5 reads a minute: a large account takes minutes)`);
    const r = await c.call<WireList>({ method: "GET", path: BASE, query: { "page[number]": page, "page[size]": PAGE_SIZE } });
    const data = r.body?.data ?? [];
    out.push(...data);
    const meta = r.body?.meta;
    const more = meta?.next_page ? true : r.body?.links?.next ? true : meta?.total_pages !== undefined ? page < meta.total_pages : data.length === PAGE_SIZE;
    if (!more || data.length === 0) return out;
  }
}

/** The args of one route: normalized (positions filled, rules sorted by position), defaults left out where they read as noise. */
function routeArgs(res: WireResource): Record<string, unknown> {
  const n = normalizeRoute(routeFromWire(res));
  const args: Record<string, unknown> = { name: n.name, enabled: n.enabled, alertsSourceIds: n.alertsSourceIds };
  if (n.owningTeamIds.length) args.owningTeamIds = n.owningTeamIds;
  args.rules = n.rules.map((r) => {
    const o: Record<string, unknown> = { name: r.name, position: r.position };
    if (r.fallbackRule) o.fallbackRule = true;
    o.destinations = r.destinations;
    o.conditionGroups = r.conditionGroups;
    return o;
  });
  args.adoptExisting = true;
  return args;
}

function problems(res: WireResource, args: Record<string, unknown>): string[] {
  const a = res.attributes;
  const out = unknownKeys(a, ROUTE_KEYS, "");
  (a.rules ?? []).forEach((r, i) => {
    out.push(...unknownKeys(r, RULE_KEYS, `rules.${i}`));
    (r.destinations ?? []).forEach((d, j) => out.push(...unknownKeys(d, DESTINATION_KEYS, `rules.${i}.destinations.${j}`)));
    (r.condition_groups ?? []).forEach((g, j) => {
      out.push(...unknownKeys(g, GROUP_KEYS, `rules.${i}.conditionGroups.${j}`));
      (g.conditions ?? []).forEach((c, k) => out.push(...unknownKeys(c, CONDITION_KEYS, `rules.${i}.conditionGroups.${j}.conditions.${k}`)));
    });
  });
  const parsed = alertRouteSchema.safeParse(args);
  if (!parsed.success) out.push(...issueLines(parsed.error.issues));
  else if (!sameJson(normalizeRoute(parsed.data), normalizeRoute(routeFromWire(res))))
    out.push("the route does not read back the same after validation (a value the schema changes)");
  return out;
}

export async function readRootly(sel: RootlySelection, progress: Progress): Promise<ReadResult> {
  const c = new VendorClient(rootlyProtocol, resolveEndpoint("rootly"));
  const all = await listAll(c, progress);
  const out: ReadResult = { resources: [], unsupported: [] };
  let routes = all;
  if (!sel.all) {
    const missing = sel.names.filter((n) => !all.some((r) => r.attributes?.name === n));
    if (missing.length) throw new Error(`rootly: no alert route named ${missing.map((n) => `"${n}"`).join(", ")} (names are compared exactly)`);
    routes = all.filter((r) => sel.names.includes(r.attributes?.name));
  }
  progress(`rootly: ${routes.length} alert route${routes.length === 1 ? "" : "s"} to export`);
  for (const res of routes) {
    const object = `alert route "${res.attributes?.name}" (${res.id})`;
    const args = routeArgs(res);
    const why = problems(res, args);
    const twins = all.filter((r) => r.attributes?.name === res.attributes?.name && r.id !== res.id);
    if (twins.length) why.push(`${twins.length + 1} alert routes share this name (also ${twins.map((r) => r.id).join(", ")}): adoptExisting finds a route by its name, so rename all but one`);
    if (why.length) {
      out.unsupported.push({ vendor: "rootly", object, reasons: why });
      continue;
    }
    out.resources.push({ type: "RootlyAlertRoute", baseName: resourceName(res.attributes.name), describes: `Rootly ${object}`, args, comments: {} });
  }
  return out;
}

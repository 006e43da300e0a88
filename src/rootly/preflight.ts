import { resolveEndpoint } from "../core/config";
import { VendorClient } from "../core/http";
import type { CheckFailure } from "../core/kit";
import { changedReferences, checkReferences, preflight, sourceKey, type Known, type Reference } from "../core/preflight";
import { rootlyProtocol } from "./protocol";

// Preflight of an alert route: its alerts sources, owning teams, destinations (services,
// groups, functionalities, escalation policies), alert urgencies and alert fields exist,
// checked at preview for references that are new or changed. Each collection is one
// paged GET, once per run: Rootly allows few reads a minute.

/** Where each kind of reference is listed (Rootly's "Group" target is a team). */
const COLLECTIONS = {
  alertsSource: { path: "/v1/alert_sources", what: "alerts source" },
  team: { path: "/v1/teams", what: "team" },
  Service: { path: "/v1/services", what: "service" },
  Group: { path: "/v1/teams", what: "group (team)" },
  Functionality: { path: "/v1/functionalities", what: "functionality" },
  EscalationPolicy: { path: "/v1/escalation_policies", what: "escalation policy" },
  alertUrgency: { path: "/v1/alert_urgencies", what: "alert urgency" },
  alertField: { path: "/v1/alert_fields", what: "alert field" },
} as const;

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The references of a route's inputs (new ones, or the old inputs as the engine hands them back). */
export function referencesOf(inputs: Record<string, unknown>): Reference[] {
  const refs: Reference[] = [];
  const add = (kind: keyof typeof COLLECTIONS, property: string, value: unknown) => {
    if (typeof value === "string" && value) refs.push({ property, what: COLLECTIONS[kind].what, collection: COLLECTIONS[kind].path, by: "id", value });
  };
  arr(inputs.alertsSourceIds).forEach((id, i) => add("alertsSource", `alertsSourceIds[${i}]`, id));
  arr(inputs.owningTeamIds).forEach((id, i) => add("team", `owningTeamIds[${i}]`, id));
  arr(inputs.rules).forEach((rule, i) => {
    arr(obj(rule).destinations).forEach((d, j) => {
      const t = obj(d).targetType;
      if (typeof t === "string" && t in COLLECTIONS) add(t as keyof typeof COLLECTIONS, `rules[${i}].destinations[${j}].targetId`, obj(d).targetId);
    });
    arr(obj(rule).conditionGroups).forEach((g, k) =>
      arr(obj(g).conditions).forEach((c, m) => {
        const at = `rules[${i}].conditionGroups[${k}].conditions[${m}]`;
        arr(obj(c).alertUrgencyIds).forEach((id, n) => add("alertUrgency", `${at}.alertUrgencyIds[${n}]`, id));
        add("alertField", `${at}.conditionableId`, obj(c).conditionableId);
      }),
    );
  });
  return refs;
}

interface Page {
  data?: { id?: unknown; attributes?: { name?: unknown } }[];
  meta?: { next_page?: number | null };
  links?: { next?: string | null };
}

const PAGE_SIZE = 100;

/** Every object of a collection, page by page (`page[number]`, `page[size]`). */
async function listAll(c: VendorClient, path: string): Promise<Known[]> {
  const out: Known[] = [];
  for (let page = 1; page <= 1000; page++) {
    const body = (await c.call<Page>({ method: "GET", path, query: { "page[number]": page, "page[size]": PAGE_SIZE } })).body ?? {};
    const data = body.data ?? [];
    for (const d of data) if (typeof d.id === "string") out.push({ id: d.id, name: typeof d.attributes?.name === "string" ? d.attributes.name : d.id });
    const more = body.meta?.next_page ?? (body.links?.next ? page + 1 : null);
    if (!more || !data.length) break;
  }
  return out;
}

/** The definition's `preflight` hook. */
export function alertRoutePreflight(news: Record<string, unknown>, olds: Record<string, unknown> | undefined): Promise<CheckFailure[]> {
  return preflight("rootly", "alerts sources, teams and route targets", async () => {
    const fresh = changedReferences(referencesOf(news), olds && referencesOf(olds));
    if (!fresh.length) return [];
    const endpoint = resolveEndpoint("rootly");
    const c = new VendorClient(rootlyProtocol, endpoint);
    let where: string;
    try {
      where = `Rootly (${new URL(endpoint.baseUrl).host})`;
    } catch {
      where = "Rootly";
    }
    return checkReferences("rootly", fresh, { where, key: sourceKey(endpoint.baseUrl, endpoint.credential), list: (path) => listAll(c, path) });
  });
}

import { createHash, randomUUID } from "node:crypto";

// The emulator's in-memory Rootly: routes as Rootly stores them (snake_case, nested
// ids), the catalog routes refer to, API keys and their teams, rate-limit windows,
// and the asynchronous rule processing.

export type CatalogKind = "alertSource" | "service" | "group" | "escalationPolicy" | "functionality" | "team" | "alertUrgency" | "alertField";

interface StoredCondition {
  id: string;
  property_field_condition_type: string;
  property_field_type: string;
  property_field_name: string | null;
  property_field_value: string | null;
  property_field_values: string[] | null;
  alert_urgency_ids: string[] | null;
  conditionable_type: string | null;
  conditionable_id: string | null;
}
interface StoredRule {
  id: string;
  name: string;
  position: number | null;
  fallback_rule: boolean;
  destinations: { id: string; target_type: string; target_id: string }[];
  condition_groups: { id: string; position: number | null; conditions: StoredCondition[] }[];
}
export interface StoredRoute {
  id: string;
  name: string;
  enabled: boolean;
  alerts_source_ids: string[];
  owning_team_ids: string[];
  rules: StoredRule[];
  /** Async mode: rules accepted but not applied yet. */
  pending?: { rules: StoredRule[]; readyAt: number; error?: string };
  created_at: string;
  updated_at: string;
}

/** A sliding window of calls per API key (Rootly: 5 reads / 3 writes per 60 s by default). */
export class Window {
  private readonly hits = new Map<string, number[]>();
  constructor(
    public limit: number,
    public windowMs: number,
  ) {}
  private live(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, list);
    return list;
  }
  hit(key: string, now: number): boolean {
    const list = this.live(key, now);
    if (list.length >= this.limit) return false;
    list.push(now);
    return true;
  }
  state(key: string, now: number): { used: number; remaining: number; resetAt: number } {
    const list = this.live(key, now);
    // When the oldest call in the window leaves it (or now, when it is empty).
    const resetAt = list.length >= this.limit ? list[list.length - this.limit] + this.windowMs : list.length ? list[0] + this.windowMs : now;
    return { used: list.length, remaining: Math.max(0, this.limit - list.length), resetAt };
  }
}

export interface RootlyState {
  readonly routes: Map<string, StoredRoute>;
  readonly catalog: Map<CatalogKind, Map<string, string>>;
  readonly demoIds: Record<string, string>;
  /** API keys; a key with teamIds sees only routes of those teams (or of none). */
  readonly tokens: Map<string, { teamIds?: string[] }>;
  readonly readWin: Window;
  readonly writeWin: Window;
  /** Multiplies windows and async delays. */
  readonly scale: number;
  /** Rule processing requests by `routeId/request_id`: when they finish and how. */
  readonly requests: Map<string, { readyAt: number; error?: string }>;
  asyncDelay: number | false;
  statusEndpoint: boolean;
  nextRulesError?: string;
  proxyPages: number;
  /** The alerts `GET /v1/alerts` serves (JSON:API resources). */
  readonly alerts: EmuAlert[];
}

/** A Rootly alert as `GET /v1/alerts` returns it: the attributes routing reads, the payload in `data`. */
export interface EmuAlert {
  id: string;
  type: "alerts";
  attributes: {
    summary: string;
    description?: string | null;
    source?: string;
    status?: string;
    alert_urgency_id?: string | null;
    alerts_source_id?: string | null;
    /** The payload the source sent (what `payload` conditions read). */
    data?: Record<string, unknown>;
    /** Alert field values (what `alert_field` conditions read). */
    alert_field_values?: { alert_field_id: string; value: string }[];
    created_at: string;
    [k: string]: unknown;
  };
}

export function createState(init: { token: string; scale: number; read: number; write: number; windowMs: number; asyncDelay: number | false; statusEndpoint: boolean }): RootlyState {
  return {
    routes: new Map(),
    catalog: new Map(),
    demoIds: {},
    tokens: new Map([[init.token, {}]]),
    readWin: new Window(init.read, init.windowMs * init.scale),
    writeWin: new Window(init.write, init.windowMs * init.scale),
    scale: init.scale,
    requests: new Map(),
    asyncDelay: init.asyncDelay,
    statusEndpoint: init.statusEndpoint,
    proxyPages: 0,
    alerts: [],
  };
}

/** A stable UUID-shaped id for a seeded name, so the demo and CLI users can refer to it across restarts. */
function stableId(kind: string, name: string): string {
  const h = createHash("sha256").update(`${kind}:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function seed(s: RootlyState, kind: CatalogKind, name: string): string {
  const id = stableId(kind, name);
  let m = s.catalog.get(kind);
  if (!m) s.catalog.set(kind, (m = new Map()));
  m.set(id, name);
  return id;
}

export function seedDemo(s: RootlyState): void {
  const demo: [CatalogKind, string[]][] = [
    ["alertSource", ["Datadog", "Prometheus Alertmanager", "Grafana"]],
    ["service", ["payments-api", "checkout-web", "search"]],
    ["team", ["SRE", "Payments"]],
    ["group", ["Platform On-call"]],
    ["escalationPolicy", ["Primary escalation", "Payments escalation"]],
    ["alertUrgency", ["High", "Medium", "Low"]],
  ];
  for (const [kind, names] of demo) for (const n of names) s.demoIds[`${kind}:${n}`] = seed(s, kind, n);
}

export const known = (s: RootlyState, kind: CatalogKind, id: string): boolean => s.catalog.get(kind)?.has(id) ?? false;

/** Routes of other teams are invisible to a team-scoped key (Rootly answers 404). */
export function visible(s: RootlyState, token: string, r: StoredRoute): boolean {
  const teams = s.tokens.get(token)?.teamIds;
  return !teams || r.owning_team_ids.length === 0 || r.owning_team_ids.some((t) => teams.includes(t));
}

export function applyPending(r: StoredRoute, force = false): void {
  if (r.pending && (force || r.pending.readyAt <= Date.now())) {
    if (!r.pending.error) r.rules = r.pending.rules;
    r.pending = undefined;
  }
}

const strOrNull = (v: unknown) => (typeof v === "string" ? v : null);
const listOrNull = (v: unknown) => (Array.isArray(v) ? v.map(String) : null);
const posOrNull = (v: unknown) => (typeof v === "number" ? v : null);

function storeCondition(c: Record<string, unknown>): StoredCondition {
  return {
    id: randomUUID(),
    property_field_condition_type: String(c.property_field_condition_type),
    property_field_type: String(c.property_field_type),
    property_field_name: strOrNull(c.property_field_name),
    property_field_value: strOrNull(c.property_field_value),
    property_field_values: listOrNull(c.property_field_values),
    alert_urgency_ids: listOrNull(c.alert_urgency_ids),
    conditionable_type: strOrNull(c.conditionable_type),
    conditionable_id: strOrNull(c.conditionable_id),
  };
}

/** Validated wire rules as stored: every nested object gets its own id. */
function storeRules(raw: unknown[]): StoredRule[] {
  return raw.map((x) => {
    const r = x as Record<string, unknown>;
    return {
      id: randomUUID(),
      name: String(r.name),
      position: posOrNull(r.position),
      fallback_rule: r.fallback_rule === true,
      destinations: (r.destinations as Record<string, unknown>[]).map((d) => ({ id: randomUUID(), target_type: String(d.target_type), target_id: String(d.target_id) })),
      condition_groups: (r.condition_groups as Record<string, unknown>[]).map((g) => ({
        id: randomUUID(),
        position: posOrNull(g.position),
        conditions: (g.conditions as Record<string, unknown>[]).map(storeCondition),
      })),
    };
  });
}

/** Applies validated attributes; rules may go through asynchronous processing first. */
export function applyWrite(s: RootlyState, r: StoredRoute, attrs: Record<string, unknown>): void {
  if (typeof attrs.name === "string") r.name = attrs.name;
  if (typeof attrs.enabled === "boolean") r.enabled = attrs.enabled;
  if (Array.isArray(attrs.alerts_source_ids)) r.alerts_source_ids = attrs.alerts_source_ids.map(String);
  if ("owning_team_ids" in attrs) r.owning_team_ids = Array.isArray(attrs.owning_team_ids) ? attrs.owning_team_ids.map(String) : [];
  if ("rules" in attrs) {
    const rules = storeRules(Array.isArray(attrs.rules) ? attrs.rules : []);
    const error = s.nextRulesError;
    s.nextRulesError = undefined;
    const readyAt = s.asyncDelay === false ? Date.now() : Date.now() + s.asyncDelay * s.scale;
    if (s.asyncDelay === false && !error) r.rules = rules;
    else r.pending = { rules, readyAt, error };
    if (typeof attrs.request_id === "string") s.requests.set(`${r.id}/${attrs.request_id}`, { readyAt, error });
  }
  r.updated_at = new Date().toISOString();
}

export function newRoute(): StoredRoute {
  const now = new Date().toISOString();
  return { id: randomUUID(), name: "", enabled: true, alerts_source_ids: [], owning_team_ids: [], rules: [], created_at: now, updated_at: now };
}

/** Rules as Rootly lists them: ordered by position; nested ids only with show_nested_ids. */
function renderRules(rules: StoredRule[], nestedIds: boolean): unknown[] {
  const strip = <T extends { id: string }>(o: T): Omit<T, "id"> | T => {
    if (nestedIds) return o;
    const { id: _id, ...rest } = o;
    return rest;
  };
  return [...rules]
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((r) =>
      strip({
        ...r,
        destinations: r.destinations.map(strip),
        condition_groups: r.condition_groups.map((g) => strip({ ...g, conditions: g.conditions.map(strip) })),
      }),
    );
}

export const RESOURCE_TYPE = "alert_routes";

/** A route as a JSON:API resource object. */
export function resource(r: StoredRoute, nestedIds = false) {
  return {
    id: r.id,
    type: RESOURCE_TYPE,
    attributes: {
      name: r.name,
      enabled: r.enabled,
      alerts_source_ids: r.alerts_source_ids,
      owning_team_ids: r.owning_team_ids,
      rules: renderRules(r.rules, nestedIds),
      created_at: r.created_at,
      updated_at: r.updated_at,
    },
  };
}

import { createHash, randomUUID } from "node:crypto";
import { EmulatorServer, type EmuRequest, type EmuResponse, type VendorEmulator } from "../emulator/framework";

// An in-memory Rootly `/v1/alert_routes` API written from Rootly's published docs:
// JSON:API bodies and media type, Bearer auth, `errors[]` envelopes, 404 for routes of
// other teams, 422 for invalid routes, per-key sliding-window limits (5 reads / 3 writes
// per 60 s by default) with X-RateLimit-* headers on every response, and the optional
// asynchronous rule processing where a write's response shows the old rules for a while,
// with its status endpoint (`async_rule_creation_status/{request_id}`, plain JSON).

export const ROOTLY_EMULATOR_TOKEN = "rootly-emulator-token-4b1d9e";
const MEDIA = "application/vnd.api+json";
const TYPE = "alert_routes";

export type CatalogKind = "alertSource" | "service" | "group" | "escalationPolicy" | "functionality" | "team" | "alertUrgency" | "alertField";

export interface RootlyEmulatorOptions {
  /** The token the emulator accepts (scoped to every team). Default ROOTLY_EMULATOR_TOKEN. */
  token?: string;
  /** Calls per key per window: defaults 5 reads and 3 writes per 60 s, as documented. */
  limits?: { read?: number; write?: number; windowMs?: number };
  /** Multiplies the rate-limit window and the async rule delay (e.g. 0.01 in tests). Default 1. */
  timeScale?: number;
  /** Asynchronous rule processing: rules written show up after this many ms (before timeScale). Off by default. */
  asyncRulesDelayMs?: number;
  /** Serve `GET /v1/alert_routes/{id}/async_rule_creation_status/{request_id}`. Default true. */
  asyncStatusEndpoint?: boolean;
  /** Without Advanced Alert Routing every alert route call is refused (403). Default true. */
  advancedAlertRouting?: boolean;
}

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

interface JsonApiError {
  title: string;
  status: string;
  code?: string | null;
  detail?: string | null;
  source?: { pointer: string };
}

export interface RootlyEmulator extends VendorEmulator {
  readonly vendor: "rootly";
  readonly routes: Map<string, StoredRoute>;
  readonly catalog: Map<CatalogKind, Map<string, string>>;
  /** Adds a catalog object (alert source, service, team...) and returns its id (stable for a kind and name). */
  seed(kind: CatalogKind, name: string): string;
  /** Another API key, optionally limited to some teams (routes of other teams answer 404). */
  addToken(token: string, opts?: { teamIds?: string[] }): void;
  /** Turns asynchronous rule processing on (delay in ms, before timeScale) or off. */
  setAsyncRules(delayMs: number | false): void;
  /** Turns the async rule status endpoint on or off (off: 404, as on an API without it). */
  setAsyncStatusEndpoint(on: boolean): void;
  /** The next write's rules fail asynchronous processing with this error (its status says so; the rules stay as they were). */
  failNextAsyncRules(error: string): void;
  /** Every non-JSON 502 page (a proxy's) quotes the request's bare token, for the next `times` requests. */
  proxyErrorPages(times: number): void;
  setLimits(limits: { read?: number; write?: number; windowMs?: number }): void;
  /** Applies pending async rules now. */
  flushPendingRules(): void;
  readonly demoIds: Record<string, string>;
}

/** A stable UUID-shaped id for a seeded name, so the demo and CLI users can refer to it across restarts. */
function stableId(kind: string, name: string): string {
  const h = createHash("sha256").update(`${kind}:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONDITION_TYPES = ["is_one_of", "is_not_one_of", "contains", "does_not_contain", "starts_with", "ends_with", "matches_regex", "is_empty"];
const FIELD_TYPES = ["attribute", "payload", "alert_field"];
const TARGET_KINDS: Record<string, CatalogKind> = { Service: "service", Group: "group", Functionality: "functionality", EscalationPolicy: "escalationPolicy" };
const ROUTE_KEYS = ["name", "enabled", "alerts_source_ids", "owning_team_ids", "rules", "request_id"];
const RULE_KEYS = ["id", "name", "position", "fallback_rule", "destinations", "condition_groups"];
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
];

class Window {
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

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function createRootlyEmulator(opts: RootlyEmulatorOptions = {}): RootlyEmulator {
  const token = opts.token ?? ROOTLY_EMULATOR_TOKEN;
  const scale = opts.timeScale ?? 1;
  const tokens = new Map<string, { teamIds?: string[] }>([[token, {}]]);
  const windowMs = () => (opts.limits?.windowMs ?? 60_000) * scale;
  const readWin = new Window(opts.limits?.read ?? 5, windowMs());
  const writeWin = new Window(opts.limits?.write ?? 3, windowMs());
  let asyncDelay: number | false = opts.asyncRulesDelayMs ?? false;
  let statusEndpoint = opts.asyncStatusEndpoint ?? true;
  let nextRulesError: string | undefined;
  let proxyPages = 0;
  // Rule processing requests by route id and request_id: when they finish and how.
  const requests = new Map<string, { readyAt: number; error?: string }>();
  const routes = new Map<string, StoredRoute>();
  const catalog = new Map<CatalogKind, Map<string, string>>();
  const demoIds: Record<string, string> = {};
  // Which key and class each request counted against, for its X-RateLimit-* headers.
  const counted = new Map<number, { key: string; cls: "read" | "write" }>();

  const err = (status: number, title: string, detail?: string, pointer?: string): EmuResponse => ({
    status,
    headers: { "content-type": MEDIA },
    body: { errors: [{ title, status: String(status), code: null, detail: detail ?? null, ...(pointer ? { source: { pointer } } : {}) }] },
  });
  const bearer = (req: EmuRequest) => /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1]?.trim();
  const classOf = (method: string) => (["GET", "HEAD", "OPTIONS"].includes(method) ? "read" : "write");

  const server = new EmulatorServer("rootly", {
    before(req) {
      const key = bearer(req);
      if (!key || !tokens.has(key)) return err(401, "Unauthorized", "Invalid or missing API token");
      if (proxyPages > 0) {
        proxyPages--;
        // The bare token starts at character 190, so a message cut at 200 before redaction would keep a piece of it.
        const lead = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>upstream rootly-api refused the request; client credential: ";
        return { status: 502, headers: { "content-type": "text/html" }, body: `${lead.padEnd(190, ".")}${key} could not be forwarded</p></body></html>` };
      }
      const cls = classOf(req.method);
      counted.set(req.id, { key, cls });
      if (!(cls === "read" ? readWin : writeWin).hit(key, Date.now()))
        return { status: 429, headers: { "content-type": "application/json" }, body: { error: "Rate limit exceeded. Try again later." } };
      if (opts.advancedAlertRouting === false && req.path.startsWith("/v1/alert_routes"))
        return err(403, "Forbidden", "This endpoint requires access to Advanced Alert Routing. Contact Rootly customer support.");
      if (cls === "write" && req.rawBody.length) {
        const ct = String(req.headers["content-type"] ?? "");
        if (!ct.startsWith(MEDIA)) return err(415, "Unsupported Media Type", `use Content-Type: ${MEDIA}`);
        if (req.jsonError) return err(400, "Bad Request", "the body is not valid JSON");
      }
      return undefined;
    },
    decorate(req, res) {
      const now = Date.now();
      const c = counted.get(req.id) ?? { key: bearer(req) ?? "", cls: classOf(req.method) };
      counted.delete(req.id);
      const w = c.cls === "read" ? readWin : writeWin;
      const s = w.state(c.key, now);
      const h: Record<string, string> = {
        "x-request-id": `rootly-emu-${req.id}`,
        "x-ratelimit-limit": `${w.limit}, ${w.limit};window=${Math.max(1, Math.round(w.windowMs / 1000))}`,
        "x-ratelimit-remaining": String(s.remaining),
        "x-ratelimit-used": String(s.used),
        "x-ratelimit-reset": String(Math.ceil(s.resetAt / 1000)),
      };
      res.headers = { ...h, ...res.headers };
      if (res.body !== undefined && !res.headers["content-type"]) res.headers["content-type"] = MEDIA;
    },
    rateLimited: (retryAfterSec) => ({
      status: 429,
      headers: { "content-type": "application/json", "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000 + retryAfterSec)), "x-ratelimit-remaining": "0" },
      body: { error: "Rate limit exceeded. Try again later." },
    }),
    serverError: (status, message) => err(status, status === 503 ? "Service Unavailable" : "Internal Server Error", message),
    notFound: (req) => err(404, "Not Found", `no route for ${req.method} ${req.path}`),
  });

  const known = (kind: CatalogKind, id: string) => catalog.get(kind)?.has(id) ?? false;
  const visible = (req: EmuRequest, r: StoredRoute) => {
    const teams = tokens.get(bearer(req) ?? "")?.teamIds;
    return !teams || r.owning_team_ids.length === 0 || r.owning_team_ids.some((t) => teams.includes(t));
  };
  const applyPending = (r: StoredRoute, force = false) => {
    if (r.pending && (force || r.pending.readyAt <= Date.now())) {
      if (!r.pending.error) r.rules = r.pending.rules;
      r.pending = undefined;
    }
  };

  // ---- validation: JSON:API errors with pointers into /data/attributes ----
  function validate(attrs: Record<string, unknown>, creating: boolean): JsonApiError[] {
    const errors: JsonApiError[] = [];
    const bad = (pointer: string, detail: string, title = "Validation failed") =>
      errors.push({ title, status: "422", code: null, detail, source: { pointer: `/data/attributes${pointer}` } });
    for (const k of Object.keys(attrs)) if (!ROUTE_KEYS.includes(k)) bad(`/${k}`, `${k} is not a known attribute of alert routes`);
    if (creating || "name" in attrs) if (typeof attrs.name !== "string" || !attrs.name.trim()) bad("/name", "name can't be blank");
    if ("enabled" in attrs && typeof attrs.enabled !== "boolean") bad("/enabled", "enabled must be true or false");
    const ids = (key: string, kind: CatalogKind, required: boolean) => {
      const v = attrs[key];
      if (v === undefined || v === null) {
        if (required) bad(`/${key}`, `${key} can't be blank`);
        return;
      }
      if (!Array.isArray(v)) return bad(`/${key}`, `${key} must be an array`);
      v.forEach((id, i) => {
        if (typeof id !== "string" || !UUID.test(id)) bad(`/${key}/${i}`, `${String(id)} is not a valid UUID`);
        else if (!known(kind, id)) bad(`/${key}/${i}`, `${kind === "team" ? "team" : "alerts source"} ${id} not found`);
      });
    };
    ids("alerts_source_ids", "alertSource", creating);
    ids("owning_team_ids", "team", false);
    if ("rules" in attrs && attrs.rules !== null) {
      if (!Array.isArray(attrs.rules)) bad("/rules", "rules must be an array");
      else {
        const rules = attrs.rules as unknown[];
        const fallbacks = rules.filter((r) => isObj(r) && r.fallback_rule === true).length;
        if (fallbacks > 1) bad("/rules", "multiple fallback rules are not allowed: an alert route can have only one fallback rule");
        rules.forEach((r, i) => validateRule(r, `/rules/${i}`, bad));
      }
    }
    return errors;
  }

  function validateRule(r: unknown, at: string, bad: (p: string, d: string) => void): void {
    if (!isObj(r)) return bad(at, "rule must be an object");
    for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k)) bad(`${at}/${k}`, `${k} is not a known attribute of rules`);
    if (typeof r.name !== "string" || !r.name.trim()) bad(`${at}/name`, "name can't be blank");
    if (r.position !== undefined && r.position !== null && !Number.isInteger(r.position)) bad(`${at}/position`, "position must be an integer");
    if (r.fallback_rule !== undefined && r.fallback_rule !== null && typeof r.fallback_rule !== "boolean") bad(`${at}/fallback_rule`, "must be true or false");
    if (!Array.isArray(r.destinations) || r.destinations.length === 0) bad(`${at}/destinations`, "destinations can't be blank: a rule needs at least one destination");
    else
      r.destinations.forEach((d: unknown, j: number) => {
        const p = `${at}/destinations/${j}`;
        if (!isObj(d)) return bad(p, "destination must be an object");
        const kind = TARGET_KINDS[String(d.target_type)];
        if (!kind) bad(`${p}/target_type`, `target_type must be one of ${Object.keys(TARGET_KINDS).join(", ")}`);
        if (typeof d.target_id !== "string" || !UUID.test(d.target_id)) bad(`${p}/target_id`, "target_id is not a valid UUID");
        else if (kind && !known(kind, d.target_id)) bad(`${p}/target_id`, `${String(d.target_type)} ${d.target_id} not found`);
      });
    if (!Array.isArray(r.condition_groups)) return bad(`${at}/condition_groups`, "condition_groups can't be blank");
    r.condition_groups.forEach((g: unknown, j: number) => {
      const p = `${at}/condition_groups/${j}`;
      if (!isObj(g)) return bad(p, "condition group must be an object");
      if (g.position !== undefined && g.position !== null && !Number.isInteger(g.position)) bad(`${p}/position`, "position must be an integer");
      if (!Array.isArray(g.conditions)) return bad(`${p}/conditions`, "conditions can't be blank");
      g.conditions.forEach((c: unknown, k: number) => {
        const q = `${p}/conditions/${k}`;
        if (!isObj(c)) return bad(q, "condition must be an object");
        for (const key of Object.keys(c)) if (!CONDITION_KEYS.includes(key)) bad(`${q}/${key}`, `${key} is not a known attribute of conditions`);
        if (!CONDITION_TYPES.includes(String(c.property_field_condition_type)))
          bad(`${q}/property_field_condition_type`, `must be one of ${CONDITION_TYPES.join(", ")}`);
        if (!FIELD_TYPES.includes(String(c.property_field_type))) bad(`${q}/property_field_type`, `must be one of ${FIELD_TYPES.join(", ")}`);
        if (c.conditionable_type != null && c.conditionable_type !== "AlertField") bad(`${q}/conditionable_type`, "must be AlertField");
        if (c.conditionable_id != null && (typeof c.conditionable_id !== "string" || !UUID.test(c.conditionable_id))) bad(`${q}/conditionable_id`, "is not a valid UUID");
        if (c.property_field_condition_type === "matches_regex" && typeof c.property_field_value === "string") {
          try {
            // Rootly is Ruby: inline flags such as (?i) are valid there.
            new RegExp(c.property_field_value.replace(/\(\?[imx]*(?:-[imx]*)?\)/g, "").replace(/\(\?[imx]*(?:-[imx]*)?:/g, "(?:"));
          } catch {
            bad(`${q}/property_field_value`, "is not a valid regular expression");
          }
        }
      });
    });
  }

  const strOrNull = (v: unknown) => (typeof v === "string" ? v : null);
  const listOrNull = (v: unknown) => (Array.isArray(v) ? v.map(String) : null);
  const posOrNull = (v: unknown) => (typeof v === "number" ? v : null);

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
          conditions: (g.conditions as Record<string, unknown>[]).map((c) => ({
            id: randomUUID(),
            property_field_condition_type: String(c.property_field_condition_type),
            property_field_type: String(c.property_field_type),
            property_field_name: strOrNull(c.property_field_name),
            property_field_value: strOrNull(c.property_field_value),
            property_field_values: listOrNull(c.property_field_values),
            alert_urgency_ids: listOrNull(c.alert_urgency_ids),
            conditionable_type: strOrNull(c.conditionable_type),
            conditionable_id: strOrNull(c.conditionable_id),
          })),
        })),
      };
    });
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

  function resource(r: StoredRoute, nestedIds = false) {
    return {
      id: r.id,
      type: TYPE,
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

  /** The body's attributes, or an error response for a malformed JSON:API document. */
  function attributesOf(req: EmuRequest, id?: string): { attrs: Record<string, unknown> } | { error: EmuResponse } {
    const b = req.body;
    if (!isObj(b) || !isObj(b.data)) return { error: err(400, "Bad Request", "the body must be a JSON:API document with a data member", "/data") };
    if (b.data.type !== TYPE) return { error: err(409, "Conflict", `data.type must be "${TYPE}"`, "/data/type") };
    if (id !== undefined && b.data.id !== undefined && String(b.data.id) !== id) return { error: err(409, "Conflict", "data.id does not match the URL", "/data/id") };
    if (!isObj(b.data.attributes)) return { error: err(400, "Bad Request", "data.attributes is required", "/data/attributes") };
    return { attrs: b.data.attributes };
  }

  function applyWrite(r: StoredRoute, attrs: Record<string, unknown>): void {
    if (typeof attrs.name === "string") r.name = attrs.name;
    if (typeof attrs.enabled === "boolean") r.enabled = attrs.enabled;
    if (Array.isArray(attrs.alerts_source_ids)) r.alerts_source_ids = attrs.alerts_source_ids.map(String);
    if ("owning_team_ids" in attrs) r.owning_team_ids = Array.isArray(attrs.owning_team_ids) ? attrs.owning_team_ids.map(String) : [];
    if ("rules" in attrs) {
      const rules = storeRules(Array.isArray(attrs.rules) ? attrs.rules : []);
      const error = nextRulesError;
      nextRulesError = undefined;
      const readyAt = asyncDelay === false ? Date.now() : Date.now() + asyncDelay * scale;
      if (asyncDelay === false && !error) r.rules = rules;
      else r.pending = { rules, readyAt, error };
      if (typeof attrs.request_id === "string") requests.set(`${r.id}/${attrs.request_id}`, { readyAt, error });
    }
    r.updated_at = new Date().toISOString();
  }

  const ok = (status: number, body: unknown): EmuResponse => ({ status, headers: { "content-type": MEDIA }, body });
  const invalid = (errors: JsonApiError[]): EmuResponse => ({ status: 422, headers: { "content-type": MEDIA }, body: { errors } });
  const find = (req: EmuRequest): StoredRoute | undefined => {
    const r = routes.get(req.params.id);
    return r && visible(req, r) ? r : undefined;
  };
  const missing = (req: EmuRequest) => err(404, "Record not found", `Couldn't find AlertRoute with 'id'=${req.params.id}`);

  server.route("GET", "/v1/alert_routes", (req) => {
    const num = Math.max(1, Number(req.query.get("page[number]") ?? 1) || 1);
    const size = Math.min(100, Math.max(1, Number(req.query.get("page[size]") ?? 20) || 20));
    const name = req.query.get("filter[name]");
    const enabled = req.query.get("filter[enabled]");
    let all = [...routes.values()].filter((r) => visible(req, r));
    // Rootly's name filter matches loosely (substring, any case); clients compare exactly.
    if (name) all = all.filter((r) => r.name.toLowerCase().includes(name.toLowerCase()));
    if (enabled === "true" || enabled === "false") all = all.filter((r) => r.enabled === (enabled === "true"));
    all.forEach((r) => applyPending(r));
    const pages = Math.max(1, Math.ceil(all.length / size));
    const link = (n: number) => {
      const q = new URLSearchParams(req.query);
      q.set("page[number]", String(n));
      q.set("page[size]", String(size));
      return `${server.url}${req.path}?${q}`;
    };
    return ok(200, {
      data: all.slice((num - 1) * size, num * size).map((r) => resource(r)),
      links: { self: link(num), first: link(1), prev: num > 1 ? link(num - 1) : null, next: num < pages ? link(num + 1) : null, last: link(pages) },
      meta: { current_page: num, next_page: num < pages ? num + 1 : null, prev_page: num > 1 ? num - 1 : null, total_count: all.length, total_pages: pages },
    });
  });

  server.route("POST", "/v1/alert_routes", (req) => {
    const parsed = attributesOf(req);
    if ("error" in parsed) return parsed.error;
    const a = parsed.attrs;
    const errors = validate(a, true);
    if (errors.length) return invalid(errors);
    const now = new Date().toISOString();
    const r: StoredRoute = { id: randomUUID(), name: "", enabled: true, alerts_source_ids: [], owning_team_ids: [], rules: [], created_at: now, updated_at: now };
    applyWrite(r, a);
    routes.set(r.id, r);
    return ok(201, { data: resource(r) });
  });

  server.route("GET", "/v1/alert_routes/:id", (req) => {
    const r = find(req);
    if (!r) return missing(req);
    applyPending(r);
    return ok(200, { data: resource(r, req.query.get("show_nested_ids") === "true") });
  });

  const update = (req: EmuRequest): EmuResponse => {
    const r = find(req);
    if (!r) return missing(req);
    const parsed = attributesOf(req, r.id);
    if ("error" in parsed) return parsed.error;
    const a = parsed.attrs;
    const errors = validate(a, false);
    if (errors.length) return invalid(errors);
    applyPending(r);
    applyWrite(r, a);
    return ok(200, { data: resource(r) });
  };
  server.route("PUT", "/v1/alert_routes/:id", update);
  // Plain JSON, not JSON:API (as Rootly's Terraform provider reads it).
  server.route("GET", "/v1/alert_routes/:id/async_rule_creation_status/:requestId", (req) => {
    const r = find(req);
    const q = r && statusEndpoint ? requests.get(`${r.id}/${req.params.requestId}`) : undefined;
    if (!r || !q) return err(404, "Record not found", "Not found or unauthorized");
    applyPending(r);
    const status = q.readyAt > Date.now() ? "pending" : q.error ? "error" : "success";
    return { status: 200, headers: { "content-type": "application/json" }, body: { status, error: status === "error" ? q.error : null } };
  });
  server.route("PATCH", "/v1/alert_routes/:id", update);

  server.route("DELETE", "/v1/alert_routes/:id", (req) => {
    const r = find(req);
    if (!r) return missing(req);
    routes.delete(r.id);
    return ok(200, { data: resource(r) });
  });

  const seed = (kind: CatalogKind, name: string): string => {
    const id = stableId(kind, name);
    let m = catalog.get(kind);
    if (!m) catalog.set(kind, (m = new Map()));
    m.set(id, name);
    return id;
  };

  return {
    vendor: "rootly",
    server,
    credential: token,
    routes,
    catalog,
    demoIds,
    seed,
    addToken: (t, o = {}) => void tokens.set(t, o),
    setAsyncRules: (d) => void (asyncDelay = d),
    setAsyncStatusEndpoint: (on) => void (statusEndpoint = on),
    failNextAsyncRules: (e) => void (nextRulesError = e),
    proxyErrorPages: (n) => void (proxyPages = n),
    setLimits(l) {
      if (l.read !== undefined) readWin.limit = l.read;
      if (l.write !== undefined) writeWin.limit = l.write;
      if (l.windowMs !== undefined) readWin.windowMs = writeWin.windowMs = l.windowMs * scale;
    },
    flushPendingRules: () => routes.forEach((r) => applyPending(r, true)),
    seedDemo() {
      for (const n of ["Datadog", "Prometheus Alertmanager", "Grafana"]) demoIds[`alertSource:${n}`] = seed("alertSource", n);
      for (const n of ["payments-api", "checkout-web", "search"]) demoIds[`service:${n}`] = seed("service", n);
      for (const n of ["SRE", "Payments"]) demoIds[`team:${n}`] = seed("team", n);
      for (const n of ["Platform On-call"]) demoIds[`group:${n}`] = seed("group", n);
      for (const n of ["Primary escalation", "Payments escalation"]) demoIds[`escalationPolicy:${n}`] = seed("escalationPolicy", n);
      for (const n of ["High", "Medium", "Low"]) demoIds[`alertUrgency:${n}`] = seed("alertUrgency", n);
    },
  };
}

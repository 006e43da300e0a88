import { randomUUID } from "node:crypto";
import type { EmulatorHooks, EmulatorServer, EmuRequest, EmuResponse, SlidingWindow } from "../../emulator-kit/framework";
import type { EmuRule, EmuTeam, OpsgenieState } from "./state";
import { Invalid, isInt, isObj, validNewRule, validPatch } from "./validation";

// The emulator's HTTP side: envelopes, GenieKey auth, rate limits, and the Team
// Routing Rule routes (plus the bit of the Team API the provider needs).

/** Opsgenie's envelopes: every body carries `took` and the request's `requestId`. */
export interface Replies {
  rid(req: EmuRequest): string;
  ok(req: EmuRequest, status: number, body: Record<string, unknown>): EmuResponse;
  fail(req: EmuRequest | undefined, status: number, message: string, extra?: Record<string, unknown>): EmuResponse;
}

export function createReplies(): Replies {
  const took = () => Math.round(Math.random() * 300) / 1000 + 0.001;
  const requestIds = new WeakMap<EmuRequest, string>();
  const rid = (req: EmuRequest) => {
    let id = requestIds.get(req);
    if (!id) requestIds.set(req, (id = randomUUID()));
    return id;
  };
  return {
    rid,
    ok: (req, status, body) => ({ status, body: { ...body, took: took(), requestId: rid(req) } }),
    fail: (req, status, message, extra = {}) => ({ status, body: { message, ...extra, took: took(), requestId: req ? rid(req) : randomUUID() } }),
  };
}

/**
 * A 502 comes from a gateway in front of the API: an HTML page, not Opsgenie's JSON. Proxies
 * quote what they were sent; this one quotes the Authorization value without its `GenieKey`
 * prefix, far enough in that a client cutting the body to 300 characters would cut the key.
 */
function gatewayPage(echo: string | undefined): EmuResponse {
  const credential = /authorization:\s*(?:GenieKey\s+)?([^\s)]+)/i.exec(echo ?? "")?.[1] ?? "none";
  const head = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><p>upstream refused credential";
  const body = `${head.padEnd(287, ".")} ${credential} for ${(echo ?? "").replace(/\(authorization:[^)]*\)/i, "")}</p></body></html>`;
  return { status: 502, body, headers: { "content-type": "text/html" } };
}

/** Who may call: the account key, read-only keys (no writes), team keys (their team only). */
export interface Access {
  apiKey: string;
  readOnly: ReadonlySet<string>;
  teamKeys: Readonly<Record<string, string>>;
  /** Account-wide sliding window (all calls). */
  window: SlidingWindow;
}

const TOO_MANY = "You are making too many requests! To avoid errors, we recommend you limit requests.";
const throttled = (periodSec: number) => ({ "x-ratelimit-state": "THROTTLED", "x-ratelimit-reason": "ACCOUNT", "x-ratelimit-period-in-sec": String(periodSec) });

function genieKey(req: EmuRequest): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === "string" ? /^GenieKey\s+(\S+)$/i.exec(h.trim()) : null;
  return m?.[1];
}

/** A team integration key used on another team: 403 with code 40301. */
function outsideTeam(req: EmuRequest, state: OpsgenieState, teamOnly: string): boolean {
  const m = /^\/v2\/teams\/([^/]+)/.exec(req.path);
  if (!m) return false;
  const ident = decodeURIComponent(m[1]);
  const byName = (req.query.get("teamIdentifierType") ?? req.query.get("identifierType")) === "name";
  const t = byName ? [...state.teams.values()].find((x) => x.name === ident) : state.teams.get(ident);
  return t !== undefined && t.id !== teamOnly;
}

function authorize(req: EmuRequest, state: OpsgenieState, access: Access, r: Replies): EmuResponse | undefined {
  const key = genieKey(req);
  if (!key || !(key === access.apiKey || access.readOnly.has(key) || key in access.teamKeys)) return r.fail(req, 401, "Could not authenticate");
  const hit = access.window.hit(key);
  if (!hit.allowed) {
    const res = r.fail(req, 429, TOO_MANY);
    res.headers = throttled(Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000)));
    return res;
  }
  if (req.method !== "GET" && access.readOnly.has(key)) return r.fail(req, 403, "You do not have the permission for this action. API key is read-only.");
  const teamOnly = access.teamKeys[key];
  if (teamOnly !== undefined && outsideTeam(req, state, teamOnly)) return r.fail(req, 403, "Your team integration cannot access this team.", { code: 40301 });
  return undefined;
}

export function serverHooks(state: OpsgenieState, access: Access, r: Replies): EmulatorHooks {
  const started = new WeakMap<EmuRequest, number>();
  return {
    before(req) {
      started.set(req, Date.now());
      return authorize(req, state, access, r);
    },
    decorate(req, res) {
      res.headers = {
        "x-request-id": r.rid(req),
        "x-response-time": `${Math.max(0, Date.now() - (started.get(req) ?? Date.now()))}ms`,
        "x-ratelimit-state": "OK",
        ...(res.headers ?? {}),
      };
    },
    // Opsgenie documents X-RateLimit-Period-In-Sec, not Retry-After.
    rateLimited: (retryAfterSec) => ({ ...r.fail(undefined, 429, TOO_MANY), headers: throttled(retryAfterSec) }),
    serverError: (status, message) => (status === 502 ? gatewayPage(message) : r.fail(undefined, status, message ?? (status === 503 ? "Service unavailable" : "Internal server error"))),
    notFound: (req) => r.fail(req, 404, `No route for ${req.method} ${req.path}`),
  };
}

/** Request plumbing shared by the routes: team lookup, body parsing, 422s. */
function requests(state: OpsgenieState, r: Replies) {
  const isResponse = (v: unknown): v is EmuResponse => isObj(v) && typeof v.status === "number" && !("rules" in v);
  const findTeam = (req: EmuRequest, queryKey = "teamIdentifierType"): EmuTeam | EmuResponse => {
    const type = req.query.get(queryKey) ?? "id";
    if (type !== "id" && type !== "name") return r.fail(req, 422, `${queryKey} should be one of: id, name`, { errors: { [queryKey]: "should be one of: id, name" } });
    const ident = req.params.team;
    const t = type === "name" ? [...state.teams.values()].find((x) => x.name === ident) : state.teams.get(ident);
    return t ?? r.fail(req, 404, `Team with ${type === "name" ? "name" : "id"} [${ident}] could not be found.`);
  };
  const bodyOf = (req: EmuRequest): Record<string, unknown> | EmuResponse => {
    if (req.jsonError) return r.fail(req, 400, "Could not parse the request body: malformed JSON");
    if (req.body === undefined) return {};
    if (!isObj(req.body)) return r.fail(req, 422, "Request body should be a JSON object");
    return req.body;
  };
  const invalid = (req: EmuRequest, e: Invalid) => r.fail(req, 422, `Request body is not processable: ${e.field} ${e.detail}`, { errors: { [e.field]: e.detail } });
  /** Runs `handle`, answering a validation failure with 422. */
  const validated = (req: EmuRequest, handle: () => EmuResponse): EmuResponse => {
    try {
      return handle();
    } catch (e) {
      if (e instanceof Invalid) return invalid(req, e);
      throw e;
    }
  };
  return { isResponse, findTeam, bodyOf, validated };
}

export function registerRoutes(server: EmulatorServer, state: OpsgenieState, r: Replies): void {
  const { isResponse, findTeam, bodyOf, validated } = requests(state, r);

  // The lists the provider reads at preview (its existence checks) and export: `{data: [...]}`, no paging.
  server.route("GET", "/v2/teams", (req) => r.ok(req, 200, { data: [...state.teams.values()].map((t) => ({ id: t.id, name: t.name, description: "" })) }));
  server.route("GET", "/v2/schedules", (req) =>
    r.ok(req, 200, { data: [...state.schedules.values()].map((e) => ({ id: e.id, name: e.name, description: "", timezone: "Etc/UTC", enabled: true, rotations: [] })), expandable: ["rotation"] }),
  );
  server.route("GET", "/v2/escalations", (req) => r.ok(req, 200, { data: [...state.escalations.values()].map((e) => ({ id: e.id, name: e.name, description: "", rules: [] })) }));

  server.route("GET", "/v2/teams/:team", (req) => {
    const t = findTeam(req, "identifierType");
    if (isResponse(t)) return t;
    return r.ok(req, 200, { data: { id: t.id, name: t.name, description: "", links: {} } });
  });

  server.route("GET", "/v2/teams/:team/routing-rules", (req) => {
    const t = findTeam(req);
    if (isResponse(t)) return t;
    return r.ok(req, 200, { data: t.rules.map((x) => state.render(t, x)) });
  });

  server.route("POST", "/v2/teams/:team/routing-rules", (req) => {
    const t = findTeam(req);
    if (isResponse(t)) return t;
    const b = bodyOf(req);
    if (isResponse(b)) return b;
    return validated(req, () => {
      const { rule: fields, order } = validNewRule(b, state);
      const rule: EmuRule = { id: randomUUID(), ...fields };
      const nonDefault = t.rules.length - 1;
      // Index among the rules after insert; clamped to 0..n-1, never after the default rule.
      t.rules.splice(order === undefined ? nonDefault : Math.max(0, Math.min(order, nonDefault)), 0, rule);
      state.record(t);
      return r.ok(req, 201, { result: "Created", data: { id: rule.id } });
    });
  });

  registerRuleRoutes(server, state, r);
}

/** Routes on one rule of one team: 404 for either, 422 for an invalid body. */
function registerRuleRoutes(server: EmulatorServer, state: OpsgenieState, r: Replies): void {
  const { isResponse, findTeam, bodyOf, validated } = requests(state, r);
  const onRule = (method: string, path: string, handle: (req: EmuRequest, t: EmuTeam, rule: EmuRule) => EmuResponse) =>
    server.route(method, `/v2/teams/:team/routing-rules/:id${path}`, (req) => {
      const t = findTeam(req);
      if (isResponse(t)) return t;
      const rule = t.rules.find((x) => x.id === req.params.id);
      if (!rule) return r.fail(req, 404, `Team routing rule with id [${req.params.id}] could not be found.`);
      return validated(req, () => handle(req, t, rule));
    });

  onRule("GET", "", (req, t, rule) => r.ok(req, 200, { data: state.render(t, rule) }));

  onRule("PATCH", "", (req, t, rule) => {
    const b = bodyOf(req);
    if (isResponse(b)) return b;
    Object.assign(rule, validPatch(b, rule, state));
    state.record(t);
    return r.ok(req, 200, { result: "Updated", data: { id: rule.id } });
  });

  onRule("DELETE", "", (req, t, rule) => {
    if (rule.isDefault) return r.fail(req, 422, "Default routing rule cannot be deleted", { errors: { id: "default routing rule cannot be deleted" } });
    t.rules.splice(t.rules.indexOf(rule), 1);
    state.record(t);
    return r.ok(req, 200, { result: "Deleted" });
  });

  onRule("POST", "/change-order", (req, t, rule) => {
    const b = bodyOf(req);
    if (isResponse(b)) return b;
    if (!isInt(b.order)) throw new Invalid("order", "is required and should be an integer");
    if (rule.isDefault) return r.fail(req, 422, "Order of the default routing rule cannot be changed", { errors: { order: "default routing rule is always last" } });
    t.rules.splice(t.rules.indexOf(rule), 1);
    t.rules.splice(Math.max(0, Math.min(b.order, t.rules.length - 1)), 0, rule);
    state.record(t);
    return r.ok(req, 200, { result: "Changed", data: { id: rule.id } });
  });
}

/**
 * The Alert API's List Alerts (`GET /v2/alerts`: offset, limit at most 100, sort=createdAt,
 * order asc|desc) and Get Alert (`GET /v2/alerts/{id}`), read-only, for `alert-routing impact --recent`.
 */
export function registerAlertRoutes(server: EmulatorServer, alerts: import("./index").EmuAlert[], r: Replies): void {
  server.route("GET", "/v2/alerts", (req) => {
    const limit = Number(req.query.get("limit") ?? 20);
    const offset = Number(req.query.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return r.fail(req, 422, "Request body is not processable: limit must be between 1 and 100", { errors: { limit: "must be between 1 and 100" } });
    if (!Number.isInteger(offset) || offset < 0) return r.fail(req, 422, "Request body is not processable: offset must be 0 or more", { errors: { offset: "must be 0 or more" } });
    const order = req.query.get("order") === "asc" ? 1 : -1;
    const sorted = [...alerts].sort((a, b) => order * a.createdAt.localeCompare(b.createdAt));
    const data = sorted.slice(offset, offset + limit).map(({ description: _d, details: _x, entity: _e, actions: _a, ...listed }) => listed);
    return r.ok(req, 200, { data, paging: offset + limit < sorted.length ? { next: `${server.url}/v2/alerts?offset=${offset + limit}&limit=${limit}` } : {} });
  });
  server.route("GET", "/v2/alerts/:id", (req) => {
    const a = alerts.find((x) => x.id === req.params.id || (req.query.get("identifierType") === "tiny" && x.tinyId === req.params.id));
    return a ? r.ok(req, 200, { data: a }) : r.fail(req, 404, "Alert does not exist");
  });
}

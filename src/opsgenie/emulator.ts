import { randomUUID } from "node:crypto";
import { EmulatorServer, SlidingWindow, type EmuRequest, type EmuResponse, type VendorEmulator } from "../emulator/framework";
import { CRITERIA_TYPES, DAYS, FIELDS, NOTIFY_TYPES, OPERATIONS, isIanaTimezone, operationsFor, type ConditionField } from "./team-routing-rule.schema";

// An in-memory Opsgenie Team Routing Rule API (plus the bit of the Team API the
// provider needs), following the docs: envelopes, GenieKey auth, default rule
// per team, order as index with clamping, PATCH semantics, change-order,
// validation (422 naming the field), X-RateLimit-* headers and 429s.

export interface EmuEntity {
  id: string;
  name: string;
}

export interface EmuCondition {
  field: string;
  key?: string;
  not: boolean;
  operation: string;
  expectedValue: string;
  order: number;
}

export interface EmuRule {
  id: string;
  name: string;
  isDefault: boolean;
  criteria: { type: string; conditions?: EmuCondition[] };
  timezone: string;
  timeRestriction?: Record<string, unknown>;
  /** Stored by reference; names resolve at read time. */
  notify: { type: string; id?: string };
}

export interface EmuTeam extends EmuEntity {
  /** In evaluation order; the default rule is always last. */
  rules: EmuRule[];
}

export interface OpsgenieEmulatorOptions {
  apiKey?: string;
  /** Keys whose integration is read-only: writes get 403. */
  readOnlyKeys?: string[];
  /** Team integration keys: key -> the only team id it may touch (others: 403, code 40301). */
  teamKeys?: Record<string, string>;
  accountTimezone?: string;
  /** Account-wide sliding window (all calls). Default 600 per 60 s. */
  rateLimit?: { limit: number; windowMs: number };
}

export interface OpsgenieEmulator extends VendorEmulator {
  readonly vendor: "opsgenie";
  readonly teams: Map<string, EmuTeam>;
  readonly schedules: Map<string, EmuEntity>;
  readonly escalations: Map<string, EmuEntity>;
  accountTimezone: string;
  readonly rateWindow: SlidingWindow;
  seedTeam(name: string, opts?: { id?: string; defaultNotify?: { type: string; id?: string } }): EmuTeam;
  seedSchedule(name: string, id?: string): EmuEntity;
  seedEscalation(name: string, id?: string): EmuEntity;
  /** A team by id or name. */
  team(identifier: string): EmuTeam | undefined;
  /** A rule as the API renders it (with order and resolved notify). */
  render(team: EmuTeam, rule: EmuRule): Record<string, unknown>;
  /** The team's rules (id, name) after every accepted write, oldest first: what alerts could match at each moment. */
  readonly history: { time: number; teamId: string; rules: { id: string; name: string }[] }[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

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

class Invalid extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

export function createOpsgenieEmulator(opts: OpsgenieEmulatorOptions = {}): OpsgenieEmulator {
  const apiKey = opts.apiKey ?? "opsgenie-emulator-key-0000";
  const readOnly = new Set(opts.readOnlyKeys ?? []);
  const teamKeys = opts.teamKeys ?? {};
  const teams = new Map<string, EmuTeam>();
  const schedules = new Map<string, EmuEntity>();
  const escalations = new Map<string, EmuEntity>();
  const window = new SlidingWindow(opts.rateLimit?.limit ?? 600, opts.rateLimit?.windowMs ?? 60_000);
  const started = new WeakMap<EmuRequest, number>();

  const took = () => Math.round(Math.random() * 300) / 1000 + 0.001;
  const requestIds = new WeakMap<EmuRequest, string>();
  const rid = (req: EmuRequest) => {
    let id = requestIds.get(req);
    if (!id) requestIds.set(req, (id = randomUUID()));
    return id;
  };
  const ok = (req: EmuRequest, status: number, body: Record<string, unknown>): EmuResponse => ({ status, body: { ...body, took: took(), requestId: rid(req) } });
  const fail = (req: EmuRequest | undefined, status: number, message: string, extra: Record<string, unknown> = {}): EmuResponse => ({
    status,
    body: { message, ...extra, took: took(), requestId: req ? rid(req) : randomUUID() },
  });

  const history: OpsgenieEmulator["history"] = [];
  const record = (t: EmuTeam) => {
    history.push({ time: Date.now(), teamId: t.id, rules: t.rules.map((r) => ({ id: r.id, name: r.name })) });
    // Bounded: long-running emulators (demo, bench) must not grow without end.
    if (history.length > 10_000) history.splice(0, history.length - 10_000);
  };

  const api: OpsgenieEmulator = {
    vendor: "opsgenie",
    history,
    credential: apiKey,
    teams,
    schedules,
    escalations,
    accountTimezone: opts.accountTimezone ?? "America/Los_Angeles",
    rateWindow: window,
    server: undefined as unknown as EmulatorServer,
    seedSchedule(name, id = randomUUID()) {
      const e = { id, name };
      schedules.set(id, e);
      return e;
    },
    seedEscalation(name, id = randomUUID()) {
      const e = { id, name };
      escalations.set(id, e);
      return e;
    },
    seedTeam(name, o = {}) {
      const id = o.id ?? randomUUID();
      const esc = o.defaultNotify ? undefined : api.seedEscalation(`${name}_escalation`);
      const team: EmuTeam = {
        id,
        name,
        rules: [
          {
            id: randomUUID(),
            name: "Default Routing Rule",
            isDefault: true,
            criteria: { type: "match-all" },
            timezone: api.accountTimezone,
            notify: o.defaultNotify ?? { type: "escalation", id: esc!.id },
          },
        ],
      };
      teams.set(id, team);
      return team;
    },
    team(identifier) {
      return teams.get(identifier) ?? [...teams.values()].find((t) => t.name === identifier);
    },
    render(team, rule) {
      const out: Record<string, unknown> = {
        id: rule.id,
        name: rule.name,
        isDefault: rule.isDefault,
        order: team.rules.indexOf(rule),
        criteria: rule.criteria.type === "match-all" ? { type: "match-all" } : { type: rule.criteria.type, conditions: rule.criteria.conditions },
        timezone: rule.timezone,
      };
      if (rule.timeRestriction) out.timeRestriction = rule.timeRestriction;
      const n: Record<string, unknown> = { type: rule.notify.type };
      if (rule.notify.type !== "none") {
        const e = (rule.notify.type === "schedule" ? schedules : escalations).get(rule.notify.id ?? "");
        n.id = rule.notify.id;
        if (e) n.name = e.name;
      }
      out.notify = n;
      return out;
    },
    seedDemo() {
      api.seedTeam("Platform");
      api.seedTeam("Payments");
      api.seedSchedule("Platform_schedule");
      api.seedSchedule("Payments_schedule");
      api.seedEscalation("Platform_critical");
    },
  };

  const keyOf = (req: EmuRequest): string | undefined => {
    const h = req.headers.authorization;
    const m = typeof h === "string" ? /^GenieKey\s+(\S+)$/i.exec(h.trim()) : null;
    return m?.[1];
  };
  const knownKey = (k: string) => k === apiKey || readOnly.has(k) || k in teamKeys;

  const server = new EmulatorServer("opsgenie", {
    before(req) {
      started.set(req, Date.now());
      const key = keyOf(req);
      if (!key || !knownKey(key)) return fail(req, 401, "Could not authenticate");
      const hit = window.hit(key);
      if (!hit.allowed) {
        const wait = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
        const r = fail(req, 429, "You are making too many requests! To avoid errors, we recommend you limit requests.");
        r.headers = { "x-ratelimit-state": "THROTTLED", "x-ratelimit-reason": "ACCOUNT", "x-ratelimit-period-in-sec": String(wait) };
        return r;
      }
      if (req.method !== "GET" && readOnly.has(key)) return fail(req, 403, "You do not have the permission for this action. API key is read-only.");
      const teamOnly = teamKeys[key];
      if (teamOnly !== undefined) {
        const m = /^\/v2\/teams\/([^/]+)/.exec(req.path);
        if (m) {
          const ident = decodeURIComponent(m[1]);
          const byName = (req.query.get("teamIdentifierType") ?? req.query.get("identifierType")) === "name";
          const t = byName ? [...teams.values()].find((x) => x.name === ident) : teams.get(ident);
          if (t && t.id !== teamOnly) return fail(req, 403, "Your team integration cannot access this team.", { code: 40301 });
        }
      }
      return undefined;
    },
    decorate(req, res) {
      res.headers = {
        "x-request-id": rid(req),
        "x-response-time": `${Math.max(0, Date.now() - (started.get(req) ?? Date.now()))}ms`,
        "x-ratelimit-state": "OK",
        ...(res.headers ?? {}),
      };
    },
    rateLimited: (retryAfterSec) => ({
      ...fail(undefined, 429, "You are making too many requests! To avoid errors, we recommend you limit requests."),
      headers: { "x-ratelimit-state": "THROTTLED", "x-ratelimit-reason": "ACCOUNT", "x-ratelimit-period-in-sec": String(retryAfterSec) },
    }),
    serverError: (status, message) => (status === 502 ? gatewayPage(message) : fail(undefined, status, message ?? (status === 503 ? "Service unavailable" : "Internal server error"))),
    notFound: (req) => fail(req, 404, `No route for ${req.method} ${req.path}`),
  });
  (api as { server: EmulatorServer }).server = server;

  // ---- helpers -------------------------------------------------------------

  const findTeam = (req: EmuRequest, param: string, queryKey = "teamIdentifierType"): EmuTeam | EmuResponse => {
    const type = req.query.get(queryKey) ?? "id";
    if (type !== "id" && type !== "name") return fail(req, 422, `${queryKey} should be one of: id, name`, { errors: { [queryKey]: "should be one of: id, name" } });
    const ident = req.params[param];
    const t = type === "name" ? [...teams.values()].find((x) => x.name === ident) : teams.get(ident);
    return t ?? fail(req, 404, `Team with ${type === "name" ? "name" : "id"} [${ident}] could not be found.`);
  };
  const isResponse = (v: unknown): v is EmuResponse => isObj(v) && typeof v.status === "number" && !("rules" in v);
  const bodyOf = (req: EmuRequest): Record<string, unknown> | EmuResponse => {
    if (req.jsonError) return fail(req, 400, "Could not parse the request body: malformed JSON");
    if (req.body === undefined) return {};
    if (!isObj(req.body)) return fail(req, 422, "Request body should be a JSON object");
    return req.body;
  };
  const invalid = (req: EmuRequest, e: Invalid) => fail(req, 422, `Request body is not processable: ${e.field} ${e.detail}`, { errors: { [e.field]: e.detail } });

  function validCriteria(v: unknown): EmuRule["criteria"] {
    if (!isObj(v)) throw new Invalid("criteria", "should be an object");
    const type = v.type;
    if (typeof type !== "string" || !(CRITERIA_TYPES as readonly string[]).includes(type)) throw new Invalid("criteria.type", `should be one of: ${CRITERIA_TYPES.join(", ")}`);
    if (type === "match-all") return { type };
    const conds = v.conditions;
    if (!Array.isArray(conds) || !conds.length) throw new Invalid("criteria.conditions", `should have at least one condition for ${type}`);
    return {
      type,
      conditions: conds.map((c, i) => {
        const at = `criteria.conditions[${i}]`;
        if (!isObj(c)) throw new Invalid(at, "should be an object");
        if (typeof c.field !== "string" || !(FIELDS as readonly string[]).includes(c.field)) throw new Invalid(`${at}.field`, `should be one of: ${FIELDS.join(", ")}`);
        if (typeof c.operation !== "string" || !(OPERATIONS as readonly string[]).includes(c.operation)) throw new Invalid(`${at}.operation`, `should be one of: ${OPERATIONS.join(", ")}`);
        const key = c.key === undefined || c.key === null || c.key === "" ? undefined : c.key;
        if (key !== undefined && typeof key !== "string") throw new Invalid(`${at}.key`, "should be a string");
        if (key !== undefined && c.field !== "extra-properties") throw new Invalid(`${at}.key`, "can only be used with field extra-properties");
        const ops = operationsFor(c.field as ConditionField, key as string | undefined);
        if (!ops.includes(c.operation as never)) throw new Invalid(`${at}.operation`, `${c.operation} is not applicable for field ${c.field}`);
        if (c.not !== undefined && typeof c.not !== "boolean") throw new Invalid(`${at}.not`, "should be a boolean");
        if (c.expectedValue !== undefined && typeof c.expectedValue !== "string") throw new Invalid(`${at}.expectedValue`, "should be a string");
        if (c.order !== undefined && !isInt(c.order)) throw new Invalid(`${at}.order`, "should be an integer");
        const out: EmuCondition = { field: c.field, not: (c.not as boolean | undefined) ?? false, operation: c.operation, expectedValue: (c.expectedValue as string | undefined) ?? "", order: (c.order as number | undefined) ?? 0 };
        if (key !== undefined) out.key = key as string;
        return out;
      }),
    };
  }

  function validTimes(r: Record<string, unknown>, at: string, days: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (days) {
      for (const d of ["startDay", "endDay"]) {
        if (typeof r[d] !== "string" || !(DAYS as readonly string[]).includes(r[d] as string)) throw new Invalid(`${at}.${d}`, `should be one of: ${DAYS.join(", ")}`);
        out[d] = r[d];
      }
    } else if (r.startDay !== undefined || r.endDay !== undefined) throw new Invalid(at, "startDay/endDay are not supported for time-of-day");
    for (const [k, max] of [["startHour", 23], ["startMin", 59], ["endHour", 23], ["endMin", 59]] as const) {
      const v = r[k];
      if (!isInt(v) || v < 0 || v > max) throw new Invalid(`${at}.${k}`, `should be an integer between 0 and ${max}`);
      out[k] = v;
    }
    return out;
  }

  function validTimeRestriction(v: unknown): Record<string, unknown> {
    if (!isObj(v)) throw new Invalid("timeRestriction", "should be an object");
    if (v.type === "time-of-day") {
      if (!isObj(v.restriction)) throw new Invalid("timeRestriction.restriction", "is required for time-of-day");
      return { type: "time-of-day", restriction: validTimes(v.restriction, "timeRestriction.restriction", false) };
    }
    if (v.type === "weekday-and-time-of-day") {
      const rs = v.restrictions;
      if (!Array.isArray(rs) || rs.length < 1 || rs.length > 15) throw new Invalid("timeRestriction.restrictions", "should have 1 to 15 restrictions");
      return {
        type: "weekday-and-time-of-day",
        restrictions: rs.map((r, i) => {
          if (!isObj(r)) throw new Invalid(`timeRestriction.restrictions[${i}]`, "should be an object");
          return validTimes(r, `timeRestriction.restrictions[${i}]`, true);
        }),
      };
    }
    throw new Invalid("timeRestriction.type", "should be one of: time-of-day, weekday-and-time-of-day");
  }

  function validNotify(v: unknown): EmuRule["notify"] {
    if (!isObj(v)) throw new Invalid("notify", "should be an object");
    if (typeof v.type !== "string" || !(NOTIFY_TYPES as readonly string[]).includes(v.type)) throw new Invalid("notify.type", `should be one of: ${NOTIFY_TYPES.join(", ")}`);
    if (v.type === "none") return { type: "none" };
    const pool = v.type === "schedule" ? schedules : escalations;
    let e: EmuEntity | undefined;
    if (typeof v.id === "string" && v.id) e = pool.get(v.id);
    else if (typeof v.name === "string" && v.name) e = [...pool.values()].find((x) => x.name === v.name);
    else throw new Invalid("notify", `id or name of the ${v.type} is required`);
    if (!e) throw new Invalid("notify", `${v.type} [${(v.id ?? v.name) as string}] could not be found`);
    return { type: v.type, id: e.id };
  }

  function validTimezone(v: unknown): string {
    if (typeof v !== "string" || !isIanaTimezone(v)) throw new Invalid("timezone", `[${String(v)}] is not a supported timezone`);
    return v;
  }

  // ---- routes --------------------------------------------------------------

  server.route("GET", "/v2/teams/:team", (req) => {
    const t = findTeam(req, "team", "identifierType");
    if (isResponse(t)) return t;
    return ok(req, 200, { data: { id: t.id, name: t.name, description: "", links: {} } });
  });

  server.route("GET", "/v2/teams/:team/routing-rules", (req) => {
    const t = findTeam(req, "team");
    if (isResponse(t)) return t;
    return ok(req, 200, { data: t.rules.map((r) => api.render(t, r)) });
  });

  /** A route on one rule of one team: 404 for either, 422 for an invalid body. */
  const onRule = (method: string, path: string, handle: (req: EmuRequest, t: EmuTeam, r: EmuRule) => EmuResponse) =>
    server.route(method, `/v2/teams/:team/routing-rules/:id${path}`, (req) => {
      const t = findTeam(req, "team");
      if (isResponse(t)) return t;
      const r = t.rules.find((x) => x.id === req.params.id);
      if (!r) return fail(req, 404, `Team routing rule with id [${req.params.id}] could not be found.`);
      try {
        return handle(req, t, r);
      } catch (e) {
        if (e instanceof Invalid) return invalid(req, e);
        throw e;
      }
    });

  onRule("GET", "", (req, t, r) => ok(req, 200, { data: api.render(t, r) }));

  server.route("POST", "/v2/teams/:team/routing-rules", (req) => {
    const t = findTeam(req, "team");
    if (isResponse(t)) return t;
    const b = bodyOf(req);
    if (isResponse(b)) return b;
    try {
      if (b.notify === undefined || b.notify === null) throw new Invalid("notify", "must not be null");
      if (b.name !== undefined && typeof b.name !== "string") throw new Invalid("name", "should be a string");
      if (b.order !== undefined && !isInt(b.order)) throw new Invalid("order", "should be an integer");
      const rule: EmuRule = {
        id: randomUUID(),
        name: (b.name as string | undefined) ?? "",
        isDefault: false,
        criteria: b.criteria === undefined ? { type: "match-all" } : validCriteria(b.criteria),
        timezone: b.timezone === undefined ? api.accountTimezone : validTimezone(b.timezone),
        notify: validNotify(b.notify),
      };
      // The spec's TimeRestrictionInterval is an object: null is not a value it allows.
      if (b.timeRestriction !== undefined) rule.timeRestriction = validTimeRestriction(b.timeRestriction);
      const nonDefault = t.rules.length - 1;
      // Index among the rules after insert; clamped to 0..n-1, never after the default rule.
      const at = b.order === undefined ? nonDefault : Math.max(0, Math.min(b.order as number, nonDefault));
      t.rules.splice(at, 0, rule);
      record(t);
      return ok(req, 201, { result: "Created", data: { id: rule.id } });
    } catch (e) {
      if (e instanceof Invalid) return invalid(req, e);
      throw e;
    }
  });

  onRule("PATCH", "", (req, t, r) => {
    const b = bodyOf(req);
    if (isResponse(b)) return b;
    // Validate everything first so a 422 changes nothing. `order` is ignored: only change-order moves rules.
    const next: Partial<EmuRule> = {};
    if (b.name !== undefined) {
      if (typeof b.name !== "string") throw new Invalid("name", "should be a string");
      next.name = b.name;
    }
    if (b.criteria !== undefined) {
      next.criteria = validCriteria(b.criteria);
      if (r.isDefault && next.criteria.type !== "match-all") throw new Invalid("criteria", "of the default routing rule cannot be changed");
    }
    if (b.timezone !== undefined) next.timezone = validTimezone(b.timezone);
    if (b.notify !== undefined) next.notify = validNotify(b.notify);
    // Only an object (the spec has no null here, and the docs no way to clear one).
    if (b.timeRestriction !== undefined) {
      if (r.isDefault) throw new Invalid("timeRestriction", "cannot be set on the default routing rule");
      next.timeRestriction = validTimeRestriction(b.timeRestriction);
    }
    Object.assign(r, next);
    record(t);
    return ok(req, 200, { result: "Updated", data: { id: r.id } });
  });

  onRule("DELETE", "", (req, t, r) => {
    if (r.isDefault) return fail(req, 422, "Default routing rule cannot be deleted", { errors: { id: "default routing rule cannot be deleted" } });
    t.rules.splice(t.rules.indexOf(r), 1);
    record(t);
    return ok(req, 200, { result: "Deleted" });
  });

  onRule("POST", "/change-order", (req, t, r) => {
    const b = bodyOf(req);
    if (isResponse(b)) return b;
    if (!isInt(b.order)) return invalid(req, new Invalid("order", "is required and should be an integer"));
    if (r.isDefault) return fail(req, 422, "Order of the default routing rule cannot be changed", { errors: { order: "default routing rule is always last" } });
    t.rules.splice(t.rules.indexOf(r), 1);
    const at = Math.max(0, Math.min(b.order, t.rules.length - 1));
    t.rules.splice(at, 0, r);
    record(t);
    return ok(req, 200, { result: "Changed", data: { id: r.id } });
  });

  return api;
}

import { randomUUID } from "node:crypto";
import { EmulatorServer, SlidingWindow, type EmuRequest, type EmuResponse, type VendorEmulator } from "../../emulator-kit/framework";
import { createState, type EmuRule, type EmuTeam, type OpsgenieState } from "./state";
import { Invalid, isInt, isObj, validNewRule, validPatch } from "./validation";

// JSM Operations and Compass Operations team routing rules, in memory, from
// ../shared/vendor-docs/jsm-ops-routing-rules-facts.md: Basic auth (email:api_token),
// `/jsm/ops/api/{cloudId}/v1/...` and `/compass/cloud/{cloudId}/ops/v1/...`, bare objects,
// lists as `{values, links.next}` with offset/size, create 201 with the rule, PATCH
// change-order, the default rule per team, teams/escalations/schedules to seed and
// `/_edge/tenant_info`. What the facts mark unknown is a knob (`AtlassianOpsKnobs`).

export type OpsProduct = "jsm" | "compass";

/** The unknowns of the facts file, each settable (defaults: the facts file's best guess). */
export interface AtlassianOpsKnobs {
  /** `isDefault` as a JSON boolean (likely, TFP decodes a bool) or the string of the docs' example. */
  isDefaultAs: "boolean" | "string";
  /** PATCH keeps absent fields (partial) or resets them to their defaults (full; `order` stays). */
  patch: "partial" | "full";
  /** Where a rule created without `order` lands: above the default rule, or at the top (TFP's test read back 0). */
  createWithoutOrder: "bottom" | "top";
  /** What a create answers with: the rule (documented), `{data:{id}}`, or no body. */
  createBody: "rule" | "id" | "empty";
  /** Status codes (any 2xx is plausible). */
  status: { create: number; update: number; delete: number; reorder: number };
  /** Error bodies: Opsgenie-like `{message, took, requestId}` (seen live) or `{errors:[{title}]}` (the intro). */
  errorShape: "message" | "errors";
  /** The largest page served whatever `size` asks (max size unknown). */
  maxPageSize: number;
}

export interface AtlassianOpsEmulatorOptions {
  email?: string;
  apiToken?: string;
  cloudId?: string;
  /** Account-wide sliding window (all calls). Default 600 per 60 s. */
  rateLimit?: { limit: number; windowMs: number };
  knobs?: Partial<AtlassianOpsKnobs>;
  accountTimezone?: string;
}

export interface AtlassianOpsEmulator extends VendorEmulator {
  readonly vendor: "jsm-ops";
  readonly server: EmulatorServer;
  readonly email: string;
  readonly apiToken: string;
  readonly cloudId: string;
  /** Each product's tenant: teams (Atlassian team ids), rules, escalations, schedules. */
  readonly jsm: OpsgenieState;
  readonly compass: OpsgenieState;
  knobs: AtlassianOpsKnobs;
  readonly rateWindow: SlidingWindow;
  /** The API base of a product: `<url>/jsm/ops/api/<cloudId>` or `<url>/compass/cloud/<cloudId>/ops`. */
  base(product: OpsProduct): string;
  seeded(): Record<string, string>;
}

export const DEFAULT_KNOBS: AtlassianOpsKnobs = {
  isDefaultAs: "boolean",
  patch: "partial",
  createWithoutOrder: "bottom",
  createBody: "rule",
  status: { create: 201, update: 200, delete: 204, reorder: 204 },
  errorShape: "message",
  maxPageSize: 100,
};

/** Condition fields Opsgenie has and the Operations APIs do not (TFP's list omits them). */
const NOT_IN_OPS = ["recipients", "teams"];

export function createAtlassianOpsEmulator(opts: AtlassianOpsEmulatorOptions = {}): AtlassianOpsEmulator {
  const email = opts.email ?? "ops-bot@example.com";
  const apiToken = opts.apiToken ?? "atlassian-emulator-token-0000";
  const cloudId = opts.cloudId ?? randomUUID();
  const tz = opts.accountTimezone ?? "America/Los_Angeles";
  const products: Record<OpsProduct, OpsgenieState> = { jsm: createState(tz), compass: createState(tz) };
  const knobs: AtlassianOpsKnobs = { ...DEFAULT_KNOBS, ...opts.knobs, status: { ...DEFAULT_KNOBS.status, ...opts.knobs?.status } };
  const window = new SlidingWindow(opts.rateLimit?.limit ?? 600, opts.rateLimit?.windowMs ?? 60_000);
  const basic = `Basic ${Buffer.from(`${email}:${apiToken}`).toString("base64")}`;
  const emu = { knobs } as { knobs: AtlassianOpsKnobs };

  const fail = (status: number, message: string): EmuResponse =>
    emu.knobs.errorShape === "errors"
      ? { status, body: { errors: [{ status, title: message }] } }
      : { status, body: { message, took: 0.002, requestId: randomUUID() } };

  const server = new EmulatorServer("jsm-ops", {
    before(req) {
      if (req.path === "/_edge/tenant_info") return undefined;
      if (req.headers.authorization !== basic) return fail(401, "Client must be authenticated to access this resource.");
      const hit = window.hit(email);
      if (!hit.allowed) {
        const wait = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
        return { ...fail(429, "Rate limit exceeded"), headers: { "retry-after": String(wait), "x-ratelimit-limit": String(window.limit), "x-ratelimit-remaining": "0", "x-ratelimit-reset": new Date(hit.resetAt).toISOString() } };
      }
      return undefined;
    },
    decorate(_req, res) {
      res.headers = { "atl-traceid": randomUUID().replace(/-/g, ""), ...(res.headers ?? {}) };
    },
    rateLimited: (retryAfterSec) => ({ ...fail(429, "Rate limit exceeded"), headers: { "retry-after": String(retryAfterSec) } }),
    serverError: (status, message) => fail(status, message ?? (status === 503 ? "Service unavailable" : "Internal server error")),
    notFound: (req) => fail(404, `No route for ${req.method} ${req.path}`),
  });

  server.route("GET", "/_edge/tenant_info", () => ({ status: 200, body: { cloudId } }));

  const ctx: Ctx = { server, emu, fail, cloudId };
  for (const product of ["jsm", "compass"] as const) productRoutes(ctx, product, products[product]);


  return Object.assign(emu, {
    vendor: "jsm-ops" as const,
    server,
    credential: apiToken,
    email,
    apiToken,
    cloudId,
    jsm: products.jsm,
    compass: products.compass,
    rateWindow: window,
    base: (product: OpsProduct) => (product === "jsm" ? `${server.url}/jsm/ops/api/${cloudId}` : `${server.url}/compass/cloud/${cloudId}/ops`),
    seedDemo: (seed?: string) => {
      products.jsm.seedDemo(seed === undefined ? undefined : `${seed}/jsm`);
      products.compass.seedDemo(seed === undefined ? undefined : `${seed}/compass`);
    },
    seeded: () => seededIds(products),
  });
}

/** The `opsgenie:accounts` entry pointing at this emulator (credentials included: for tests and the demo only). */
export function emulatorAccount(e: AtlassianOpsEmulator, product: OpsProduct, how: "cloudId" | "site" = "cloudId"): Record<string, string> {
  const where: Record<string, string> = how === "cloudId" ? { cloudId: e.cloudId } : { site: "emulator", tenantInfoUrl: e.server.url };
  return { platform: product, ...where, email: e.email, apiToken: e.apiToken, apiUrl: e.server.url };
}


/** What the route handlers share: the server, the knobs, the error shape, the site. */
interface Ctx {
  server: EmulatorServer;
  emu: { knobs: AtlassianOpsKnobs };
  fail(status: number, message: string): EmuResponse;
  cloudId: string;
}

/** One product's routes, under its prefix, with the handlers' shared lookups. */
interface Routes {
  route(method: string, path: string, handle: (req: EmuRequest) => EmuResponse): void;
  team(req: EmuRequest): EmuTeam | undefined;
  noTeam(req: EmuRequest): EmuResponse;
  onRule(method: string, suffix: string, handle: (req: EmuRequest, t: EmuTeam, r: EmuRule) => EmuResponse): void;
}

/** Reads give notify by id only; `isDefault` as the knob says. */
function render({ emu }: Ctx, state: OpsgenieState, team: EmuTeam, rule: EmuRule): Record<string, unknown> {
  const out = state.render(team, rule);
  const n = out.notify as Record<string, unknown>;
  delete n.name;
  if (emu.knobs.isDefaultAs === "string") out.isDefault = String(rule.isDefault);
  return out;
}

/** `{values, links.next}`; next is relative to the base. */
function page({ emu }: Ctx, req: EmuRequest, path: string, all: unknown[]): EmuResponse {
  const offset = Math.max(0, Number(req.query.get("offset") ?? 0) || 0);
  const size = Math.max(1, Math.min(emu.knobs.maxPageSize, Number(req.query.get("size") ?? 20) || 20));
  const values = all.slice(offset, offset + size);
  const links: Record<string, string> = {};
  if (offset + size < all.length) links.next = `${path}?offset=${offset + size}&size=${size}`;
  return { status: 200, body: { values, links } };
}

function body(req: EmuRequest): Record<string, unknown> {
  if (req.jsonError) throw new Invalid("(body)", "is not valid JSON");
  if (req.body === undefined) return {};
  if (!isObj(req.body)) throw new Invalid("(body)", "should be a JSON object");
  return req.body;
}

/** Notify by id only, no Opsgenie-only condition fields. */
function opsRules(b: Record<string, unknown>): void {
  const n = b.notify;
  if (isObj(n) && n.type !== "none" && (typeof n.id !== "string" || !n.id)) throw new Invalid("notify.id", "is required (notify is by id)");
  const conds = isObj(b.criteria) && Array.isArray(b.criteria.conditions) ? b.criteria.conditions : [];
  conds.forEach((c, i) => {
    if (isObj(c) && NOT_IN_OPS.includes(String(c.field))) throw new Invalid(`criteria.conditions[${i}].field`, `${String(c.field)} is not a valid field`);
  });
}

function productRoutes(ctx: Ctx, product: OpsProduct, state: OpsgenieState): void {
  const { server, fail, cloudId } = ctx;
  const prefix = product === "jsm" ? "/jsm/ops/api/:cloud" : "/compass/cloud/:cloud/ops";
  const route = (method: string, path: string, handle: (req: EmuRequest) => EmuResponse) =>
    server.route(method, `${prefix}${path}`, (req) => {
      if (req.params.cloud !== cloudId) return fail(404, `Site ${req.params.cloud} not found`);
      try {
        return handle(req);
      } catch (e) {
        if (e instanceof Invalid) return fail(400, `${e.field} ${e.detail}`);
        throw e;
      }
    });
  const team = (req: EmuRequest): EmuTeam | undefined => state.teams.get(req.params.team);
  const noTeam = (req: EmuRequest) => fail(404, `Team ${req.params.team} not found or operations are not enabled for it`);
  const onRule = (method: string, suffix: string, handle: (req: EmuRequest, t: EmuTeam, r: EmuRule) => EmuResponse) =>
    route(method, `/v1/teams/:team/routing-rules/:id${suffix}`, (req) => {
      const t = team(req);
      if (!t) return noTeam(req);
      const r = t.rules.find((x) => x.id === req.params.id);
      if (!r) return fail(404, `Routing rule ${req.params.id} not found`);
      return handle(req, t, r);
    });

  const r: Routes = { route, team, noTeam, onRule };
  lookupRoutes(ctx, state, r);
  ruleRoutes(ctx, state, r);
}

/** Teams, escalations and schedules (notify by name resolves through them), the team's rules and their create. */
function lookupRoutes(ctx: Ctx, state: OpsgenieState, { route, team, noTeam }: Routes): void {
  const { emu } = ctx;
  route("GET", "/v1/teams", (req) => page(ctx, req, "/v1/teams", [...state.teams.values()].map((t) => ({ teamId: t.id, teamName: t.name }))));
  route("GET", "/v1/teams/:team/escalations", (req) => {
    if (!team(req)) return noTeam(req);
    return page(ctx, req, `/v1/teams/${req.params.team}/escalations`, [...state.escalations.values()].map((e) => ({ id: e.id, name: e.name })));
  });
  route("GET", "/v1/schedules", (req) => page(ctx, req, "/v1/schedules", [...state.schedules.values()].map((e) => ({ id: e.id, name: e.name }))));

  route("GET", "/v1/teams/:team/routing-rules", (req) => {
    const t = team(req);
    if (!t) return noTeam(req);
    return page(ctx, req, `/v1/teams/${t.id}/routing-rules`, t.rules.map((r) => render(ctx, state, t, r)));
  });
  route("POST", "/v1/teams/:team/routing-rules", (req) => {
    const t = team(req);
    if (!t) return noTeam(req);
    const b = body(req);
    opsRules(b);
    const { rule: fields, order } = validNewRule(b, state);
    const rule: EmuRule = { id: randomUUID(), ...fields };
    const nonDefault = t.rules.length - 1;
    const at = order === undefined ? (emu.knobs.createWithoutOrder === "top" ? 0 : nonDefault) : Math.max(0, Math.min(order, nonDefault));
    t.rules.splice(at, 0, rule);
    state.record(t);
    const reply = emu.knobs.createBody === "rule" ? render(ctx, state, t, rule) : emu.knobs.createBody === "id" ? { result: "Created", data: { id: rule.id } } : undefined;
    return { status: emu.knobs.status.create, body: reply };
  });
}

/** One rule: read, PATCH, delete, change-order. */
function ruleRoutes(ctx: Ctx, state: OpsgenieState, { onRule }: Routes): void {
  const { emu, fail } = ctx;
  onRule("GET", "", (_req, t, r) => ({ status: 200, body: render(ctx, state, t, r) }));
  onRule("PATCH", "", (req, t, r) => {
    const b = body(req);
    opsRules(b);
    const next = validPatch(b, r, state);
    if (emu.knobs.patch === "full" && !r.isDefault) {
      // A full PATCH: what is not sent goes back to its default (order is kept).
      if (b.criteria === undefined) next.criteria = { type: "match-all" };
      if (b.timezone === undefined) next.timezone = state.accountTimezone;
      if (b.timeRestriction === undefined) r.timeRestriction = undefined;
    }
    Object.assign(r, next);
    state.record(t);
    return { status: emu.knobs.status.update, body: emu.knobs.status.update === 204 ? undefined : render(ctx, state, t, r) };
  });
  onRule("DELETE", "", (_req, t, r) => {
    if (r.isDefault) return fail(400, "Default routing rule cannot be deleted");
    t.rules.splice(t.rules.indexOf(r), 1);
    state.record(t);
    return { status: emu.knobs.status.delete };
  });
  onRule("PATCH", "/change-order", (req, t, r) => {
    const b = body(req);
    if (!isInt(b.order)) throw new Invalid("order", "is required and should be an integer");
    if (r.isDefault) return fail(400, "Order of the default routing rule cannot be changed");
    t.rules.splice(t.rules.indexOf(r), 1);
    t.rules.splice(Math.max(0, Math.min(b.order, t.rules.length - 1)), 0, r);
    state.record(t);
    return { status: emu.knobs.status.reorder };
  });
}

/** `<product>.<kind>:<name>` -> id of every seeded team, schedule and escalation. */
function seededIds(products: Record<OpsProduct, OpsgenieState>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const product of ["jsm", "compass"] as const)
    for (const [kind, pool] of [["team", products[product].teams], ["schedule", products[product].schedules], ["escalation", products[product].escalations]] as const)
      for (const e of pool.values()) out[`${product}.${kind}:${e.name}`] = e.id;
  return out;
}

import { EmulatorServer, type EmulatorHooks, type EmuRequest, type EmuResponse } from "../../emulator-kit/framework";
import { applyPending, applyWrite, known, newRoute, resource, RESOURCE_TYPE, visible, type CatalogKind, type RootlyState, type StoredRoute } from "./state";
import { validateRoute, type JsonApiError } from "./validation";

// Rootly's HTTP surface: Bearer auth, JSON:API bodies and media type, `errors[]`
// envelopes, per-key rate limits with X-RateLimit-* headers on every response,
// and the `/v1/alert_routes` routes.

const MEDIA = "application/vnd.api+json";

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const err = (status: number, title: string, detail?: string, pointer?: string): EmuResponse => ({
  status,
  headers: { "content-type": MEDIA },
  body: { errors: [{ title, status: String(status), code: null, detail: detail ?? null, ...(pointer ? { source: { pointer } } : {}) }] },
});
const ok = (status: number, body: unknown): EmuResponse => ({ status, headers: { "content-type": MEDIA }, body });
const invalid = (errors: JsonApiError[]): EmuResponse => ({ status: 422, headers: { "content-type": MEDIA }, body: { errors } });
const bearer = (req: EmuRequest) => /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1]?.trim();
const classOf = (method: string) => (["GET", "HEAD", "OPTIONS"].includes(method) ? "read" : "write");
const RATE_LIMITED = { error: "Rate limit exceeded. Try again later." };

/** A 502 page from a proxy that quotes the bare token, placed so that a message cut at 200 characters before redaction would keep a piece of it. */
function proxyPage(key: string): EmuResponse {
  const lead = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>upstream rootly-api refused the request; client credential: ";
  return { status: 502, headers: { "content-type": "text/html" }, body: `${lead.padEnd(190, ".")}${key} could not be forwarded</p></body></html>` };
}

/** Auth, proxy pages, rate limits, the Advanced Alert Routing gate and the media type, then headers on every response. */
function hooks(s: RootlyState, advancedAlertRouting: boolean): EmulatorHooks {
  // Which key and class each request counted against, for its X-RateLimit-* headers.
  const counted = new Map<number, { key: string; cls: "read" | "write" }>();
  return {
    before(req) {
      const key = bearer(req);
      if (!key || !s.tokens.has(key)) return err(401, "Unauthorized", "Invalid or missing API token");
      if (s.proxyPages > 0) {
        s.proxyPages--;
        return proxyPage(key);
      }
      const cls = classOf(req.method);
      counted.set(req.id, { key, cls });
      if (!(cls === "read" ? s.readWin : s.writeWin).hit(key, Date.now())) return { status: 429, headers: { "content-type": "application/json" }, body: RATE_LIMITED };
      if (!advancedAlertRouting && req.path.startsWith("/v1/alert_routes"))
        return err(403, "Forbidden", "This endpoint requires access to Advanced Alert Routing. Contact Rootly customer support.");
      if (cls === "write" && req.rawBody.length) {
        if (!String(req.headers["content-type"] ?? "").startsWith(MEDIA)) return err(415, "Unsupported Media Type", `use Content-Type: ${MEDIA}`);
        if (req.jsonError) return err(400, "Bad Request", "the body is not valid JSON");
      }
      return undefined;
    },
    decorate(req, res) {
      const c = counted.get(req.id) ?? { key: bearer(req) ?? "", cls: classOf(req.method) };
      counted.delete(req.id);
      const w = c.cls === "read" ? s.readWin : s.writeWin;
      const st = w.state(c.key, Date.now());
      const h: Record<string, string> = {
        "x-request-id": `rootly-emu-${req.id}`,
        "x-ratelimit-limit": `${w.limit}, ${w.limit};window=${Math.max(1, Math.round(w.windowMs / 1000))}`,
        "x-ratelimit-remaining": String(st.remaining),
        "x-ratelimit-used": String(st.used),
        "x-ratelimit-reset": String(Math.ceil(st.resetAt / 1000)),
      };
      res.headers = { ...h, ...res.headers };
      if (res.body !== undefined && !res.headers["content-type"]) res.headers["content-type"] = MEDIA;
    },
    rateLimited: (retryAfterSec) => ({
      status: 429,
      headers: { "content-type": "application/json", "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000 + retryAfterSec)), "x-ratelimit-remaining": "0" },
      body: RATE_LIMITED,
    }),
    serverError: (status, message) => err(status, status === 503 ? "Service Unavailable" : "Internal Server Error", message),
    notFound: (req) => err(404, "Not Found", `no route for ${req.method} ${req.path}`),
  };
}

/** The body's attributes, or an error response for a malformed JSON:API document. */
function attributesOf(req: EmuRequest, id?: string): { attrs: Record<string, unknown> } | { error: EmuResponse } {
  const b = req.body;
  if (!isObj(b) || !isObj(b.data)) return { error: err(400, "Bad Request", "the body must be a JSON:API document with a data member", "/data") };
  if (b.data.type !== RESOURCE_TYPE) return { error: err(409, "Conflict", `data.type must be "${RESOURCE_TYPE}"`, "/data/type") };
  if (id !== undefined && b.data.id !== undefined && String(b.data.id) !== id) return { error: err(409, "Conflict", "data.id does not match the URL", "/data/id") };
  if (!isObj(b.data.attributes)) return { error: err(400, "Bad Request", "data.attributes is required", "/data/attributes") };
  return { attrs: b.data.attributes };
}

/** `GET /v1/alert_routes`: page[number], page[size] (at most 100), filter[name], filter[enabled]. */
function list(s: RootlyState, server: EmulatorServer, req: EmuRequest): EmuResponse {
  const num = Math.max(1, Number(req.query.get("page[number]") ?? 1) || 1);
  const size = Math.min(100, Math.max(1, Number(req.query.get("page[size]") ?? 20) || 20));
  const name = req.query.get("filter[name]");
  const enabled = req.query.get("filter[enabled]");
  let all = [...s.routes.values()].filter((r) => visible(s, bearer(req) ?? "", r));
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
}

/**
 * The catalog lists (`GET /v1/alert_sources`, `/v1/services`, ...): JSON:API, paged like
 * alert routes. Rootly's "Group" target is a team (`/v1/teams`); the emulator keeps groups
 * apart from owning teams and lists both there.
 */
export const CATALOG_PATHS: Readonly<Record<string, { type: string; kinds: CatalogKind[] }>> = {
  "/v1/alert_sources": { type: "alert_sources", kinds: ["alertSource"] },
  "/v1/services": { type: "services", kinds: ["service"] },
  "/v1/teams": { type: "groups", kinds: ["team", "group"] },
  "/v1/functionalities": { type: "functionalities", kinds: ["functionality"] },
  "/v1/escalation_policies": { type: "escalation_policies", kinds: ["escalationPolicy"] },
  "/v1/alert_urgencies": { type: "alert_urgencies", kinds: ["alertUrgency"] },
  "/v1/alert_fields": { type: "alert_fields", kinds: ["alertField"] },
};

function catalogList(s: RootlyState, server: EmulatorServer, req: EmuRequest, path: string): EmuResponse {
  const { type, kinds } = CATALOG_PATHS[path];
  const num = Math.max(1, Number(req.query.get("page[number]") ?? 1) || 1);
  const size = Math.min(100, Math.max(1, Number(req.query.get("page[size]") ?? 20) || 20));
  const all = kinds.flatMap((k) => [...(s.catalog.get(k) ?? new Map<string, string>()).entries()]);
  const pages = Math.max(1, Math.ceil(all.length / size));
  const link = (n: number) => `${server.url}${path}?page%5Bnumber%5D=${n}&page%5Bsize%5D=${size}`;
  return ok(200, {
    data: all.slice((num - 1) * size, num * size).map(([id, name]) => ({ id, type, attributes: { name, slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-") } })),
    links: { self: link(num), first: link(1), prev: num > 1 ? link(num - 1) : null, next: num < pages ? link(num + 1) : null, last: link(pages) },
    meta: { current_page: num, next_page: num < pages ? num + 1 : null, prev_page: num > 1 ? num - 1 : null, total_count: all.length, total_pages: pages },
  });
}

/** `GET /v1/alerts`: page[number], page[size] (at most 100), sort `created_at` or `-created_at` (default). */
function listAlerts(s: RootlyState, server: EmulatorServer, req: EmuRequest): EmuResponse {
  const num = Math.max(1, Number(req.query.get("page[number]") ?? 1) || 1);
  const size = Math.min(100, Math.max(1, Number(req.query.get("page[size]") ?? 20) || 20));
  const dir = req.query.get("sort") === "created_at" ? 1 : -1;
  const all = [...s.alerts].sort((a, b) => dir * a.attributes.created_at.localeCompare(b.attributes.created_at));
  const pages = Math.max(1, Math.ceil(all.length / size));
  const link = (n: number) => `${server.url}${req.path}?page[number]=${n}&page[size]=${size}`;
  return ok(200, {
    data: all.slice((num - 1) * size, num * size),
    links: { self: link(num), first: link(1), next: num < pages ? link(num + 1) : null, last: link(pages) },
    meta: { current_page: num, next_page: num < pages ? num + 1 : null, total_count: all.length, total_pages: pages },
  });
}

/** A server with Rootly's hooks and every `/v1/alert_routes` route over the state `s`. */
export function rootlyServer(s: RootlyState, opts: { advancedAlertRouting: boolean }): EmulatorServer {
  const server = new EmulatorServer("rootly", hooks(s, opts.advancedAlertRouting));
  const isKnown = (kind: Parameters<typeof known>[1], id: string) => known(s, kind, id);
  const find = (req: EmuRequest): StoredRoute | undefined => {
    const r = s.routes.get(req.params.id);
    return r && visible(s, bearer(req) ?? "", r) ? r : undefined;
  };
  const missing = (req: EmuRequest) => err(404, "Record not found", `Couldn't find AlertRoute with 'id'=${req.params.id}`);
  const update = (req: EmuRequest): EmuResponse => {
    const r = find(req);
    if (!r) return missing(req);
    const parsed = attributesOf(req, r.id);
    if ("error" in parsed) return parsed.error;
    const errors = validateRoute(parsed.attrs, false, isKnown);
    if (errors.length) return invalid(errors);
    applyPending(r);
    applyWrite(s, r, parsed.attrs);
    return ok(200, { data: resource(r) });
  };

  server.route("GET", "/v1/alert_routes", (req) => list(s, server, req));
  for (const path of Object.keys(CATALOG_PATHS)) server.route("GET", path, (req) => catalogList(s, server, req, path));
  server.route("GET", "/v1/alerts", (req) => listAlerts(s, server, req));
  server.route("POST", "/v1/alert_routes", (req) => {
    const parsed = attributesOf(req);
    if ("error" in parsed) return parsed.error;
    const errors = validateRoute(parsed.attrs, true, isKnown);
    if (errors.length) return invalid(errors);
    const r = newRoute();
    applyWrite(s, r, parsed.attrs);
    s.routes.set(r.id, r);
    return ok(201, { data: resource(r) });
  });
  server.route("GET", "/v1/alert_routes/:id", (req) => {
    const r = find(req);
    if (!r) return missing(req);
    applyPending(r);
    return ok(200, { data: resource(r, req.query.get("show_nested_ids") === "true") });
  });
  server.route("PUT", "/v1/alert_routes/:id", update);
  // Plain JSON, not JSON:API (as Rootly's Terraform provider reads it).
  server.route("GET", "/v1/alert_routes/:id/async_rule_creation_status/:requestId", (req) => {
    const r = find(req);
    const q = r && s.statusEndpoint ? s.requests.get(`${r.id}/${req.params.requestId}`) : undefined;
    if (!r || !q) return err(404, "Record not found", "Not found or unauthorized");
    applyPending(r);
    const status = q.readyAt > Date.now() ? "pending" : q.error ? "error" : "success";
    return { status: 200, headers: { "content-type": "application/json" }, body: { status, error: status === "error" ? q.error : null } };
  });
  server.route("PATCH", "/v1/alert_routes/:id", update);
  server.route("DELETE", "/v1/alert_routes/:id", (req) => {
    const r = find(req);
    if (!r) return missing(req);
    s.routes.delete(r.id);
    return ok(200, { data: resource(r) });
  });
  return server;
}

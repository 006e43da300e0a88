// An in-memory Flashduty API (routing rules and mapping data), written from the
// vendor's OpenAPI extract and docs: `?app_key=` auth, `{request_id, data}` /
// `{request_id, error}` envelopes, the Flashcat-Request-Id header, version
// checks, mapping limits, one writer per schema, and 50/s + 1,000/min limits.
import { createHash, randomBytes } from "node:crypto";
import { EmulatorServer, SlidingWindow, type EmuRequest, type EmuResponse, type VendorEmulator } from "../emulator/framework";
import { valueProblem } from "./route.schema";

export interface FlashdutyEmulatorOptions {
  /** The APP key the emulator accepts (random when omitted). */
  appKey?: string;
  perSecond?: number;
  perMinute?: number;
  /** Rows a schema may hold (documented default 10,000). */
  maxRows?: number;
  /** Holds the per-schema write lock this long on each upsert (to provoke RequestTooFrequently). */
  upsertDelayMs?: number;
  /** Answer errors with HTTP 200 and the error envelope, as some Flashduty endpoints do. */
  errorsWithHttp200?: boolean;
}

export interface EmuRouteCase {
  if: { key: string; oper: string; vals: string[] }[];
  channel_ids: number[] | null;
  fallthrough: boolean;
  routing_mode: string;
  name_mapping_label?: string;
}
export interface EmuRoute {
  integration_id: number;
  cases: EmuRouteCase[];
  sections: { name: string; position: number }[];
  default: { channel_ids: number[] } | null;
  status: "enabled" | "deleted";
  version: number;
  updated_by: number;
  creator_id: number;
  created_at: number;
  updated_at: number;
  deleted_at?: number;
}
export interface EmuSchema {
  schema_id: string;
  schema_name: string;
  description: string;
  source_labels: string[];
  result_labels: string[];
  status: string;
  team_id: number;
  creator_id: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
}
export interface EmuRow {
  key: string;
  fields: Record<string, string>;
  created_at: number;
  updated_at: number;
  seq: number;
}

export interface FlashdutyEmulator extends VendorEmulator {
  readonly vendor: "flashduty";
  readonly integrations: Set<number>;
  readonly channels: Map<number, { channel_id: number; channel_name: string }>;
  readonly routes: Map<number, EmuRoute>;
  readonly schemas: Map<string, EmuSchema>;
  readonly data: Map<string, Map<string, EmuRow>>;
  options: Required<Omit<FlashdutyEmulatorOptions, "appKey">>;
  seedIntegration(id: number): void;
  seedChannel(id: number, name?: string): void;
  seedSchema(s: { sourceLabels: string[]; resultLabels: string[]; name?: string; id?: string }): string;
  /** An edit made in the console: writes the rule unconditionally and bumps its version. */
  editRouteOutOfBand(integrationId: number, change: (r: EmuRoute) => void): EmuRoute;
  rows(schemaId: string): EmuRow[];
  /**
   * The next `times` requests to `path` answer as if the object were missing: a
   * `ResourceNotFound` error, or `data: null` (what a lagging replica or a proxy
   * in a bad moment gives). Nothing is changed.
   */
  answerMissing(path: string, opts?: { times?: number; as?: "not-found" | "null" }): void;
  /** The next `times` requests to `path` get a 502 HTML page from a "proxy" that quotes the APP key with no prefix. */
  proxyPageQuotingKey(path: string, times?: number): void;
  /** Forgets what `answerMissing` and `proxyPageQuotingKey` set up. */
  clearGlitches(): void;
}

const STATUS: Record<string, number> = {
  InvalidParameter: 400,
  BadRequest: 400,
  InvalidContentType: 400,
  ResourceNotFound: 400,
  Unauthorized: 401,
  AccessDenied: 403,
  RouteNotFound: 404,
  MethodNotAllowed: 405,
  RequestTooFrequently: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
};

const MEMBER_ID = 3790925372131;
const nowSec = () => Math.floor(Date.now() / 1000);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

const PATHS = [
  "/route/info",
  "/route/list",
  "/route/upsert",
  "/enrichment/mapping/schema/info",
  "/enrichment/mapping/schema/list",
  "/enrichment/mapping/data/list",
  "/enrichment/mapping/data/upsert",
  "/enrichment/mapping/data/delete",
  "/enrichment/mapping/data/truncate",
];

export function createFlashdutyEmulator(opts: FlashdutyEmulatorOptions = {}): FlashdutyEmulator {
  const appKey = opts.appKey ?? `fd-emu-${randomBytes(8).toString("hex")}`;
  const options = {
    perSecond: opts.perSecond ?? 50,
    perMinute: opts.perMinute ?? 1000,
    maxRows: opts.maxRows ?? 10_000,
    upsertDelayMs: opts.upsertDelayMs ?? 0,
    errorsWithHttp200: opts.errorsWithHttp200 ?? false,
  };
  const perSecond = new SlidingWindow(options.perSecond, 1000);
  const perMinute = new SlidingWindow(options.perMinute, 60_000);
  const integrations = new Set<number>();
  const channels = new Map<number, { channel_id: number; channel_name: string }>();
  const routes = new Map<number, EmuRoute>();
  const schemas = new Map<string, EmuSchema>();
  const data = new Map<string, Map<string, EmuRow>>();
  const writing = new Set<string>();
  const missing = new Map<string, { left: number; as: "not-found" | "null" }>();
  const proxyPages = new Map<string, number>();
  let rowSeq = 0;

  const fail = (code: string, message: string, headers?: Record<string, string>): EmuResponse => ({
    status: options.errorsWithHttp200 && code !== "RequestTooFrequently" ? 200 : (STATUS[code] ?? 400),
    headers,
    body: { error: { code, message } },
  });
  const ok = (d: unknown): EmuResponse => ({ status: 200, body: { data: d } });
  const invalid = (m: string) => fail("InvalidParameter", `The specified parameter is not valid: ${m}`);

  const server = new EmulatorServer("flashduty", {
    before(req) {
      const key = req.query.get("app_key");
      if (!key || key !== appKey) return fail("Unauthorized", "You are unauthorized.");
      const t = Date.now();
      const s = perSecond.hit(key, t);
      const m = s.allowed ? perMinute.hit(key, t) : undefined;
      if (!s.allowed || !m?.allowed) {
        const w = !s.allowed ? s : m!;
        const retry = Math.max(1, Math.ceil((w.resetAt - t) / 1000));
        return fail("RequestTooFrequently", "Request too frequently.", {
          "retry-after": String(retry),
          "x-ratelimit-limit": String(!s.allowed ? options.perSecond : options.perMinute),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(retry),
        });
      }
      if (PATHS.includes(req.path) && req.method !== "POST") return fail("MethodNotAllowed", `Method ${req.method} is not allowed.`);
      const ct = String(req.headers["content-type"] ?? "");
      if (!ct.toLowerCase().startsWith("application/json")) return fail("InvalidContentType", "Content-Type not supported, please use application/json.");
      if (req.jsonError || req.body === null || typeof req.body !== "object" || Array.isArray(req.body)) return invalid("request body must be a JSON object");
      const page = proxyPages.get(req.path);
      if (page) {
        proxyPages.set(req.path, page - 1);
        // A gateway error page whose key starts 12 characters before the 300th: a cut there would keep a piece of it.
        const head = "<html><body><h1>502 Bad Gateway</h1><p>upstream rejected credential ".padEnd(288, " ");
        return { status: 502, headers: { "content-type": "text/html" }, body: `${head}${appKey} for ${req.path}</p></body></html>` };
      }
      const gone = missing.get(req.path);
      if (gone && gone.left > 0) {
        gone.left--;
        return gone.as === "null" ? ok(null) : fail("ResourceNotFound", "The referenced resource does not exist.");
      }
      return undefined;
    },
    decorate(req, res) {
      const id = `fd-${req.id.toString().padStart(8, "0")}`;
      res.headers = { ...res.headers, "flashcat-request-id": id };
      if (res.body && typeof res.body === "object" && !Array.isArray(res.body)) res.body = { request_id: id, ...(res.body as object) };
    },
    rateLimited: (sec) => fail("RequestTooFrequently", "Request too frequently.", { "retry-after": String(sec) }),
    serverError: (status, message) =>
      status === 503
        ? { status, body: { error: { code: "ServiceUnavailable", message: message ?? "A backend dependency is unavailable. Try again later." } } }
        : { status, body: { error: { code: "InternalError", message: message ?? "We encountered an internal error, and it has been reported. Please try again later." } } },
    notFound: (req) => fail("RouteNotFound", `Request ${req.method} ${req.path} not matched.`),
  });

  const body = (req: EmuRequest) => req.body as Record<string, unknown>;

  // ---------- routing rules ----------
  const integrationOf = (req: EmuRequest): number | EmuResponse => {
    const id = body(req).integration_id;
    if (!isInt(id) || id <= 0) return invalid("integration_id must be greater than 0");
    if (!integrations.has(id)) return fail("ResourceNotFound", `integration ${id} not found`);
    return id;
  };

  server.route("POST", "/route/info", (req) => {
    const id = integrationOf(req);
    if (typeof id !== "number") return id;
    return ok(routes.get(id) ?? null);
  });

  server.route("POST", "/route/list", (req) => {
    const ids = body(req).integration_ids;
    if (!Array.isArray(ids) || !ids.every(isInt)) return invalid("integration_ids must be a list of integration ids");
    // A deleted integration's rule is gone with it.
    return ok({ items: ids.map((i) => (integrations.has(i) ? routes.get(i) : undefined)).filter((r) => r && r.status !== "deleted") });
  });

  function validateRoute(b: Record<string, unknown>): string | EmuRoute["cases"] {
    const cases = b.cases ?? [];
    if (!Array.isArray(cases)) return "cases must be a list";
    if (cases.length === 0 && (b.default === undefined || b.default === null)) return "at least one of cases or default must be provided";
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i] as Record<string, unknown>;
      const at = `cases[${i}]`;
      if (!Array.isArray(c.if) || c.if.length === 0) return `${at}.if must have at least one condition`;
      for (let j = 0; j < c.if.length; j++) {
        const cond = c.if[j] as Record<string, unknown>;
        if (typeof cond.key !== "string" || !cond.key) return `${at}.if[${j}].key is required`;
        if (cond.oper !== "IN" && cond.oper !== "NOTIN") return `${at}.if[${j}].oper must be IN or NOTIN`;
        if (!isStrArr(cond.vals) || cond.vals.length === 0) return `${at}.if[${j}].vals must have at least one value`;
        for (let k = 0; k < cond.vals.length; k++) {
          const p = valueProblem(cond.vals[k]);
          if (p) return `${at}.if[${j}].vals[${k}] ${p}`;
        }
      }
      if (typeof c.fallthrough !== "boolean") return `${at}.fallthrough is required`;
      const mode = c.routing_mode ?? "";
      if (mode !== "" && mode !== "standard" && mode !== "name_mapping") return `${at}.routing_mode must be standard or name_mapping`;
      const ch = c.channel_ids ?? [];
      if (!Array.isArray(ch) || !ch.every(isInt)) return `${at}.channel_ids must be a list of ids`;
      if (mode === "name_mapping") {
        if (ch.length) return `${at}.channel_ids must be empty for name_mapping`;
        if (typeof c.name_mapping_label !== "string" || !c.name_mapping_label) return `${at}.name_mapping_label is required for name_mapping`;
      } else {
        if (!ch.length) return `${at}.channel_ids is required for standard routing`;
        for (const id of ch) if (!channels.has(id)) return `${at}.channel_ids: channel ${id} not found`;
      }
    }
    const sections = b.sections ?? [];
    if (!Array.isArray(sections)) return "sections must be a list";
    const names = new Set<string>();
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i] as Record<string, unknown>;
      if (typeof s.name !== "string" || !s.name) return `sections[${i}].name is required`;
      if (names.has(s.name)) return `sections[${i}].name "${s.name}" is not unique`;
      names.add(s.name);
      const pos = s.position ?? 0;
      if (!isInt(pos) || pos < 0 || pos > cases.length) return `sections[${i}].position must be between 0 and ${cases.length}`;
    }
    if (b.default !== undefined && b.default !== null) {
      const d = b.default as Record<string, unknown>;
      const ch = d.channel_ids ?? [];
      if (!Array.isArray(ch) || !ch.every(isInt)) return "default.channel_ids must be a list of ids";
      for (const id of ch) if (!channels.has(id)) return `default.channel_ids: channel ${id} not found`;
    }
    return (cases as Record<string, unknown>[]).map((c) => {
      const mode = String(c.routing_mode ?? "");
      const out: EmuRouteCase = {
        if: (c.if as { key: string; oper: string; vals: string[] }[]).map((x) => ({ key: x.key, oper: x.oper, vals: [...x.vals] })),
        // The API returns null for a name_mapping case's channels.
        channel_ids: mode === "name_mapping" ? null : [...((c.channel_ids as number[]) ?? [])],
        fallthrough: c.fallthrough as boolean,
        routing_mode: mode,
      };
      if (mode === "name_mapping") out.name_mapping_label = String(c.name_mapping_label);
      return out;
    });
  }

  function writeRoute(id: number, b: Record<string, unknown>, cases: EmuRoute["cases"]): EmuRoute {
    const prev = routes.get(id);
    const t = nowSec();
    const r: EmuRoute = {
      integration_id: id,
      cases,
      sections: ((b.sections as { name: string; position?: number }[] | undefined) ?? []).map((s) => ({ name: s.name, position: s.position ?? 0 })),
      default: b.default ? { channel_ids: [...(((b.default as Record<string, unknown>).channel_ids as number[]) ?? [])] } : null,
      status: "enabled",
      version: (prev?.version ?? 0) + 1,
      updated_by: MEMBER_ID,
      creator_id: prev?.creator_id ?? MEMBER_ID,
      created_at: prev?.created_at ?? t,
      updated_at: t,
    };
    routes.set(id, r);
    return r;
  }

  server.route("POST", "/route/upsert", (req) => {
    const id = integrationOf(req);
    if (typeof id !== "number") return id;
    const b = body(req);
    const cases = validateRoute(b);
    if (typeof cases === "string") return invalid(cases);
    const prev = routes.get(id);
    // Optimistic concurrency: checked only when given.
    if (b.version !== undefined && b.version !== null) {
      if (!isInt(b.version)) return invalid("version must be an integer");
      const current = prev?.version ?? 0;
      if (b.version !== current) return invalid(`version ${b.version} is stale: the routing rule was updated (current version ${current})`);
    }
    writeRoute(id, b, cases);
    return ok({});
  });

  // ---------- mapping schemas and data ----------
  const schemaOf = (req: EmuRequest): EmuSchema | EmuResponse => {
    const id = body(req).schema_id;
    if (typeof id !== "string" || !/^[0-9a-f]{24}$/i.test(id)) return invalid("schema_id must be an ObjectID hex string");
    const s = schemas.get(id);
    return s ?? fail("ResourceNotFound", `mapping schema ${id} not found`);
  };
  const rowsOf = (id: string) => {
    let m = data.get(id);
    if (!m) data.set(id, (m = new Map()));
    return m;
  };
  const keyFor = (s: EmuSchema, doc: Record<string, string>) => {
    const vals = s.source_labels.map((l) => doc[l]);
    // How Flashduty composes multi-label keys is undocumented: make ours opaque so clients cannot rely on it.
    return vals.length === 1 ? vals[0] : createHash("sha1").update(JSON.stringify(vals)).digest("hex").slice(0, 24);
  };

  server.route("POST", "/enrichment/mapping/schema/info", (req) => {
    const id = body(req).schema_id;
    if (typeof id !== "string" || !id) return invalid("schema_id is required");
    return ok(schemas.get(id) ?? null);
  });

  server.route("POST", "/enrichment/mapping/schema/list", () => {
    const items = [...schemas.values()].sort((a, b) => a.created_at - b.created_at);
    return ok({ total: items.length, items });
  });

  server.route("POST", "/enrichment/mapping/data/list", (req) => {
    const s = schemaOf(req);
    if ("status" in s && typeof s.status === "number") return s as EmuResponse;
    const schema = s as EmuSchema;
    const b = body(req);
    const limit = b.limit ?? 20;
    if (!isInt(limit) || limit < 1 || limit > 100) return invalid("limit must be between 1 and 100");
    const orderby = b.orderby ?? "updated_at";
    if (orderby !== "created_at" && orderby !== "updated_at") return invalid("orderby must be created_at or updated_at");
    const asc = b.asc === true;
    let items = [...rowsOf(schema.schema_id).values()];
    if (b.query !== undefined && b.query !== null) {
      const q = b.query as Record<string, string>;
      if (!schema.source_labels.every((l) => typeof q[l] === "string")) return invalid("query must give every source label");
      items = items.filter((r) => schema.source_labels.every((l) => r.fields[l] === q[l]));
    }
    const field = orderby as "created_at" | "updated_at";
    const cmp = (a: [number, number], c: [number, number]) => (a[0] - c[0] || a[1] - c[1]) * (asc ? 1 : -1);
    items.sort((x, y) => cmp([x[field], x.seq], [y[field], y.seq]));
    const total = items.length;
    let start = 0;
    if (typeof b.search_after_ctx === "string" && b.search_after_ctx) {
      let after: [number, number];
      try {
        after = JSON.parse(Buffer.from(b.search_after_ctx, "base64url").toString("utf8")) as [number, number];
      } catch {
        return invalid("search_after_ctx is not valid");
      }
      start = items.findIndex((r) => cmp([r[field], r.seq], after) > 0);
      if (start < 0) start = items.length;
    } else {
      const p = b.p ?? 1;
      if (!isInt(p) || p < 1) return invalid("p must be 1 or more");
      if (p * limit > 10_000) return invalid("p * limit must not exceed 10000; use search_after_ctx");
      start = (p - 1) * limit;
    }
    const page = items.slice(start, start + limit);
    const hasNext = start + limit < items.length;
    const last = page[page.length - 1];
    const out: Record<string, unknown> = {
      items: page.map((r) => ({ key: r.key, fields: { ...r.fields }, created_at: r.created_at, updated_at: r.updated_at })),
      total: Math.min(total, 1000),
      has_next_page: hasNext,
    };
    if (hasNext && last) out.search_after_ctx = Buffer.from(JSON.stringify([last[field], last.seq])).toString("base64url");
    return ok(out);
  });

  server.route("POST", "/enrichment/mapping/data/upsert", async (req) => {
    const s = schemaOf(req);
    if ("status" in s && typeof s.status === "number") return s as EmuResponse;
    const schema = s as EmuSchema;
    const docs = body(req).docs;
    if (!Array.isArray(docs) || docs.length === 0) return invalid("docs must have at least one row");
    if (docs.length > 1000) return invalid("docs must have at most 1000 rows");
    const labels = [...schema.source_labels, ...schema.result_labels];
    const clean: Record<string, string>[] = [];
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] as Record<string, unknown>;
      if (!d || typeof d !== "object") return invalid(`docs[${i}] must be an object`);
      const row: Record<string, string> = {};
      for (const l of labels) {
        const v = d[l];
        if (typeof v !== "string") return invalid(`docs[${i}] is missing label ${l}`);
        if (v.length > 2048) return invalid(`docs[${i}].${l} is longer than 2048 characters`);
        row[l] = v; // unknown labels are dropped
      }
      clean.push(row);
    }
    if (writing.has(schema.schema_id)) return fail("RequestTooFrequently", "Another write to this mapping schema is in progress.");
    writing.add(schema.schema_id);
    try {
      if (options.upsertDelayMs) await new Promise((r) => setTimeout(r, options.upsertDelayMs));
      const rows = rowsOf(schema.schema_id);
      const keys = clean.map((d) => keyFor(schema, d));
      const added = new Set(keys.filter((k) => !rows.has(k))).size;
      if (rows.size + added > options.maxRows) return invalid(`mapping schema ${schema.schema_id} would hold ${rows.size + added} rows; the limit is ${options.maxRows}`);
      const t = nowSec();
      clean.forEach((d, i) => {
        const prev = rows.get(keys[i]);
        rows.set(keys[i], { key: keys[i], fields: d, created_at: prev?.created_at ?? t, updated_at: t, seq: prev?.seq ?? ++rowSeq });
      });
      return ok({ keys });
    } finally {
      writing.delete(schema.schema_id);
    }
  });

  server.route("POST", "/enrichment/mapping/data/delete", (req) => {
    const s = schemaOf(req);
    if ("status" in s && typeof s.status === "number") return s as EmuResponse;
    const schema = s as EmuSchema;
    const keys = body(req).keys;
    if (!isStrArr(keys) || keys.length === 0) return invalid("keys must have at least one key");
    if (keys.length > 100) return invalid("keys must have at most 100 keys");
    const rows = rowsOf(schema.schema_id);
    for (const k of keys) rows.delete(k);
    return ok({});
  });

  server.route("POST", "/enrichment/mapping/data/truncate", (req) => {
    const s = schemaOf(req);
    if ("status" in s && typeof s.status === "number") return s as EmuResponse;
    rowsOf((s as EmuSchema).schema_id).clear();
    return ok({});
  });

  const emu: FlashdutyEmulator = {
    vendor: "flashduty",
    server,
    credential: appKey,
    integrations,
    channels,
    routes,
    schemas,
    data,
    options,
    seedIntegration: (id) => void integrations.add(id),
    seedChannel: (id, name) => void channels.set(id, { channel_id: id, channel_name: name ?? `channel-${id}` }),
    seedSchema({ sourceLabels, resultLabels, name, id }) {
      const schemaId = id ?? randomBytes(12).toString("hex");
      const t = nowSec();
      schemas.set(schemaId, {
        schema_id: schemaId,
        schema_name: name ?? `schema-${schemaId.slice(-4)}`,
        description: "",
        source_labels: [...sourceLabels],
        result_labels: [...resultLabels],
        status: "enabled",
        team_id: 0,
        creator_id: MEMBER_ID,
        updated_by: MEMBER_ID,
        created_at: t,
        updated_at: t,
      });
      return schemaId;
    },
    editRouteOutOfBand(integrationId, change) {
      const prev = routes.get(integrationId);
      const draft: EmuRoute = prev
        ? (JSON.parse(JSON.stringify(prev)) as EmuRoute)
        : { integration_id: integrationId, cases: [], sections: [], default: null, status: "enabled", version: 0, updated_by: 0, creator_id: 0, created_at: 0, updated_at: 0 };
      change(draft);
      const r = writeRoute(integrationId, draft as unknown as Record<string, unknown>, draft.cases);
      r.updated_by = 80011; // someone else, in the console
      return r;
    },
    rows: (schemaId) => [...rowsOf(schemaId).values()],
    answerMissing: (path, o = {}) => void missing.set(path, { left: o.times ?? 1, as: o.as ?? "not-found" }),
    proxyPageQuotingKey: (path, times = 1) => void proxyPages.set(path, times),
    clearGlitches() {
      missing.clear();
      proxyPages.clear();
    },
    seedDemo() {
      for (const id of [6113996590131, 6113996590132]) integrations.add(id);
      emu.seedChannel(2533748993131, "sre-oncall");
      emu.seedChannel(3521074710131, "default-oncall");
      emu.seedChannel(3521074710132, "payments");
      const sid = emu.seedSchema({ id: "665f1a2b3c4d5e6f7a8b9c01", name: "CMDB Lookup", sourceLabels: ["host"], resultLabels: ["owner", "team", "service"] });
      const rows = rowsOf(sid);
      const t = nowSec();
      for (const [host, owner, team, service] of [
        ["server01", "alice", "sre", "api"],
        ["server02", "bob", "platform", "gateway"],
      ])
        rows.set(host, { key: host, fields: { host, owner, team, service }, created_at: t, updated_at: t, seq: ++rowSeq });
    },
  };
  return emu;
}

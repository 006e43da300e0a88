// The endpoints: routing rules (`/route/*`) and mapping data (`/enrichment/mapping/*`).
import type { EmuRequest, EmuResponse, EmulatorServer } from "../../emulator-kit/framework";
import { sleep } from "../../core/idioms";
import type { Replies } from "./server";
import type { EmuRow, EmuSchema, FlashdutyState } from "./state";
import { MAPPING_LIMITS, SCHEMA_ID, isInt, validateDocs, validateKeys, validateRoute } from "./validation";

/** Every known path: another method on one of them is MethodNotAllowed, not RouteNotFound. */
export const PATHS = [
  "/alert/list",
  "/route/info",
  "/route/list",
  "/route/upsert",
  "/channel/list",
  "/enrichment/mapping/schema/info",
  "/enrichment/mapping/schema/list",
  "/enrichment/mapping/data/list",
  "/enrichment/mapping/data/upsert",
  "/enrichment/mapping/data/delete",
  "/enrichment/mapping/data/truncate",
] as const;

export interface RouteContext {
  server: EmulatorServer;
  state: FlashdutyState;
  reply: Replies;
  options: { maxRows: number; upsertDelayMs: number };
}

const body = (req: EmuRequest) => req.body as Record<string, unknown>;

export function registerRoutes(ctx: RouteContext): void {
  registerRouteRules(ctx);
  registerChannels(ctx);
  registerSchemas(ctx);
  registerRowList(ctx);
  registerRowWrites(ctx);
}

function registerRouteRules({ server, state, reply }: RouteContext): void {
  const integrationOf = (req: EmuRequest): number | EmuResponse => {
    const id = body(req).integration_id;
    if (!isInt(id) || id <= 0) return reply.invalid("integration_id must be greater than 0");
    if (!state.integrations.has(id)) return reply.fail("ResourceNotFound", `integration ${id} not found`);
    return id;
  };

  server.route("POST", "/route/info", (req) => {
    const id = integrationOf(req);
    return typeof id !== "number" ? id : reply.ok(state.routes.get(id) ?? null);
  });

  server.route("POST", "/route/list", (req) => {
    const ids = body(req).integration_ids;
    if (!Array.isArray(ids) || !ids.every(isInt)) return reply.invalid("integration_ids must be a list of integration ids");
    // A deleted integration's rule is gone with it.
    return reply.ok({ items: ids.map((i) => (state.integrations.has(i) ? state.routes.get(i) : undefined)).filter((r) => r && r.status !== "deleted") });
  });

  server.route("POST", "/route/upsert", (req) => {
    const id = integrationOf(req);
    if (typeof id !== "number") return id;
    const b = body(req);
    const content = validateRoute(b, (ch) => state.channels.has(ch));
    if (typeof content === "string") return reply.invalid(content);
    // Optimistic concurrency: checked only when given.
    if (b.version !== undefined && b.version !== null) {
      if (!isInt(b.version)) return reply.invalid("version must be an integer");
      const current = state.routes.get(id)?.version ?? 0;
      if (b.version !== current) return reply.invalid(`version ${b.version} is stale: the routing rule was updated (current version ${current})`);
    }
    state.writeRoute(id, content);
    return reply.ok({});
  });
}

/** `POST /channel/list` `{p, limit, query?}`: `{items, total, has_next_page}` (the vendor's SDK and Terraform client). */
function registerChannels({ server, state, reply }: RouteContext): void {
  server.route("POST", "/channel/list", (req) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const p = b.p ?? 1;
    const limit = b.limit ?? 20;
    if (!isInt(p) || p < 1) return reply.invalid("p must be 1 or more");
    if (!isInt(limit) || limit < 1 || limit > 100) return reply.invalid("limit must be between 1 and 100");
    const q = typeof b.query === "string" ? b.query.toLowerCase() : "";
    const all = [...state.channels.values()].filter((c) => !q || c.channel_name.toLowerCase().includes(q)).sort((x, y) => x.channel_id - y.channel_id);
    const items = all.slice((p - 1) * limit, p * limit).map((c) => ({ ...c, status: "enabled" }));
    return reply.ok({ items, total: all.length, has_next_page: p * limit < all.length });
  });
}

/** The schema a request names, or the error answer. */
function schemaOf({ state, reply }: RouteContext, req: EmuRequest): { schema: EmuSchema } | { error: EmuResponse } {
  const id = body(req).schema_id;
  if (typeof id !== "string" || !SCHEMA_ID.test(id)) return { error: reply.invalid("schema_id must be an ObjectID hex string") };
  const schema = state.schemas.get(id);
  return schema ? { schema } : { error: reply.fail("ResourceNotFound", `mapping schema ${id} not found`) };
}

function registerSchemas({ server, state, reply }: RouteContext): void {
  server.route("POST", "/enrichment/mapping/schema/info", (req) => {
    const id = body(req).schema_id;
    if (typeof id !== "string" || !id) return reply.invalid("schema_id is required");
    return reply.ok(state.schemas.get(id) ?? null);
  });

  server.route("POST", "/enrichment/mapping/schema/list", () => {
    const items = [...state.schemas.values()].sort((a, b) => a.created_at - b.created_at);
    return reply.ok({ total: items.length, items });
  });
}

type Cursor = [number, number];

/** Where a page starts: after `search_after_ctx`, else at page `p` (page numbers stop at 10,000 rows). */
function pageStart(b: Record<string, unknown>, limit: number, items: EmuRow[], after: (r: EmuRow, c: Cursor) => boolean): number | string {
  if (typeof b.search_after_ctx === "string" && b.search_after_ctx) {
    let cursor: Cursor;
    try {
      cursor = JSON.parse(Buffer.from(b.search_after_ctx, "base64url").toString("utf8")) as Cursor;
    } catch {
      return "search_after_ctx is not valid";
    }
    const start = items.findIndex((r) => after(r, cursor));
    return start < 0 ? items.length : start;
  }
  const p = b.p ?? 1;
  if (!isInt(p) || p < 1) return "p must be 1 or more";
  if (p * limit > MAPPING_LIMITS.pageWindow) return `p * limit must not exceed ${MAPPING_LIMITS.pageWindow}; use search_after_ctx`;
  return (p - 1) * limit;
}

function registerRowList(ctx: RouteContext): void {
  const { server, state, reply } = ctx;
  server.route("POST", "/enrichment/mapping/data/list", (req) => {
    const s = schemaOf(ctx, req);
    if ("error" in s) return s.error;
    const { schema } = s;
    const b = body(req);
    const limit = b.limit ?? 20;
    if (!isInt(limit) || limit < 1 || limit > MAPPING_LIMITS.listLimit) return reply.invalid(`limit must be between 1 and ${MAPPING_LIMITS.listLimit}`);
    const orderby = b.orderby ?? "updated_at";
    if (orderby !== "created_at" && orderby !== "updated_at") return reply.invalid("orderby must be created_at or updated_at");
    let items = [...state.rowsOf(schema.schema_id).values()];
    if (b.query !== undefined && b.query !== null) {
      const q = b.query as Record<string, string>;
      if (!schema.source_labels.every((l) => typeof q[l] === "string")) return reply.invalid("query must give every source label");
      items = items.filter((r) => schema.source_labels.every((l) => r.fields[l] === q[l]));
    }
    const field = orderby as "created_at" | "updated_at";
    const at = (r: EmuRow): Cursor => [r[field], r.seq];
    const cmp = (a: Cursor, c: Cursor) => (a[0] - c[0] || a[1] - c[1]) * (b.asc === true ? 1 : -1);
    items.sort((x, y) => cmp(at(x), at(y)));
    const start = pageStart(b, limit, items, (r, c) => cmp(at(r), c) > 0);
    if (typeof start === "string") return reply.invalid(start);
    const page = items.slice(start, start + limit);
    const hasNext = start + limit < items.length;
    const last = page[page.length - 1];
    const out: Record<string, unknown> = {
      items: page.map((r) => ({ key: r.key, fields: { ...r.fields }, created_at: r.created_at, updated_at: r.updated_at })),
      total: Math.min(items.length, MAPPING_LIMITS.listTotalCap),
      has_next_page: hasNext,
    };
    if (hasNext && last) out.search_after_ctx = Buffer.from(JSON.stringify(at(last))).toString("base64url");
    return reply.ok(out);
  });
}

function registerRowWrites(ctx: RouteContext): void {
  const { server, state, reply, options } = ctx;
  server.route("POST", "/enrichment/mapping/data/upsert", async (req) => {
    const s = schemaOf(ctx, req);
    if ("error" in s) return s.error;
    const { schema } = s;
    const docs = validateDocs(body(req).docs, [...schema.source_labels, ...schema.result_labels]);
    if (typeof docs === "string") return reply.invalid(docs);
    // One writer per schema (documented: concurrent upserts may get RequestTooFrequently).
    if (state.writing.has(schema.schema_id)) return reply.fail("RequestTooFrequently", "Another write to this mapping schema is in progress.");
    state.writing.add(schema.schema_id);
    try {
      if (options.upsertDelayMs) await sleep(options.upsertDelayMs);
      const size = state.rowsOf(schema.schema_id).size + state.addedBy(schema, docs);
      if (size > options.maxRows) return reply.invalid(`mapping schema ${schema.schema_id} would hold ${size} rows; the limit is ${options.maxRows}`);
      return reply.ok({ keys: state.putRows(schema, docs) });
    } finally {
      state.writing.delete(schema.schema_id);
    }
  });

  server.route("POST", "/enrichment/mapping/data/delete", (req) => {
    const s = schemaOf(ctx, req);
    if ("error" in s) return s.error;
    const keys = validateKeys(body(req).keys);
    if (typeof keys === "string") return reply.invalid(keys);
    const rows = state.rowsOf(s.schema.schema_id);
    for (const k of keys) rows.delete(k);
    return reply.ok({});
  });

  server.route("POST", "/enrichment/mapping/data/truncate", (req) => {
    const s = schemaOf(ctx, req);
    if ("error" in s) return s.error;
    state.rowsOf(s.schema.schema_id).clear();
    return reply.ok({});
  });
}

/** An alert as Flashduty's alert list returns it (the fields routing reads, plus ids and times). */
export interface EmuAlert {
  alert_id: string;
  title: string;
  description?: string;
  alert_severity: string;
  integration_id: number;
  data_source_id?: number;
  labels: Record<string, string>;
  /** Unix seconds. */
  start_time: number;
}

/**
 * `POST /alert/list`: `{p, limit (1-100), asc, start_time?, end_time?}` -> `{items, has_next_page, total}`,
 * newest first unless `asc`. Read-only, for `alert-routing impact --recent`.
 */
export function registerAlertList({ server, reply }: RouteContext, alerts: EmuAlert[]): void {
  server.route("POST", "/alert/list", (req) => {
    const b = body(req);
    const p = b.p ?? 1;
    const limit = b.limit ?? 20;
    if (!isInt(p) || p < 1) return reply.invalid("p must be greater than 0");
    if (!isInt(limit) || limit < 1 || limit > 100) return reply.invalid("limit must be between 1 and 100");
    const from = isInt(b.start_time) ? b.start_time : -Infinity;
    const to = isInt(b.end_time) ? b.end_time : Infinity;
    const dir = b.asc === true ? 1 : -1;
    const all = alerts.filter((a) => a.start_time >= from && a.start_time <= to).sort((x, y) => dir * (x.start_time - y.start_time));
    return reply.ok({ items: all.slice((p - 1) * limit, p * limit), has_next_page: p * limit < all.length, total: all.length });
  });
}

import { resolveEndpoint, setting } from "../core/config";
import { isVendorError, VendorError } from "../core/errors";
import { VendorClient } from "../core/http";
import type { ResourceDefinition } from "../core/kit";
import { debug } from "../core/log";
import { createOnce } from "../core/retry";
import { sleep } from "../core/idioms";
import { alertRouteSchema, type AlertRouteArgs, type AlertRouteOutputs, type NormalRoute } from "./alert-route.schema";
import { sameJson } from "../core/json";
import { diff, normalizeRoute } from "./alert-route.diff";
import { rootlyProtocol } from "./protocol";
import { routeFromWire, routeToWire, type WireDocument, type WireList, type WireResource } from "./wire";

const BASE = "/v1/alert_routes";
const PAGE_SIZE = 100;

// Made per call, never captured: the serialized provider must stay a thin shim.
const client = () => new VendorClient(rootlyProtocol, resolveEndpoint("rootly"));

function numberSetting(key: string, env: string, fallback: number): number {
  const v = Number(setting("rootly", key, env));
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
/** How long to wait for Rootly's asynchronous rule processing before failing ("a few minutes" per the docs). */
const rulesTimeoutMs = () => numberSetting("rulesTimeoutMs", "ROOTLY_RULES_TIMEOUT_MS", 10 * 60_000);
/** Pause between GETs while rules are processed; the read limiter paces on top (5 reads/min by default). */
const rulesPollMs = () => numberSetting("rulesPollMs", "ROOTLY_RULES_POLL_MS", 15_000);

function outputs(res: WireResource, adoptExisting: boolean): AlertRouteOutputs {
  const r = routeFromWire(res);
  return { ...normalizeRoute(r), adoptExisting, routeId: r.routeId, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

/** Every route whose name is exactly `name` (Rootly's filter may match more loosely, so compare here). */
async function findByName(c: VendorClient, name: string): Promise<WireResource[]> {
  const found: WireResource[] = [];
  for (let page = 1; ; page++) {
    const r = await c.call<WireList>({ method: "GET", path: BASE, query: { "filter[name]": name, "page[number]": page, "page[size]": PAGE_SIZE } });
    const data = r.body?.data ?? [];
    found.push(...data.filter((d) => d.attributes?.name === name));
    const meta = r.body?.meta;
    const more = meta?.next_page ? true : r.body?.links?.next ? true : meta?.total_pages !== undefined ? page < meta.total_pages : data.length === PAGE_SIZE;
    if (!more || data.length === 0) return found;
  }
}

/**
 * After a write, Rootly may still be processing the rules asynchronously and
 * return the old ones. Poll (paced by the read limit) until they match what was
 * sent, so stale rules are never recorded as the truth.
 */
async function settle(c: VendorClient, doc: WireResource, desired: NormalRoute): Promise<WireResource> {
  if (sameJson(normalizeRoute(routeFromWire(doc)).rules, desired.rules)) return doc;
  const timeout = rulesTimeoutMs();
  const deadline = Date.now() + timeout;
  let current = doc;
  for (let polls = 1; ; polls++) {
    await sleep(Math.min(rulesPollMs(), Math.max(0, deadline - Date.now())));
    current = (await c.call<WireDocument>({ method: "GET", path: routePath(doc.id) })).body.data;
    if (sameJson(normalizeRoute(routeFromWire(current)).rules, desired.rules)) {
      debug(`rootly: rules of alert route ${doc.id} settled after ${polls} poll(s)`);
      return current;
    }
    if (Date.now() >= deadline) {
      throw new VendorError({
        vendor: "rootly",
        kind: "timeout",
        message:
          `Rootly accepted alert route ${doc.id} ("${desired.name}") but is still processing its rules (asynchronous rule processing) ` +
          `after ${Math.round(timeout / 1000)} s, so they were not recorded. Run \`pulumi up\` again later` +
          ` (for a new route: with \`adoptExisting: true\`, which finds route ${doc.id} by its name),` +
          ` or raise rootly:rulesTimeoutMs / ROOTLY_RULES_TIMEOUT_MS`,
      });
    }
  }
}

const routePath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

async function put(c: VendorClient, id: string, desired: NormalRoute): Promise<WireResource> {
  try {
    return (await c.call<WireDocument>({ method: "PUT", path: routePath(id), body: routeToWire(desired, id) })).body.data;
  } catch (e) {
    if (isVendorError(e, "not_found"))
      throw new VendorError({
        vendor: "rootly",
        kind: "not_found",
        status: 404,
        message: `alert route ${id} no longer exists in Rootly (deleted outside Pulumi, or owned by a team this token cannot see); run \`pulumi refresh\` to forget it, then \`pulumi up\` to create it again`,
      });
    throw e;
  }
}

export const alertRouteDefinition: ResourceDefinition<AlertRouteArgs, AlertRouteOutputs> = {
  module: "rootly",
  type: "AlertRoute",
  schema: alertRouteSchema,
  diff: (olds, news) => diff(olds, news),

  // Inputs arrive parsed by the kit (kit.ts parseKnown).
  async create(args) {
    const desired = normalizeRoute(args);
    const adopt = args.adoptExisting ?? false;
    const c = client();

    // Names are the natural key: refuse to make a second route with the same name.
    const existing = await findByName(c, desired.name);
    if (existing.length) {
      const ids = existing.map((e) => e.id).join(", ");
      if (!adopt)
        throw new VendorError({
          vendor: "rootly",
          kind: "conflict",
          message:
            `an alert route named "${desired.name}" already exists (id ${ids}). Set \`adoptExisting: true\` to take it over, or choose another name`,
        });
      if (existing.length > 1)
        throw new VendorError({
          vendor: "rootly",
          kind: "conflict",
          message: `adoptExisting: ${existing.length} alert routes are named "${desired.name}" (ids ${ids}); rename all but one`,
        });
      const current = existing[0];
      // Already as desired: adopting costs no write.
      const same = sameJson(normalizeRoute(routeFromWire(current)), desired);
      const doc = same ? current : await settle(c, await put(c, current.id, desired), desired);
      return { id: doc.id, outs: outputs(doc, adopt) };
    }

    const created = await createOnce<WireResource>({
      attempt: async () => (await c.call<WireDocument>({ method: "POST", path: BASE, body: routeToWire(desired) })).body.data,
      // The POST may have landed although we saw a failure: look for it before sending again.
      lookup: async () => (await findByName(c, desired.name))[0],
    });
    const doc = await settle(c, created, desired);
    return { id: doc.id, outs: outputs(doc, adopt) };
  },

  async read(id, props) {
    try {
      const r = await client().call<WireDocument>({ method: "GET", path: routePath(id) });
      return { id: r.body.data.id, outs: outputs(r.body.data, props?.adoptExisting ?? false) };
    } catch (e) {
      // 404 also when the route now belongs to a team this token cannot see.
      if (isVendorError(e, "not_found")) return undefined;
      throw e;
    }
  },

  async update(id, olds, args) {
    const desired = normalizeRoute(args);
    const adopt = args.adoptExisting ?? false;
    // Only adoptExisting changed: nothing to send.
    if (sameJson(normalizeRoute(olds), desired)) return { ...olds, ...desired, adoptExisting: adopt };
    const c = client();
    const doc = await settle(c, await put(c, id, desired), desired);
    return outputs(doc, adopt);
  },

  async delete(id) {
    try {
      await client().call({ method: "DELETE", path: routePath(id) });
    } catch (e) {
      if (!isVendorError(e, "not_found")) throw e;
    }
  },
};

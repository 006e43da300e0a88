import { randomUUID } from "node:crypto";
import { resolveEndpoint, setting } from "../core/config";
import { isVendorError, VendorError } from "../core/errors";
import { answeredOk, unreadableAnswer, VendorClient, type VendorResponse } from "../core/http";
import type { ResourceDefinition } from "../core/kit";
import { debug, notice, visibleWaitMs, warn } from "../core/log";
import { createOnce } from "../core/retry";
import { ignoreNotFound, keyedLock, readConfirmed, sleep } from "../core/idioms";
import { adoptConflictMessage, adoptedNotice, ambiguousNameError, claim, claimForAdoption, claimedBy, landedOne, letGoIfClaimed } from "../core/ownership";
import { alertRouteSchema, IDENTITY, type AlertRouteArgs, type AlertRouteOutputs, type NormalRoute } from "./alert-route.schema";
import { sameJson } from "../core/json";
import { changedKeys, diff, normalizeRoute, toInputs, toOutputs } from "./alert-route.diff";
import { rootlyProtocol } from "./protocol";
import { routeFromWire, routeToWire, type WireDocument, type WireList, type WireResource, type WireRuleStatus } from "./wire";
import { alertRoutePreflight } from "./preflight";

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
/** Pause between status reads while rules are processed; the read limiter paces on top (5 reads/min by default). */
const rulesPollMs = () => numberSetting("rulesPollMs", "ROOTLY_RULES_POLL_MS", 15_000);

/** fromWire -> toOutputs: the one way a route Rootly returned becomes state. */
const outputs = (res: WireResource, adoptExisting: boolean): AlertRouteOutputs => toOutputs(routeFromWire(res), adoptExisting);

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

const sameRules = (doc: WireResource, desired: NormalRoute) => sameJson(normalizeRoute(routeFromWire(doc)).rules, desired.rules);
const describe = (name: string | undefined, id: string) => `alert route ${name !== undefined ? `"${name}" ` : ""}(${id})`;

/**
 * After a write, Rootly may still be processing the rules asynchronously and return
 * the old ones. Follow the write's `request_id` on Rootly's status endpoint (pending,
 * success, error) so stale rules are never recorded as the truth; where that endpoint
 * answers 404, fall back to re-reading the route until its rules match what was sent.
 */
async function settle(c: VendorClient, doc: WireResource, desired: NormalRoute, requestId: string, creating: boolean): Promise<WireResource> {
  // Organizations without async processing get the rules back at once: no extra read.
  if (sameRules(doc, desired)) return doc;
  const timeout = rulesTimeoutMs();
  const deadline = Date.now() + timeout;
  const statusPath = `${routePath(doc.id)}/async_rule_creation_status/${encodeURIComponent(requestId)}`;
  let useStatus = true;
  // Minutes, at Rootly's pace: say so, or `pulumi up` looks stuck.
  if (Math.min(rulesPollMs(), timeout) >= visibleWaitMs())
    notice(`rootly: waiting for Rootly to process the rules of ${describe(desired.name, doc.id)} (asynchronous rule processing): checking every ${Math.round(rulesPollMs() / 1000)} s, for up to ${Math.round(timeout / 1000)} s`);
  for (let polls = 1; ; polls++) {
    await sleep(Math.min(rulesPollMs(), Math.max(0, deadline - Date.now())));
    let reread = !useStatus;
    if (useStatus) {
      const st = (await ignoreNotFound(c.call<WireRuleStatus>({ method: "GET", path: statusPath })))?.body;
      if (!st) {
        debug(`rootly: no async rule status for ${describe(desired.name, doc.id)} (404): re-reading the route instead`);
        useStatus = false;
        reread = true;
      } else if (st.status === "error") {
        throw new VendorError({
          vendor: "rootly",
          kind: "validation",
          message:
            `Rootly could not process the rules of ${describe(desired.name, doc.id)} (request_id ${requestId}): ${st.error ?? "no error text"}. ` +
            (creating
              ? `The route exists without these rules and is not in the stack's state: fix the rules, then run \`pulumi up\` with \`adoptExisting: true\` (it finds route ${doc.id} by its name)`
              : `The route keeps its previous rules: fix the rules and run \`pulumi up\` again`),
        });
      } else reread = st.status === "success";
    }
    if (reread) {
      const current = (await c.call<WireDocument>({ method: "GET", path: routePath(doc.id) })).body.data;
      // After "success" a lagging read may still show the old rules: keep reading the route.
      if (sameRules(current, desired)) {
        debug(`rootly: rules of ${describe(desired.name, doc.id)} settled after ${polls} poll(s)`);
        return current;
      }
      useStatus = false;
    }
    if (Date.now() >= deadline) {
      throw new VendorError({
        vendor: "rootly",
        kind: "timeout",
        message:
          `Rootly accepted ${describe(desired.name, doc.id)} but is still processing its rules (asynchronous rule processing, request_id ${requestId}) ` +
          `after ${Math.round(timeout / 1000)} s, so they were not recorded. Run \`pulumi up\` again later` +
          (creating ? ` with \`adoptExisting: true\`, which finds route ${doc.id} by its name,` : "") +
          ` or raise rootly:rulesTimeoutMs / ROOTLY_RULES_TIMEOUT_MS`,
      });
    }
  }
}

/**
 * The route a write answered with. A 2xx that is JSON but not a JSON:API document of a
 * route (a proxy's `{}`, another API's envelope) is as unreadable as an HTML page.
 */
function answeredRoute(r: VendorResponse<WireDocument>, method: string, path: string): WireResource {
  const data = (r.body as Partial<WireDocument> | undefined)?.data;
  if (data && typeof data === "object" && typeof data.id === "string" && data.id !== "" && data.attributes && typeof data.attributes === "object") return data;
  throw unreadableAnswer({ vendor: "rootly", method, path, status: r.status, headers: r.headers, body: r.body, why: "not a JSON:API document of an alert route" });
}

/** Route ids come from Rootly; still, nothing that could change the request path is sent. */
function routePath(id: string): string {
  if (id.trim() === "" || id === "." || id === "..")
    throw new VendorError({ vendor: "rootly", kind: "validation", message: `"${id}" is not an alert route id; refusing to put it into a request path` });
  return `${BASE}/${encodeURIComponent(id)}`;
}

async function put(c: VendorClient, id: string, desired: NormalRoute, requestId: string): Promise<WireResource> {
  try {
    return answeredRoute(await c.call<WireDocument>({ method: "PUT", path: routePath(id), body: routeToWire(desired, id, requestId) }), "PUT", BASE);
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

/** Thrown inside the POST's write slot when the lookup finds the name taken: the POST is not sent. */
class NameTaken extends Error {}

// Creates of one name in this process run one at a time: two resources declaring the
// same name must not both find it free.
const byName = keyedLock("rootly-route-name");

/**
 * normalize -> toWire -> POST (inside the write slot, after a lookup by name) -> fromWire -> toOutputs.
 * A name already taken is adopted (adoptExisting) or refused.
 */
async function create(args: AlertRouteArgs): Promise<{ id: string; outs: AlertRouteOutputs }> {
  const desired = normalizeRoute(args);
  const adopt = args.adoptExisting ?? false;
  const c = client();
  const owner = `the RootlyAlertRoute that declares "${desired.name}"`;
  const requestId = randomUUID();
  let existing: WireResource[] = [];

  // Names are the natural key. The lookup runs inside the POST's write slot, right
  // before the send (and again before any resend): a lookup done before waiting for
  // write budget could be stale by the time the POST goes out.
  const created = await createOnce<WireResource | undefined>({
    attempt: async () => {
      try {
        const spec = {
          method: "POST" as const,
          path: BASE,
          body: routeToWire(desired, undefined, requestId),
          beforeSend: async () => {
            existing = await findByName(c, desired.name);
            if (existing.length) throw new NameTaken();
          },
        };
        return answeredRoute(await c.call<WireDocument>(spec), "POST", BASE);
      } catch (e) {
        if (e instanceof NameTaken) return undefined;
        throw e;
      }
    },
    // The POST may have landed although its answer was a failure or unreadable: look for it
    // (the POST went out only when no route had the name) before sending again.
    lookup: async (cause) =>
      landedOne(cause, (await findByName(c, desired.name)).filter((d) => claimedBy("rootly", d.id) === undefined), {
        vendor: "rootly",
        what: `alert route "${desired.name}"`,
        // Rules may still be in Rootly's asynchronous processing: settle waits for them.
        carries: (d) => changedKeys(normalizeRoute(routeFromWire(d)), desired).every((k) => k === "rules"),
        candidate: (d) => ({ id: d.id }),
        committed: answeredOk(cause),
      }),
  });
  if (!created) return adoptRoute(c, existing, desired, adopt, owner);
  claim("rootly", created.id, owner);
  const doc = await settle(c, created, desired, requestId, true);
  return { id: doc.id, outs: outputs(doc, adopt) };
}

/** The name is taken: take the one route of that name over (adoptExisting), or say why not. */
async function adoptRoute(c: VendorClient, existing: WireResource[], desired: NormalRoute, adopt: boolean, owner: string): Promise<{ id: string; outs: AlertRouteOutputs }> {
  // Rootly does not keep names unique: with several, none is picked (not even to name the conflict).
  if (existing.length > 1)
    throw ambiguousNameError(
      "rootly",
      `alert routes are named "${desired.name}"`,
      existing.map((e) => ({ id: e.id })),
      `This resource finds its route by name (to adopt it, or to refuse a duplicate), so the name must be unique: rename or delete all but one of them in Rootly, then run \`pulumi up\` again` +
        (adopt ? "" : `, or give this resource another name`),
    );
  if (!adopt) throw new VendorError({ vendor: "rootly", kind: "conflict", message: adoptConflictMessage(`an alert route named "${desired.name}"`, `id ${existing[0].id}`) });
  const current = existing[0];
  claimForAdoption("rootly", current.id, owner, describe(desired.name, current.id));
  const changed = changedKeys(normalizeRoute(routeFromWire(current)), desired);
  const adopted = () => adoptedNotice("rootly", describe(desired.name, current.id), changed);
  // Already as desired: adopting costs no write.
  if (changed.length === 0) {
    adopted();
    return { id: current.id, outs: outputs(current, adopt) };
  }
  const doc = await putSettled(c, current.id, desired);
  adopted();
  return { id: doc.id, outs: outputs(doc, adopt) };
}

/** toWire -> PUT -> wait for the rules: the route as Rootly holds it after the write. */
async function putSettled(c: VendorClient, id: string, desired: NormalRoute): Promise<WireResource> {
  const requestId = randomUUID();
  return settle(c, await put(c, id, desired, requestId), desired, requestId, false);
}

export const alertRouteDefinition: ResourceDefinition<AlertRouteArgs, AlertRouteOutputs> = {
  ...IDENTITY,
  schema: alertRouteSchema,
  diff: (olds, news) => diff(olds, news),
  toInputs,
  volatileOutputs: ["createdAt", "updatedAt"],
  // Alerts sources, teams and targets must exist: checked at preview when they change.
  preflight: (news, olds) => alertRoutePreflight({ ...news }, olds && { ...olds }),

  // Inputs arrive parsed by the kit (kit.ts parseKnown).
  create: (args) => byName(args.name, () => create(args)),

  async read(id, props) {
    const c = client();
    const name = props?.name;
    // One 404 is no proof that the route is gone: read again, then look for it in the route list.
    const doc = await readConfirmed<WireResource>({
      read: async () => (await ignoreNotFound(c.call<WireDocument>({ method: "GET", path: routePath(id) })))?.body.data,
      listed: async () => (name ? (await findByName(c, name)).find((d) => d.id === id) : undefined),
    });
    if (!doc) {
      warn(
        `rootly: ${describe(name, id)} was not found (HTTP 404 twice, and not in the route list${name ? " under its name" : ""}); it is removed from the stack's state. ` +
          `Rootly answers 404 both for a deleted route and for one this API token cannot see (a route owned by another team): ` +
          `if the route still exists, use a token with access to it and run \`pulumi refresh\` again before \`pulumi up\`, which would otherwise create a second one`,
      );
      return undefined;
    }
    return { id: doc.id, outs: outputs(doc, props?.adoptExisting ?? false) };
  },

  async update(id, olds, args) {
    const desired = normalizeRoute(args);
    const adopt = args.adoptExisting ?? false;
    // Only adoptExisting changed: nothing to send.
    if (sameJson(normalizeRoute(olds), desired)) return toOutputs(olds, adopt);
    return outputs(await putSettled(client(), id, desired), adopt);
  },

  async delete(id, props) {
    // Renamed in this update: the new resource adopted this route, which must stay.
    if (letGoIfClaimed("rootly", id, describe(props?.name, id))) return;
    // Already gone is success.
    await ignoreNotFound(client().call({ method: "DELETE", path: routePath(id) }));
  },
};

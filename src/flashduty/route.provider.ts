// Every verb: normalize (routeContentFromArgs) -> toWire -> call -> fromWire -> toRouteOutputs.
import type { ResourceDefinition } from "../core/kit";
import { VendorError, isVendorError } from "../core/errors";
import type { VendorClient } from "../core/http";
import { createOnce } from "../core/retry";
import { warn } from "../core/log";
import { readConfirmed, ignoreNotFound } from "../core/idioms";
import { adoptConflictMessage, adoptedNotice, claim, claimForAdoption, letGoIfClaimed } from "../core/ownership";
import { ROUTE_IDENTITY, routeSchema, type RouteArgs } from "./route.schema";
import { changedRouteFields, diffRoute, routeToInputs, hasContent, routeContentFromArgs, routeContentKey, toRouteOutputs, type RouteContent, type RouteOutputs } from "./route.diff";
import { routeContentFromWire, routeContentToWire, routeFromWire, type WireRouteItem } from "./wire";
import { VENDOR } from "./protocol";
import { flashdutyClient, post } from "./client";
import { routePreflight } from "./preflight";

async function rawInfo(client: VendorClient, integrationId: number): Promise<WireRouteItem | undefined> {
  return (await post<WireRouteItem | null>(client, "/route/info", { integration_id: integrationId }, { read: true })) ?? undefined;
}

/**
 * `data: null` = no rule; a soft-deleted rule is gone as well. The integration itself
 * deleted (not found): its rule is gone with it (refresh drops it, destroy has nothing to reset).
 */
async function info(client: VendorClient, integrationId: number): Promise<WireRouteItem | undefined> {
  const d = await ignoreNotFound(rawInfo(client, integrationId));
  return d && d.status !== "deleted" ? d : undefined;
}

/** The integration's rule as `/route/list` shows it: the parent collection that confirms "gone". */
async function listed(client: VendorClient, integrationId: number): Promise<WireRouteItem | undefined> {
  const d = await ignoreNotFound(post<{ items?: WireRouteItem[] | null } | null>(client, "/route/list", { integration_ids: [integrationId] }, { read: true }));
  const it = (d?.items ?? []).find((i) => Number(i.integration_id) === integrationId);
  return it && it.status !== "deleted" ? it : undefined;
}

/** `info`, but "no rule" only once a second read and the route list agree: a transient not-found drops nothing. */
async function infoConfirmed(client: VendorClient, integrationId: number): Promise<WireRouteItem | undefined> {
  return readConfirmed({ read: () => info(client, integrationId), listed: () => listed(client, integrationId) });
}

const objectId = (integrationId: number) => `route:${integrationId}`;

/** Which operation met the conflict: the advice differs (a destroy must not be told to run `pulumi up`). */
export type Phase = "create" | "update" | "destroy";

export function conflictError(integrationId: number, expected: number, live: WireRouteItem | undefined, phase: Phase, answered?: VendorError): VendorError {
  const now = live ? `version ${live.version}` : "no rule";
  const rule = `the routing rule of integration ${integrationId}`;
  const message =
    phase === "create"
      ? `${rule} was changed by someone else while this create ran (read version ${expected}, Flashduty now has ${now}). Nothing was overwritten. ` +
        `Look at the rule in Flashduty; run \`pulumi up\` again to try again (with \`adoptExisting: true\` to take the rule over).`
      : `${rule} changed since this stack last recorded it (by someone else, or by an interrupted update): state has version ${expected}, Flashduty has ${now}. ` +
        (phase === "destroy"
          ? `Nothing was reset. Run \`pulumi refresh\` to take the current rule into state, then \`pulumi destroy\` again to reset it; ` +
            `or, to leave the rule as it is now, remove the resource from the stack with \`pulumi state delete <urn>\`.`
          : `Nothing was overwritten. Run \`pulumi refresh\` to take the current rule into state, then \`pulumi up\` to apply your program ` +
            `(or change the program to keep the other edit).`);
  // After an upsert whose outcome was unknown: say what Flashduty answered to it.
  const said = answered && ` The upsert's own answer: ${answered.message.replace(/^flashduty: /, "")}${answered.contentType && !answered.message.includes("content type") ? `, content type ${answered.contentType}` : ""}.`;
  return new VendorError({ vendor: VENDOR, kind: "conflict", message: message + (said ?? "") });
}

/**
 * Upserts with an expected version, then reads the rule back. The upsert is not
 * idempotent (a resend of a landed versioned write conflicts), so after an
 * ambiguous failure the live rule decides: our content at a newer version = it
 * landed; same version = it did not (send again); anything else = a foreign edit.
 */
async function upsertChecked(client: VendorClient, integrationId: number, content: RouteContent, version: number, phase: Phase): Promise<WireRouteItem> {
  const want = routeContentKey(content);
  // Another version that already says what we send (e.g. an interrupted update whose upsert landed): nothing to overwrite.
  const alreadyOurs = (live: WireRouteItem | undefined): live is WireRouteItem =>
    live !== undefined && live.status !== "deleted" && routeContentKey(routeContentFromWire(live)) === want;
  const attempt = async (): Promise<WireRouteItem> => {
    try {
      await post(client, "/route/upsert", routeContentToWire(integrationId, content, version));
    } catch (e) {
      // A stale version comes back as a plain 400 InvalidParameter: confirm it with a read.
      if (isVendorError(e) && (e.kind === "validation" || e.kind === "conflict")) {
        const live = await rawInfo(client, integrationId);
        if ((live?.version ?? 0) !== version) {
          if (alreadyOurs(live)) return live;
          throw conflictError(integrationId, version, live, phase);
        }
      }
      throw e;
    }
    const live = await info(client, integrationId);
    if (!live) throw new VendorError({ vendor: VENDOR, kind: "server", message: `the routing rule of integration ${integrationId} was written but reads back as missing` });
    return live;
  };
  return createOnce({
    attempt,
    // The version decides (a resend of an upsert that did not land is safe: it is conditional on it).
    lookup: async (cause) => {
      const live = await rawInfo(client, integrationId);
      const liveVersion = live?.version ?? 0;
      if (liveVersion !== version && alreadyOurs(live)) return live;
      if (liveVersion !== version) throw conflictError(integrationId, version, live, phase, cause);
      return undefined;
    },
  });
}

export const routeDefinition: ResourceDefinition<RouteArgs, RouteOutputs> = {
  ...ROUTE_IDENTITY,
  schema: routeSchema,
  replaceKeys: ["integrationId"],
  diff: diffRoute,
  toInputs: routeToInputs,
  volatileOutputs: ["version", "status", "updatedAt", "updatedBy"],
  // The integration and the channels must exist: checked at preview when they change.
  preflight: (news, olds) => routePreflight({ ...news }, olds && { ...olds }),

  // Inputs arrive parsed by the kit (kit.ts parseKnown).
  async create(args) {
    const integrationId = args.integrationId;
    const content = routeContentFromArgs(args);
    const client = flashdutyClient();
    const raw0 = await rawInfo(client, integrationId);
    const existing = raw0 && raw0.status !== "deleted" ? raw0 : undefined;
    if (existing && hasContent(routeContentFromWire(existing)) && !args.adoptExisting) {
      const n = existing.cases?.length ?? 0;
      throw new VendorError({
        vendor: VENDOR,
        kind: "conflict",
        message:
          adoptConflictMessage(`the routing rule of integration ${integrationId}`, `version ${existing.version}, ${n} case${n === 1 ? "" : "s"}`) +
          ` (Pulumi's import cannot reach dynamic resources).`,
      });
    }
    // From here this resource owns the rule: a delete of another resource of this run (the old name in a rename) lets go of it.
    // Claimed before any write: a second FlashdutyRoute of this run on the same integration is refused, not written over the first.
    const owner = `FlashdutyRoute of integration ${integrationId}`;
    claimForAdoption(VENDOR, objectId(integrationId), owner, `the routing rule of integration ${integrationId}`);
    const taken = (live: WireRouteItem) => {
      claim(VENDOR, objectId(integrationId), owner);
      return { id: String(integrationId), outs: toRouteOutputs(args, routeFromWire(live)) };
    };
    // An existing rule with content is taken over (adoptExisting): say so, and what this update changes.
    const adopting = existing && hasContent(routeContentFromWire(existing)) ? existing : undefined;
    const adopted = (changed: readonly string[]) =>
      adopting && adoptedNotice(VENDOR, `the routing rule of integration ${integrationId} (version ${adopting.version}, ${adopting.cases?.length ?? 0} case(s))`, changed);
    // Adopting a rule that already says what we want: take it as is, no write.
    if (existing && routeContentKey(routeContentFromWire(existing)) === routeContentKey(content)) {
      adopted([]);
      return taken(existing);
    }
    // The version read makes the write conditional (version 0 when there is no rule yet):
    // an edit or a rule made between the read and the write is not overwritten.
    const version = raw0?.version ?? 0;
    const written = await upsertChecked(client, integrationId, content, version, "create");
    if (adopting) adopted(changedRouteFields(routeContentFromWire(adopting), content));
    return taken(written);
  },

  async read(id, props) {
    const integrationId = Number(id);
    if (!Number.isSafeInteger(integrationId) || integrationId <= 0)
      throw new VendorError({ vendor: VENDOR, kind: "validation", message: `"${id}" is not an integration id (a positive integer)` });
    const live = await infoConfirmed(flashdutyClient(), integrationId);
    if (!live) return undefined;
    return { id: String(integrationId), outs: toRouteOutputs({ integrationId, adoptExisting: props.adoptExisting, resetOnDelete: props.resetOnDelete }, routeFromWire(live)) };
  },

  async update(id, olds, args) {
    const integrationId = Number(id);
    const content = routeContentFromArgs(args);
    const oldContent = routeContentFromArgs(olds);
    if (routeContentKey(oldContent) === routeContentKey(content)) {
      // Only provider-side options changed (resetOnDelete, adoptExisting): nothing to send.
      return toRouteOutputs(args, { ...oldContent, version: olds.version, status: olds.status, updatedAt: olds.updatedAt, updatedBy: olds.updatedBy });
    }
    const live = await upsertChecked(flashdutyClient(), integrationId, content, olds.version, "update");
    return toRouteOutputs(args, routeFromWire(live));
  },

  async delete(id, props) {
    const integrationId = Number(id);
    // Renamed with adoptExisting: the new resource took the rule over in this run; resetting it would undo that.
    if (letGoIfClaimed(VENDOR, objectId(integrationId), `the routing rule of integration ${integrationId}`)) return;
    if (!props.resetOnDelete) {
      warn(
        `flashduty: Flashduty has no way to delete a routing rule; the rule of integration ${integrationId} was left in place and is no longer managed by Pulumi. ` +
          `Set \`resetOnDelete: { channelIds: [...] }\` to reset it to an empty rule on destroy instead.`,
      );
      return;
    }
    const client = flashdutyClient();
    const live = await infoConfirmed(client, integrationId);
    if (!live) return;
    const reset: RouteContent = { cases: [], sections: [], default: { channelIds: [...props.resetOnDelete.channelIds] } };
    if (live.version !== props.version) {
      // Already reset (an interrupted destroy): nothing to overwrite.
      if (routeContentKey(routeContentFromWire(live)) === routeContentKey(reset)) return;
      throw conflictError(integrationId, props.version, live, "destroy");
    }
    await upsertChecked(client, integrationId, reset, live.version, "destroy");
  },
};

import type { ResourceDefinition } from "../core/kit";
import { VendorError, isVendorError } from "../core/errors";
import type { VendorClient } from "../core/http";
import { createOnce } from "../core/retry";
import { flashdutyClient, post } from "./client";
import { warn } from "../core/log";
import { VENDOR } from "./protocol";
import { diffRoute, type RouteOutputs } from "./route.diff";
import { routeSchema, type RouteArgs } from "./route.schema";
import {
  hasContent,
  routeContentFromArgs,
  routeContentFromWire,
  routeContentKey,
  routeContentToWire,
  type RouteContent,
  type WireRouteItem,
} from "./wire";

async function rawInfo(client: VendorClient, integrationId: number): Promise<WireRouteItem | undefined> {
  return (await post<WireRouteItem | null>(client, "/route/info", { integration_id: integrationId }, { read: true })) ?? undefined;
}

/** `data: null` = no rule; a soft-deleted rule is gone as well. */
async function info(client: VendorClient, integrationId: number): Promise<WireRouteItem | undefined> {
  let d: WireRouteItem | undefined;
  try {
    d = await rawInfo(client, integrationId);
  } catch (e) {
    // The integration itself was deleted: its rule is gone with it (refresh drops it, destroy has nothing to reset).
    if (isVendorError(e, "not_found")) return undefined;
    throw e;
  }
  return d && d.status !== "deleted" ? d : undefined;
}

function outputs(args: RouteArgs, content: RouteContent, live: WireRouteItem): RouteOutputs {
  const o: RouteOutputs = {
    integrationId: Number(args.integrationId),
    ...content,
    version: live.version,
    status: live.status ?? "enabled",
    updatedAt: live.updated_at ?? 0,
    updatedBy: live.updated_by ?? 0,
  };
  if (args.adoptExisting !== undefined) o.adoptExisting = args.adoptExisting;
  if (args.resetOnDelete) o.resetOnDelete = { channelIds: [...args.resetOnDelete.channelIds] };
  return o;
}

export function conflictError(integrationId: number, expected: number, live: WireRouteItem | undefined): VendorError {
  const now = live ? `version ${live.version}` : "no rule";
  return new VendorError({
    vendor: VENDOR,
    kind: "conflict",
    message:
      `the routing rule of integration ${integrationId} was changed outside Pulumi (state has version ${expected}, Flashduty has ${now}). ` +
      `Nothing was overwritten. Run \`pulumi refresh\` to take the current rule into state, then \`pulumi up\` to apply your program ` +
      `(or change the program to keep the other edit).`,
  });
}

/**
 * Upserts with an expected version, then reads the rule back. The upsert is not
 * idempotent (a resend of a landed versioned write conflicts), so after an
 * ambiguous failure the live rule decides: our content at a newer version = it
 * landed; same version = it did not (send again); anything else = a foreign edit.
 */
async function upsertChecked(client: VendorClient, integrationId: number, content: RouteContent, version: number): Promise<WireRouteItem> {
  const want = routeContentKey(content);
  const attempt = async (): Promise<WireRouteItem> => {
    try {
      await post(client, "/route/upsert", routeContentToWire(integrationId, content, version));
    } catch (e) {
      // A stale version comes back as a plain 400 InvalidParameter: confirm it with a read.
      if (isVendorError(e) && (e.kind === "validation" || e.kind === "conflict")) {
        const live = await rawInfo(client, integrationId);
        if ((live?.version ?? 0) !== version) throw conflictError(integrationId, version, live);
      }
      throw e;
    }
    const live = await info(client, integrationId);
    if (!live) throw new VendorError({ vendor: VENDOR, kind: "server", message: `the routing rule of integration ${integrationId} was written but reads back as missing` });
    return live;
  };
  return createOnce({
    attempt,
    lookup: async () => {
      const live = await rawInfo(client, integrationId);
      const liveVersion = live?.version ?? 0;
      if (live && live.status !== "deleted" && liveVersion > version && routeContentKey(routeContentFromWire(live)) === want) return live;
      if (liveVersion !== version) throw conflictError(integrationId, version, live);
      return undefined;
    },
  });
}

export const routeDefinition: ResourceDefinition<RouteArgs, RouteOutputs> = {
  module: "flashduty",
  type: "Route",
  schema: routeSchema,
  replaceKeys: ["integrationId"],
  diff: diffRoute,

  // Inputs arrive parsed by the kit (kit.ts parseKnown).
  async create(args) {
    const integrationId = args.integrationId;
    const content = routeContentFromArgs(args);
    const client = flashdutyClient();
    const raw0 = await rawInfo(client, integrationId);
    const existing = raw0 && raw0.status !== "deleted" ? raw0 : undefined;
    if (existing && hasContent(routeContentFromWire(existing)) && !args.adoptExisting) {
      throw new VendorError({
        vendor: VENDOR,
        kind: "conflict",
        message:
          `integration ${integrationId} already has a routing rule (version ${existing.version}). ` +
          `Set \`adoptExisting: true\` to take it over with this program's rule (Pulumi's import cannot reach dynamic resources).`,
      });
    }
    // Adopting a rule that already says what we want: take it as is, no write.
    if (existing && routeContentKey(routeContentFromWire(existing)) === routeContentKey(content))
      return { id: String(integrationId), outs: outputs(args, routeContentFromWire(existing), existing) };
    // The version read makes the write conditional (version 0 when there is no rule yet):
    // an edit or a rule made between the read and the write is not overwritten.
    const version = raw0?.version ?? 0;
    const live = await upsertChecked(client, integrationId, content, version);
    return { id: String(integrationId), outs: outputs(args, routeContentFromWire(live), live) };
  },

  async read(id, props) {
    const integrationId = Number(id);
    if (!Number.isSafeInteger(integrationId) || integrationId <= 0)
      throw new VendorError({ vendor: VENDOR, kind: "validation", message: `"${id}" is not an integration id (a positive integer)` });
    const live = await info(flashdutyClient(), integrationId);
    if (!live) return undefined;
    const args = { integrationId, adoptExisting: props.adoptExisting, resetOnDelete: props.resetOnDelete } as RouteArgs;
    return { id: String(integrationId), outs: outputs(args, routeContentFromWire(live), live) };
  },

  async update(id, olds, args) {
    const integrationId = Number(id);
    const content = routeContentFromArgs(args);
    const oldContent = routeContentFromArgs(olds);
    if (routeContentKey(oldContent) === routeContentKey(content)) {
      // Only provider-side options changed (resetOnDelete, adoptExisting): nothing to send.
      return { ...outputs(args, oldContent, { integration_id: integrationId, version: olds.version, status: olds.status, updated_at: olds.updatedAt, updated_by: olds.updatedBy }) };
    }
    const live = await upsertChecked(flashdutyClient(), integrationId, content, olds.version);
    return outputs(args, routeContentFromWire(live), live);
  },

  async delete(id, props) {
    const integrationId = Number(id);
    if (!props.resetOnDelete) {
      warn(
        `flashduty: Flashduty has no way to delete a routing rule; the rule of integration ${integrationId} was left in place and is no longer managed by Pulumi. ` +
          `Set \`resetOnDelete: { channelIds: [...] }\` to reset it to an empty rule on destroy instead.`,
      );
      return;
    }
    const client = flashdutyClient();
    const live = await info(client, integrationId);
    if (!live) return;
    if (live.version !== props.version) throw conflictError(integrationId, props.version, live);
    const reset: RouteContent = { cases: [], sections: [], default: { channelIds: [...props.resetOnDelete.channelIds] } };
    await upsertChecked(client, integrationId, reset, live.version);
  },
};

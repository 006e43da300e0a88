import { resolveEndpoint } from "../core/config";
import { isVendorError } from "../core/errors";
import type { VendorClient } from "../core/http";
import type { CheckFailure } from "../core/kit";
import { changedReferences, checkReferences, listed, preflight, sourceKey, type Known, type ListSource, type Reference } from "../core/preflight";
import { flashdutyClient, post } from "./client";
import { VENDOR } from "./protocol";

// Preflight of a routing rule: its integration and every channel it routes to exist,
// checked at preview for references that are new or changed. Channels are one paged
// list per run (`/channel/list`); an integration is looked up by `/route/info`, which
// answers ResourceNotFound for an unknown one (there is no integration list in the API
// pages the provider follows; NOTES.md).

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const idText = (v: unknown): string | undefined => (typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" && /^\d+$/.test(v) ? v : undefined);

/** The references of a route's inputs (new ones, or the old inputs as the engine hands them back). */
export function referencesOf(inputs: Record<string, unknown>): Reference[] {
  const refs: Reference[] = [];
  const integration = idText(inputs.integrationId);
  if (integration) refs.push({ property: "integrationId", what: "integration", collection: `integration:${integration}`, by: "id", value: integration });
  const channels = (at: string, ids: unknown) =>
    arr(ids).forEach((id, i) => {
      const v = idText(id);
      if (v) refs.push({ property: `${at}[${i}]`, what: "channel", collection: "channels", by: "id", value: v });
    });
  arr(inputs.cases).forEach((c, i) => channels(`cases[${i}].channelIds`, obj(c).channelIds));
  channels("default.channelIds", obj(inputs.default).channelIds);
  channels("resetOnDelete.channelIds", obj(inputs.resetOnDelete).channelIds);
  return refs;
}

interface ChannelPage {
  items?: { channel_id?: unknown; channel_name?: unknown }[] | null;
  has_next_page?: boolean;
}

async function listChannels(c: VendorClient): Promise<Known[]> {
  const out: Known[] = [];
  for (let p = 1; p <= 1000; p++) {
    const page = (await post<ChannelPage | null>(c, "/channel/list", { p, limit: 100 }, { read: true })) ?? {};
    const items = page.items ?? [];
    for (const ch of items) {
      const id = idText(ch.channel_id);
      if (id) out.push({ id, name: typeof ch.channel_name === "string" ? ch.channel_name : id });
    }
    if (!page.has_next_page || !items.length) break;
  }
  return out;
}

/** `[the integration]` when `/route/info` knows it, `[]` when it answers ResourceNotFound. */
async function integrationKnown(c: VendorClient, id: string): Promise<Known[]> {
  try {
    await post(c, "/route/info", { integration_id: Number(id) }, { read: true });
    return [{ id, name: `integration ${id}` }];
  } catch (e) {
    if (isVendorError(e, "not_found")) return [];
    throw e;
  }
}

/** The definition's `preflight` hook. */
export function routePreflight(news: Record<string, unknown>, olds: Record<string, unknown> | undefined): Promise<CheckFailure[]> {
  return preflight(VENDOR, "integrations and channels", async () => {
    const fresh = changedReferences(referencesOf(news), olds && referencesOf(olds));
    if (!fresh.length) return [];
    const endpoint = resolveEndpoint(VENDOR);
    const c = flashdutyClient();
    let where: string;
    try {
      where = `Flashduty (${new URL(endpoint.baseUrl).host})`;
    } catch {
      where = "Flashduty";
    }
    const source: ListSource = {
      where,
      key: sourceKey(endpoint.baseUrl, endpoint.credential),
      list: (collection) => (collection === "channels" ? listChannels(c) : integrationKnown(c, collection.slice("integration:".length))),
    };
    const failures: CheckFailure[] = [];
    const integration = fresh.find((r) => r.what === "integration");
    if (integration && !(await listed(VENDOR, source, integration.collection)).length)
      failures.push({ property: integration.property, reason: `integration ${integration.value} (integrationId) does not exist on ${where}` });
    failures.push(...(await checkReferences(VENDOR, fresh.filter((r) => r.what === "channel"), source)));
    return failures;
  });
}

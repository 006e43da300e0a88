import { sameJson } from "../core/json";
import type { DiffResult } from "../core/kit";
import { routeSchema, type RouteArgs } from "./route.schema";
import { routeContentFromArgs, routeContentKey, type RouteContent } from "./wire";

/** What the engine stores: the normalized inputs plus the server's fields. */
export interface RouteOutputs extends RouteContent {
  integrationId: number;
  adoptExisting?: boolean;
  resetOnDelete?: { channelIds: number[] };
  /** Server state for optimistic concurrency: sent on update, never diffed. */
  version: number;
  status: string;
  updatedAt: number;
  updatedBy: number;
}

// Input keys a user may omit are listed too, so their normalized values surface as outputs.
export const ROUTE_OUTPUT_KEYS = ["cases", "sections", "default", "version", "status", "updatedAt", "updatedBy"] as const;

/** Inputs as the engine hands them over (defaults not applied yet) -> parsed args. */
export function parseRouteArgs(news: unknown): RouteArgs {
  const r = routeSchema.safeParse(news);
  return r.success ? r.data : (news as RouteArgs);
}


/**
 * Pure: normalized content on both sides. `version`, `status`, `updated*` are server
 * fields and never diffed; `adoptExisting` only matters to create.
 */
export function diffRoute(olds: RouteOutputs, newsRaw: unknown): DiffResult {
  const news = parseRouteArgs(newsRaw);
  if (Number(olds.integrationId) !== Number(news.integrationId)) return { changes: true, replaces: ["integrationId"] };
  const oldContent: RouteContent = { cases: olds.cases ?? [], sections: olds.sections ?? [], default: olds.default };
  const changes =
    routeContentKey(routeContentFromArgs({ cases: oldContent.cases, sections: oldContent.sections, default: oldContent.default })) !==
      routeContentKey(routeContentFromArgs(news)) || !sameJson(olds.resetOnDelete?.channelIds ?? null, news.resetOnDelete?.channelIds ?? null);
  return { changes, replaces: [] };
}

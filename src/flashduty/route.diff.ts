// The rule's model: normalization of parsed args, the outputs every verb returns, and the pure diff.
import { sameJson } from "../core/json";
import type { DiffResult } from "../core/kit";
import type { RouteArgs } from "./route.schema";

export type RoutingMode = "standard" | "name_mapping";

/** A case in the canonical form kept in state: every default filled in, nothing the API ignores. */
export interface RouteCase {
  if: { key: string; oper: "IN" | "NOTIN"; vals: string[] }[];
  channelIds: number[];
  fallthrough: boolean;
  routingMode: RoutingMode;
  nameMappingLabel?: string;
}

export interface RouteContent {
  cases: RouteCase[];
  sections: { name: string; position: number }[];
  default?: { channelIds: number[] };
}

/** The live rule as read back: its content and the server's fields (absent in old state or a sparse reply). */
export interface RouteLive extends RouteContent {
  version: number;
  status?: string;
  updatedAt?: number;
  updatedBy?: number;
}

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

/** Normalizes parsed args: empty routing mode == standard, omitted fallthrough == false, absent sections == []. */
export function routeContentFromArgs(a: Pick<RouteArgs, "cases" | "sections" | "default">): RouteContent {
  const out: RouteContent = {
    cases: (a.cases ?? []).map((c) => {
      const mode: RoutingMode = c.routingMode === "name_mapping" ? "name_mapping" : "standard";
      const rc: RouteCase = {
        if: c.if.map((x) => ({ key: x.key, oper: x.oper, vals: [...x.vals] })),
        channelIds: mode === "name_mapping" ? [] : [...(c.channelIds ?? [])],
        fallthrough: c.fallthrough ?? false,
        routingMode: mode,
      };
      if (mode === "name_mapping" && c.nameMappingLabel) rc.nameMappingLabel = c.nameMappingLabel;
      return rc;
    }),
    sections: (a.sections ?? []).map((s) => ({ name: s.name, position: s.position })),
  };
  if (a.default) out.default = { channelIds: [...a.default.channelIds] };
  return out;
}

/** A rule "has content" when it routes anything: a case or a default channel. */
export function hasContent(c: RouteContent): boolean {
  return c.cases.length > 0 || (c.default?.channelIds.length ?? 0) > 0;
}

/** Stable text of a rule's content for equality (key order fixed by construction above). */
export function routeContentKey(c: RouteContent): string {
  return JSON.stringify({
    cases: c.cases.map((x) => [x.if.map((i) => [i.key, i.oper, i.vals]), x.channelIds, x.fallthrough, x.routingMode, x.nameMappingLabel ?? ""]),
    sections: c.sections.map((s) => [s.name, s.position]),
    default: c.default?.channelIds ?? null,
  });
}

/** The content fields (cases, sections, default) that differ between two rules. */
export function changedRouteFields(a: RouteContent, b: RouteContent): ("cases" | "sections" | "default")[] {
  const ka = JSON.parse(routeContentKey(a)) as Record<string, unknown>;
  const kb = JSON.parse(routeContentKey(b)) as Record<string, unknown>;
  return (["cases", "sections", "default"] as const).filter((k) => JSON.stringify(ka[k]) !== JSON.stringify(kb[k]));
}

/** The one outputs function: create, read, update and adopt all return this. */
export function toRouteOutputs(args: Pick<RouteArgs, "integrationId" | "adoptExisting" | "resetOnDelete">, live: RouteLive): RouteOutputs {
  const o: RouteOutputs = {
    integrationId: Number(args.integrationId),
    cases: live.cases,
    sections: live.sections,
    ...(live.default ? { default: live.default } : {}),
    version: live.version,
    status: live.status ?? "enabled",
    updatedAt: live.updatedAt ?? 0,
    updatedBy: live.updatedBy ?? 0,
  };
  if (args.adoptExisting !== undefined) o.adoptExisting = args.adoptExisting;
  if (args.resetOnDelete) o.resetOnDelete = { channelIds: [...args.resetOnDelete.channelIds] };
  return o;
}

/**
 * Pure: normalized content on both sides. `version`, `status`, `updated*` are server
 * fields and never diffed; `adoptExisting` only matters to create. `news` arrive
 * parsed by the kit (as they are when a value filled in for an unknown does not parse).
 */
export function diffRoute(olds: RouteOutputs, newsIn: unknown): DiffResult {
  const news = newsIn as RouteArgs;
  if (Number(olds.integrationId) !== Number(news.integrationId)) return { changes: true, replaces: ["integrationId"] };
  const oldContent = routeContentFromArgs({ cases: olds.cases ?? [], sections: olds.sections ?? [], default: olds.default });
  const changes =
    routeContentKey(oldContent) !== routeContentKey(routeContentFromArgs(news)) || !sameJson(olds.resetOnDelete?.channelIds ?? null, news.resetOnDelete?.channelIds ?? null);
  return { changes, replaces: [] };
}

/**
 * The inputs a user declares for these outputs (what read hands the engine): no server
 * fields (version, status, updated*), and defaults left out (fallthrough false, the
 * standard routing mode, the channels a name-mapping case ignores, empty lists).
 */
export function routeToInputs(o: Partial<RouteOutputs>): Record<string, unknown> {
  const out: Record<string, unknown> = { integrationId: o.integrationId };
  if (o.cases?.length)
    out.cases = o.cases.map((c) => {
      const x: Record<string, unknown> = { if: (c.if ?? []).map((i) => ({ key: i.key, oper: i.oper, vals: [...(i.vals ?? [])] })) };
      if (c.routingMode === "name_mapping") {
        x.routingMode = "name_mapping";
        if (c.nameMappingLabel) x.nameMappingLabel = c.nameMappingLabel;
      } else x.channelIds = [...(c.channelIds ?? [])];
      if (c.fallthrough) x.fallthrough = true;
      return x;
    });
  if (o.sections?.length) out.sections = o.sections.map((s) => ({ name: s.name, position: s.position }));
  if (o.default) out.default = { channelIds: [...(o.default.channelIds ?? [])] };
  if (o.adoptExisting) out.adoptExisting = true;
  if (o.resetOnDelete) out.resetOnDelete = { channelIds: [...(o.resetOnDelete.channelIds ?? [])] };
  return out;
}

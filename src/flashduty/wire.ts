// The one place that maps camelCase args <-> Flashduty's snake_case JSON, both ways.
import type { RouteArgs } from "./route.schema";

// ---------- routing rule ----------

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

export interface WireCondition {
  key: string;
  oper: string;
  vals: string[] | null;
}
export interface WireCase {
  if: WireCondition[] | null;
  channel_ids: number[] | null;
  fallthrough: boolean;
  routing_mode?: string;
  name_mapping_label?: string;
}
export interface WireRouteItem {
  integration_id: number;
  cases?: WireCase[] | null;
  sections?: { name: string; position?: number }[] | null;
  default?: { channel_ids?: number[] | null } | null;
  status?: string;
  version: number;
  updated_by?: number;
  creator_id?: number;
  created_at?: number;
  updated_at?: number;
  deleted_at?: number;
}
export interface WireUpsertRoute {
  integration_id: number;
  cases: WireCase[];
  sections: { name: string; position: number }[];
  default?: { channel_ids: number[] };
  version?: number;
}

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

export function routeContentToWire(integrationId: number, c: RouteContent, version?: number): WireUpsertRoute {
  const body: WireUpsertRoute = {
    integration_id: integrationId,
    cases: c.cases.map((x) => {
      const w: WireCase = {
        if: x.if.map((cond) => ({ key: cond.key, oper: cond.oper, vals: [...cond.vals] })),
        channel_ids: x.routingMode === "name_mapping" ? [] : [...x.channelIds],
        fallthrough: x.fallthrough,
        routing_mode: x.routingMode,
      };
      if (x.routingMode === "name_mapping") w.name_mapping_label = x.nameMappingLabel ?? "";
      return w;
    }),
    // Position is always sent, 0 included (the vendor's Terraform provider drops 0).
    sections: c.sections.map((s) => ({ name: s.name, position: s.position })),
  };
  if (c.default) body.default = { channel_ids: [...c.default.channelIds] };
  if (version !== undefined) body.version = version;
  return body;
}

/** The live rule in canonical form; nulls and empty routing modes as the API returns them are normalized away. */
export function routeContentFromWire(w: WireRouteItem): RouteContent {
  const out: RouteContent = {
    cases: (w.cases ?? []).map((c) => {
      const mode: RoutingMode = c.routing_mode === "name_mapping" ? "name_mapping" : "standard";
      const rc: RouteCase = {
        if: (c.if ?? []).map((x) => ({ key: x.key, oper: x.oper === "NOTIN" ? "NOTIN" : "IN", vals: [...(x.vals ?? [])] })),
        channelIds: mode === "name_mapping" ? [] : [...(c.channel_ids ?? [])],
        fallthrough: c.fallthrough === true,
        routingMode: mode,
      };
      if (mode === "name_mapping" && c.name_mapping_label) rc.nameMappingLabel = c.name_mapping_label;
      return rc;
    }),
    sections: (w.sections ?? []).map((s) => ({ name: s.name, position: s.position ?? 0 })),
  };
  const dflt = w.default?.channel_ids ?? [];
  if (dflt.length) out.default = { channelIds: [...dflt] };
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

// ---------- mapping data ----------

export type Row = Record<string, string>;

export interface WireSchema {
  schema_id: string;
  schema_name?: string;
  source_labels: string[] | null;
  result_labels: string[] | null;
  status?: string;
}
export interface SchemaLabels {
  sourceLabels: string[];
  resultLabels: string[];
}
export function schemaLabelsFromWire(w: WireSchema): SchemaLabels {
  return { sourceLabels: [...(w.source_labels ?? [])], resultLabels: [...(w.result_labels ?? [])] };
}

export interface WireMappingItem {
  key: string;
  fields: Record<string, string> | null;
  created_at?: number;
  updated_at?: number;
}
export interface WireMappingList {
  items: WireMappingItem[] | null;
  total: number;
  has_next_page: boolean;
  search_after_ctx?: string;
}

/** A row with labels in sorted order and only the schema's labels (the API drops others). */
export function canonicalRow(row: Row, labels?: SchemaLabels): Row {
  const names = labels ? [...labels.sourceLabels, ...labels.resultLabels] : Object.keys(row);
  const out: Row = {};
  for (const k of [...names].sort()) if (row[k] !== undefined) out[k] = row[k];
  return out;
}

/** The row's identity: its source-label values (JSON, so no separator can collide). Never sent to the API. */
export function sourceKey(row: Row, sourceLabels: readonly string[]): string {
  return JSON.stringify(sourceLabels.map((l) => row[l] ?? ""));
}

export function rowValueKey(row: Row): string {
  return JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
}

/** Docs go on the wire as given: label names are already the vendor's. */
export function rowToWire(row: Row): Record<string, string> {
  return { ...row };
}
export function rowFromWire(item: WireMappingItem, labels: SchemaLabels): Row {
  return canonicalRow(item.fields ?? {}, labels);
}

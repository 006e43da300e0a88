// The one place that maps camelCase args <-> Flashduty's snake_case JSON, both ways.
import type { RouteCase, RouteContent, RouteLive, RoutingMode } from "./route.diff";
import { canonicalRow } from "./mapping.diff";
import type { Row, SchemaLabels } from "./mapping.schema";

// ---------- routing rule ----------

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

/** The live rule in the model's terms: content plus the server's fields. */
export function routeFromWire(w: WireRouteItem): RouteLive {
  return { ...routeContentFromWire(w), version: w.version, status: w.status, updatedAt: w.updated_at, updatedBy: w.updated_by };
}

// ---------- mapping data ----------

export interface WireSchema {
  schema_id: string;
  schema_name?: string;
  source_labels: string[] | null;
  result_labels: string[] | null;
  status?: string;
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

/** Docs go on the wire as given: label names are already the vendor's. */
export function rowToWire(row: Row): Record<string, string> {
  return { ...row };
}

export function rowFromWire(item: WireMappingItem, labels: SchemaLabels): Row {
  return canonicalRow(item.fields ?? {}, labels);
}

// Reads Flashduty integrations' routing rules and mapping schemas' rows into FlashdutyRoute and FlashdutyMappingData args.
import type { VendorClient } from "../core/http";
import { flashdutyClient, post } from "../flashduty/client";
import { listAll } from "../flashduty/mapping.provider";
import { checkRowsAgainstLabels, mappingDataSchema, sourceKey } from "../flashduty/mapping.schema";
import { routeSchema } from "../flashduty/route.schema";
import { routeContentFromWire, schemaLabelsFromWire, type WireRouteItem, type WireSchema } from "../flashduty/wire";
import { issueLines, unknownKeys, type Progress, type ReadResult } from "./format";
import { resourceName } from "./names";

const ROUTE_KEYS = ["integration_id", "cases", "sections", "default", "status", "version", "updated_by", "creator_id", "created_at", "updated_at", "deleted_at"];
const CASE_KEYS = ["if", "channel_ids", "fallthrough", "routing_mode", "name_mapping_label"];
const CONDITION_KEYS = ["key", "oper", "vals"];

export interface FlashdutySelection {
  /** Integration ids (digit strings). */
  integrations: string[];
  /** Mapping schema ids. */
  schemas: string[];
}

/** A digit string as the schema takes it: a number while it is a safe integer, else the string (never rounded). */
function integrationIdArg(id: string): number | string {
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : id;
}

function routeArgs(integrationId: string, w: WireRouteItem): Record<string, unknown> {
  const content = routeContentFromWire(w);
  const args: Record<string, unknown> = { integrationId: integrationIdArg(integrationId) };
  if (content.cases.length)
    args.cases = content.cases.map((c) => {
      const o: Record<string, unknown> = { if: c.if };
      if (c.routingMode === "name_mapping") {
        o.routingMode = "name_mapping";
        o.nameMappingLabel = c.nameMappingLabel;
      } else o.channelIds = c.channelIds;
      if (c.fallthrough) o.fallthrough = true;
      return o;
    });
  if (content.sections.length) args.sections = content.sections;
  if (content.default) args.default = content.default;
  args.adoptExisting = true;
  return args;
}

function routeProblems(w: WireRouteItem, args: Record<string, unknown>): string[] {
  const out = unknownKeys(w, ROUTE_KEYS, "");
  (w.cases ?? []).forEach((c, i) => {
    out.push(...unknownKeys(c, CASE_KEYS, `cases.${i}`));
    (c.if ?? []).forEach((x, j) => out.push(...unknownKeys(x, CONDITION_KEYS, `cases.${i}.if.${j}`)));
    if (c.routing_mode && c.routing_mode !== "standard" && c.routing_mode !== "name_mapping") out.push(`cases.${i}.routingMode: "${c.routing_mode}" is not a routing mode the resource knows`);
    (c.if ?? []).forEach((x, j) => {
      if (x.oper !== "IN" && x.oper !== "NOTIN") out.push(`cases.${i}.if.${j}.oper: "${x.oper}" is not an operator the resource knows`);
    });
  });
  const parsed = routeSchema.safeParse(args);
  if (!parsed.success) out.push(...issueLines(parsed.error.issues));
  return out;
}

async function readRoute(c: VendorClient, integrationId: string, out: ReadResult, progress: Progress): Promise<void> {
  const object = `routing rule of integration ${integrationId}`;
  if (!/^[1-9][0-9]*$/.test(integrationId)) throw new Error(`flashduty: integration id "${integrationId}" is not a positive integer`);
  const w = await post<WireRouteItem | null>(c, "/route/info", { integration_id: Number(integrationId) }, { read: true });
  if (!w || w.status === "deleted") {
    out.unsupported.push({ vendor: "flashduty", object, reasons: ["the integration has no routing rule: there is nothing to adopt"] });
    return;
  }
  const args = routeArgs(integrationId, w);
  progress(`flashduty: integration ${integrationId}: ${(args.cases as unknown[] | undefined)?.length ?? 0} cases, version ${w.version}`);
  const why = routeProblems(w, args);
  if (why.length) {
    out.unsupported.push({ vendor: "flashduty", object, reasons: why });
    return;
  }
  out.resources.push({ type: "FlashdutyRoute", baseName: resourceName("flashduty-route", integrationId), describes: `Flashduty ${object}`, args, comments: {} });
}

async function readSchema(c: VendorClient, schemaId: string, out: ReadResult, progress: Progress): Promise<void> {
  if (!/^[0-9a-fA-F]{24}$/.test(schemaId)) throw new Error(`flashduty: mapping schema id "${schemaId}" is not 24 hex characters`);
  const schema = await post<WireSchema | null>(c, "/enrichment/mapping/schema/info", { schema_id: schemaId }, { read: true });
  if (!schema) throw new Error(`flashduty: mapping schema ${schemaId} was not found`);
  const name = schema.schema_name || schemaId;
  const object = `mapping schema "${name}" (${schemaId})`;
  const labels = schemaLabelsFromWire(schema);
  progress(`flashduty: reading the rows of ${object}`);
  const live = await listAll(c, schemaId, labels);
  progress(`flashduty: ${object}: ${live.length.toLocaleString("en-US")} rows`);
  const rows = live.map((r) => r.row).sort((a, b) => {
    const ka = sourceKey(a, labels.sourceLabels);
    const kb = sourceKey(b, labels.sourceLabels);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const args: Record<string, unknown> = { schemaId, rows, adoptExisting: true };
  const why: string[] = [];
  const parsed = mappingDataSchema.safeParse(args);
  if (!parsed.success) why.push(...issueLines(parsed.error.issues));
  why.push(...checkRowsAgainstLabels(rows, labels).map((f) => `${f.property}: ${f.reason}`));
  if (why.length) {
    out.unsupported.push({ vendor: "flashduty", object, reasons: why.slice(0, 25) });
    return;
  }
  out.resources.push({ type: "FlashdutyMappingData", baseName: resourceName("mapping", name), describes: `Flashduty ${object}`, args, comments: { schemaId: `schema "${name}"` } });
}

export async function readFlashduty(sel: FlashdutySelection, progress: Progress): Promise<ReadResult> {
  const c = flashdutyClient();
  const out: ReadResult = { resources: [], unsupported: [] };
  for (const id of sel.integrations) await readRoute(c, id, out, progress);
  for (const id of sel.schemas) await readSchema(c, id, out, progress);
  return out;
}

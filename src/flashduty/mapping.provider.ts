import { sameJson } from "../core/json";
import { VendorError } from "../core/errors";
import type { VendorClient } from "../core/http";
import type { CheckFailure, ResourceDefinition } from "../core/kit";
import { processGlobal } from "../core/registry";
import { flashdutyClient, post } from "./client";
import { diffMappingData, planRows, type MappingDataOutputs } from "./mapping.diff";
import { DELETE_BATCH, UPSERT_BATCH, checkRowsAgainstLabels, mappingDataSchema, type MappingDataArgs } from "./mapping.schema";
import { VENDOR } from "./protocol";
import {
  canonicalRow,
  rowFromWire,
  rowToWire,
  rowValueKey,
  schemaLabelsFromWire,
  sourceKey,
  type Row,
  type SchemaLabels,
  type WireMappingList,
  type WireSchema,
} from "./wire";

const LIST_PAGE = 100;

/** Labels cannot change after a schema is created, so one lookup per schema and process is enough. */
function labelCache(): Map<string, Promise<SchemaLabels | undefined>> {
  return processGlobal("flashduty-schema-labels", () => new Map<string, Promise<SchemaLabels | undefined>>());
}

export async function schemaLabels(client: VendorClient, schemaId: string): Promise<SchemaLabels | undefined> {
  const cache = labelCache();
  const key = `${client.endpoint.baseUrl}|${schemaId}`;
  let p = cache.get(key);
  if (!p) {
    p = post<WireSchema | null>(client, "/enrichment/mapping/schema/info", { schema_id: schemaId }, { read: true }).then((w) =>
      w ? schemaLabelsFromWire(w) : undefined,
    );
    cache.set(key, p);
    // A failed or empty lookup is not cached: the schema may be created next.
    p.then((l) => (l ? undefined : cache.delete(key))).catch(() => cache.delete(key));
  }
  return p;
}

/** The API takes one writer per schema; writers in this process queue up instead of tripping RequestTooFrequently. */
async function withSchemaLock<T>(schemaId: string, fn: () => Promise<T>): Promise<T> {
  const locks = processGlobal("flashduty-schema-locks", () => new Map<string, Promise<unknown>>());
  const prev = locks.get(schemaId) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(schemaId, tail);
  try {
    return await run;
  } finally {
    if (locks.get(schemaId) === tail) locks.delete(schemaId);
  }
}

interface LiveRow {
  key: string;
  row: Row;
}

/** Every row of the schema, paged with `search_after_ctx` (page numbers stop at 10,000 rows). */
export async function listAll(client: VendorClient, schemaId: string, labels: SchemaLabels): Promise<LiveRow[]> {
  const out: LiveRow[] = [];
  let cursor: string | undefined;
  for (;;) {
    const body: Record<string, unknown> = { schema_id: schemaId, orderby: "created_at", asc: true, limit: LIST_PAGE };
    if (cursor) body.search_after_ctx = cursor;
    const page = await post<WireMappingList | null>(client, "/enrichment/mapping/data/list", body, { read: true });
    for (const it of page?.items ?? []) out.push({ key: it.key, row: rowFromWire(it, labels) });
    if (!page?.has_next_page || !page.search_after_ctx || !(page.items ?? []).length) return out;
    cursor = page.search_after_ctx;
  }
}

async function anyRows(client: VendorClient, schemaId: string): Promise<boolean> {
  const page = await post<WireMappingList | null>(client, "/enrichment/mapping/data/list", { schema_id: schemaId, orderby: "created_at", asc: true, limit: 1 }, { read: true });
  return (page?.items ?? []).length > 0 || (page?.total ?? 0) > 0;
}

/** Sends rows in batches of 1000 and returns the server's key of each, in order. */
async function upsertRows(client: VendorClient, schemaId: string, rows: Row[], labels: SchemaLabels): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
    const batch = rows.slice(i, i + UPSERT_BATCH);
    // Keyed on source values, so sending the same docs twice is harmless: retry through 5xx and resets.
    const d = await post<{ keys?: string[] | null } | null>(client, "/enrichment/mapping/data/upsert", { schema_id: schemaId, docs: batch.map(rowToWire) }, { idempotent: true });
    const got = d?.keys ?? [];
    if (got.length === batch.length) keys.push(...got);
    else {
      // Keys did not line up with the docs: take them from the live rows rather than guessing how they are built.
      const bySource = new Map((await listAll(client, schemaId, labels)).map((l) => [sourceKey(l.row, labels.sourceLabels), l.key]));
      for (const r of batch) {
        const k = bySource.get(sourceKey(r, labels.sourceLabels));
        if (k === undefined) throw new VendorError({ vendor: VENDOR, kind: "server", message: `row ${sourceKey(r, labels.sourceLabels)} was upserted but is not in schema ${schemaId}` });
        keys.push(k);
      }
    }
  }
  return keys;
}

async function deleteKeys(client: VendorClient, schemaId: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    await post(client, "/enrichment/mapping/data/delete", { schema_id: schemaId, keys: keys.slice(i, i + DELETE_BATCH) }, { idempotent: true });
  }
}

function outputsOf(args: MappingDataArgs, labels: SchemaLabels, rows: Row[], keys: string[]): MappingDataOutputs {
  const o: MappingDataOutputs = {
    schemaId: args.schemaId,
    rows,
    exclusive: args.exclusive ?? false,
    sourceLabels: [...labels.sourceLabels],
    resultLabels: [...labels.resultLabels],
    keys,
    rowCount: rows.length,
  };
  if (args.adoptExisting !== undefined) o.adoptExisting = args.adoptExisting;
  return o;
}

async function requireLabels(client: VendorClient, schemaId: string): Promise<SchemaLabels> {
  const labels = await schemaLabels(client, schemaId);
  if (!labels) throw new VendorError({ vendor: VENDOR, kind: "not_found", message: `mapping schema ${schemaId} does not exist` });
  return labels;
}


export const mappingDataDefinition: ResourceDefinition<MappingDataArgs, MappingDataOutputs> = {
  module: "flashduty",
  type: "MappingData",
  schema: mappingDataSchema,
  replaceKeys: ["schemaId"],
  diff: diffMappingData,

  async checkRemote(news, olds) {
    // Steady state: inputs that already passed check need no API call (a preview makes none).
    if (olds && olds.schemaId === news.schemaId && Array.isArray(olds.rows) && sameJson(olds.rows, news.rows)) return [];
    let labels: SchemaLabels | undefined;
    if (olds && olds.schemaId === news.schemaId && Array.isArray(olds.sourceLabels) && Array.isArray(olds.resultLabels))
      labels = { sourceLabels: olds.sourceLabels, resultLabels: olds.resultLabels };
    else {
      const client = flashdutyClient();
      labels = await schemaLabels(client, news.schemaId);
      if (!labels) return [{ property: "schemaId", reason: `mapping schema ${news.schemaId} does not exist at ${client.endpoint.baseUrl}` }] as CheckFailure[];
    }
    return checkRowsAgainstLabels(news.rows, labels);
  },

  // Inputs arrive parsed by the kit (kit.ts parseKnown).
  async create(args) {
    const client = flashdutyClient();
    const labels = await requireLabels(client, args.schemaId);
    return withSchemaLock(args.schemaId, async () => {
      const rows = args.rows.map((r) => canonicalRow(r));
      const live = (await anyRows(client, args.schemaId)) ? await listAll(client, args.schemaId, labels) : [];
      const liveBySource = new Map(live.map((l) => [sourceKey(l.row, labels.sourceLabels), l]));
      const declared = new Set<string>();
      const conflicts: string[] = [];
      const keys: (string | undefined)[] = [];
      const upserts: Row[] = [];
      for (const r of rows) {
        const sk = sourceKey(r, labels.sourceLabels);
        declared.add(sk);
        const l = liveBySource.get(sk);
        if (l) conflicts.push(labels.sourceLabels.map((x) => `${x}=${JSON.stringify(r[x])}`).join(","));
        if (l && rowValueKey(l.row) === rowValueKey(r)) keys.push(l.key);
        else {
          keys.push(undefined);
          upserts.push(r);
        }
      }
      if (conflicts.length && !args.adoptExisting) {
        throw new VendorError({
          vendor: VENDOR,
          kind: "conflict",
          message:
            `${conflicts.length} declared row(s) already exist in mapping schema ${args.schemaId} (${conflicts.slice(0, 5).join("; ")}${conflicts.length > 5 ? "; ..." : ""}). ` +
            `Set \`adoptExisting: true\` to take them over, or remove them from the program.`,
        });
      }
      const stale = args.exclusive ? live.filter((l) => !declared.has(sourceKey(l.row, labels.sourceLabels))).map((l) => l.key) : [];
      await deleteKeys(client, args.schemaId, stale);
      const newKeys = await upsertRows(client, args.schemaId, upserts, labels);
      let j = 0;
      const allKeys = keys.map((k) => k ?? newKeys[j++]);
      return { id: args.schemaId, outs: outputsOf(args, labels, rows, allKeys) };
    });
  },

  async read(id, props) {
    const client = flashdutyClient();
    const labels = await schemaLabels(client, id);
    if (!labels) return undefined;
    const live = await listAll(client, id, labels);
    const args: MappingDataArgs = { schemaId: id, rows: [], exclusive: props.exclusive ?? false, adoptExisting: props.adoptExisting };
    const importing = !Array.isArray(props.keys) || !Array.isArray(props.rows);
    if (importing || args.exclusive) {
      // Import takes the whole schema; exclusive owns it anyway (foreign rows show up as drift).
      return { id, outs: outputsOf(args, labels, live.map((l) => l.row), live.map((l) => l.key)) };
    }
    const liveByKey = new Map(live.map((l) => [l.key, l]));
    const liveBySource = new Map(live.map((l) => [sourceKey(l.row, labels.sourceLabels), l]));
    const rows: Row[] = [];
    const keys: string[] = [];
    props.rows!.forEach((r, i) => {
      const l = liveByKey.get(props.keys![i]) ?? liveBySource.get(sourceKey(r, labels.sourceLabels));
      // A row deleted out of band leaves state, so the next update puts it back.
      if (l) {
        rows.push(l.row);
        keys.push(l.key);
      }
    });
    return { id, outs: outputsOf(args, labels, rows, keys) };
  },

  async update(id, olds, args) {
    const client = flashdutyClient();
    const labels: SchemaLabels =
      Array.isArray(olds.sourceLabels) && Array.isArray(olds.resultLabels) ? { sourceLabels: olds.sourceLabels, resultLabels: olds.resultLabels } : await requireLabels(client, id);
    return withSchemaLock(args.schemaId, async () => {
      const plan = planRows({ rows: olds.rows, keys: olds.keys, sourceLabels: labels.sourceLabels }, args.rows);
      let deletes = plan.deletes;
      if (args.exclusive && !olds.exclusive) {
        // Turning exclusive on: rows nobody declared are only known to the API.
        const declared = new Set(plan.rows.map((r) => sourceKey(r, labels.sourceLabels)));
        const foreign = (await listAll(client, args.schemaId, labels)).filter((l) => !declared.has(sourceKey(l.row, labels.sourceLabels)));
        deletes = [...new Set([...deletes, ...foreign.map((l) => l.key)])];
      }
      await deleteKeys(client, args.schemaId, deletes);
      const newKeys = await upsertRows(client, args.schemaId, plan.upserts, labels);
      let j = 0;
      const keys = plan.keys.map((k) => k ?? newKeys[j++]);
      return outputsOf(args, labels, plan.rows, keys);
    });
  },

  async delete(id, props) {
    const client = flashdutyClient();
    await withSchemaLock(props.schemaId ?? id, () => deleteKeys(client, props.schemaId ?? id, props.keys ?? []));
  },
};

// Every verb: normalize (canonicalRow, planRows) -> toWire -> call -> fromWire -> toMappingOutputs.
import { sameJson } from "../core/json";
import { VendorError, isVendorError } from "../core/errors";
import { keyedLock, onceCache, readConfirmed } from "../core/idioms";
import { adoptConflictMessage, adoptedNotice } from "../core/ownership";
import { bodySnippet, type VendorClient } from "../core/http";
import type { CheckFailure, ResourceDefinition } from "../core/kit";
import {
  DELETE_BATCH,
  MAPPING_IDENTITY,
  MAX_ROWS,
  UPSERT_BATCH,
  checkRowsAgainstLabels,
  mappingDataSchema,
  sourceKey,
  type MappingDataArgs,
  type Row,
  type SchemaLabels,
} from "./mapping.schema";
import { canonicalRow, diffMappingData, mappingToInputs, planRows, rowValueKey, toMappingOutputs, type MappingDataOutputs } from "./mapping.diff";
import { rowFromWire, rowToWire, schemaLabelsFromWire, type WireMappingList, type WireSchema } from "./wire";
import { VENDOR } from "./protocol";
import { claimRows, declareRows, unclaimed } from "./mapping.ownership";
import { flashdutyClient, post } from "./client";

const LIST_PAGE = 100;

/**
 * Labels cannot change after a schema is created, so one lookup per schema and process
 * is enough. A failed or empty lookup is not kept: the schema may be created next.
 */
export async function schemaLabels(client: VendorClient, schemaId: string): Promise<SchemaLabels | undefined> {
  // Looked up per call, not at module load, so the cache follows the process registry (and its reset).
  return onceCache<SchemaLabels | undefined>("flashduty-schema-labels")(`${client.endpoint.baseUrl}|${schemaId}`, async () => {
    const w = await post<WireSchema | null>(client, "/enrichment/mapping/schema/info", { schema_id: schemaId }, { read: true });
    return w ? schemaLabelsFromWire(w) : undefined;
  });
}

/** The schema as `/enrichment/mapping/schema/list` shows it: the parent collection that confirms "gone". */
async function schemaListed(client: VendorClient, schemaId: string): Promise<SchemaLabels | undefined> {
  const d = await post<{ items?: WireSchema[] | null } | null>(client, "/enrichment/mapping/schema/list", {}, { read: true });
  const w = (d?.items ?? []).find((x) => x.schema_id === schemaId);
  return w ? schemaLabelsFromWire(w) : undefined;
}

/** A missing schema only once a second lookup and the schema list agree: a transient not-found drops nothing. */
async function schemaLabelsConfirmed(client: VendorClient, schemaId: string): Promise<SchemaLabels | undefined> {
  return readConfirmed({ read: () => schemaLabels(client, schemaId), listed: () => schemaListed(client, schemaId) });
}

/** The API takes one writer per schema; writers in this process queue up instead of tripping RequestTooFrequently. */
const withSchemaLock = <T>(schemaId: string, fn: () => Promise<T>): Promise<T> => keyedLock("flashduty-schema")(schemaId, fn);

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
async function upsertRows(client: VendorClient, schemaId: string, rows: Row[], labels: SchemaLabels, written: LiveRow[] = []): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
    const batch = rows.slice(i, i + UPSERT_BATCH);
    // Keyed on source values, so sending the same docs twice is harmless: retry through 5xx and resets.
    const d = await post<{ keys?: string[] | null } | null>(client, "/enrichment/mapping/data/upsert", { schema_id: schemaId, docs: batch.map(rowToWire) }, { idempotent: true });
    const got = d?.keys ?? [];
    if (got.length === batch.length) {
      keys.push(...got);
      batch.forEach((row, j) => written.push({ key: got[j], row }));
    } else {
      // Keys did not line up with the docs: take them from the live rows rather than guessing how they are built.
      const bySource = new Map((await listAll(client, schemaId, labels)).map((l) => [sourceKey(l.row, labels.sourceLabels), l.key]));
      for (const r of batch) {
        const k = bySource.get(sourceKey(r, labels.sourceLabels));
        if (k === undefined)
          throw new VendorError({
            vendor: VENDOR,
            kind: "server",
            ambiguous: true,
            message:
              `the answer to the upsert of ${batch.length} row(s) of mapping schema ${schemaId} could not be read (it gave ${got.length} key(s): ${bodySnippet(d)}), ` +
              `and row ${sourceKey(r, labels.sourceLabels)} is not in the schema now: whether Flashduty applied the upsert is unknown; run \`pulumi up\` again`,
          });
        keys.push(k);
        written.push({ key: k, row: r });
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

async function requireLabels(client: VendorClient, schemaId: string): Promise<SchemaLabels> {
  const labels = await schemaLabels(client, schemaId);
  if (!labels) throw new VendorError({ vendor: VENDOR, kind: "not_found", message: `mapping schema ${schemaId} does not exist` });
  return labels;
}


/**
 * The schema's row limit counts every row, not only ours: rows already there that this
 * resource does not declare (and does not own, since owned rows it drops are deleted first)
 * stay. One `list` (limit 1) when the schema is small; the whole schema only near the limit.
 */
async function rowLimitProblem(client: VendorClient, news: MappingDataArgs, labels: SchemaLabels, owned: readonly Row[]): Promise<CheckFailure | undefined> {
  if (news.exclusive) return undefined; // rows nobody declared are deleted before the upserts
  const sk = (r: Row) => sourceKey(r, labels.sourceLabels);
  const declared = new Set(news.rows.map(sk));
  const ownedKeys = new Set(owned.map(sk));
  // Changing or removing rows this resource already holds cannot raise the schema's count:
  // no call (a change of 1 row of 10,000 would otherwise list them all, `total` being capped).
  if ([...declared].every((k) => ownedKeys.has(k))) return undefined;
  const page = await post<WireMappingList | null>(client, "/enrichment/mapping/data/list", { schema_id: news.schemaId, orderby: "created_at", asc: true, limit: 1 }, { read: true });
  const total = page?.total ?? 0;
  // `total` is capped at 1,000: below the cap it is exact, and declared + total bounds the result.
  if (total < 1000 && total + declared.size <= MAX_ROWS) return undefined;
  const others = (await listAll(client, news.schemaId, labels)).filter((l) => !declared.has(sk(l.row)) && !ownedKeys.has(sk(l.row))).length;
  if (others + declared.size <= MAX_ROWS) return undefined;
  return {
    property: "rows",
    reason:
      `mapping schema ${news.schemaId} would hold ${others + declared.size} rows, over Flashduty's limit of ${MAX_ROWS.toLocaleString("en-US")} rows per schema: ` +
      `${declared.size} declared in rows + ${others} other row(s) already in the schema that this resource does not declare. ` +
      `Remove rows, or set exclusive: true to replace the other rows.`,
  };
}

/**
 * A create that failed partway removes the rows it added, and puts back the previous
 * values of rows it adopted and changed (rows that were there before it stay). After an
 * ambiguous failure the last batch may have landed in part: the schema is listed to find
 * those rows too.
 */
async function undoCreate(
  client: VendorClient,
  schemaId: string,
  labels: SchemaLabels,
  fresh: Set<string>,
  previous: readonly Row[],
  written: LiveRow[],
  cause: unknown,
): Promise<never> {
  const sk = (r: Row) => sourceKey(r, labels.sourceLabels);
  const causeText = cause instanceof Error ? cause.message.replace(/^flashduty: /, "") : String(cause);
  let removed = 0;
  try {
    const keys = new Set(written.filter((w) => fresh.has(sk(w.row))).map((w) => w.key));
    if (!isVendorError(cause) || cause.ambiguous || cause.kind === "server" || cause.kind === "network" || cause.kind === "timeout")
      for (const l of await listAll(client, schemaId, labels)) if (fresh.has(sk(l.row))) keys.add(l.key);
    await deleteKeys(client, schemaId, [...keys]);
    removed = keys.size;
    // Sending the old values of rows we did not touch is harmless (same values), so all adopted-and-changed rows go back.
    if (previous.length) await upsertRows(client, schemaId, [...previous], labels);
  } catch (e) {
    throw new VendorError({
      vendor: VENDOR,
      kind: isVendorError(cause) ? cause.kind : "server",
      message:
        `${causeText}. The create had written ${written.length} row(s) to mapping schema ${schemaId}; removing them failed too ` +
        `(${e instanceof Error ? e.message : String(e)}), so some may remain outside Pulumi's state: rerun with adoptExisting: true to take them over, or delete them in Flashduty.`,
    });
  }
  throw new VendorError({
    vendor: VENDOR,
    kind: isVendorError(cause) ? cause.kind : "server",
    message:
      `${causeText}. The create failed partway: the ${removed} row(s) it had added to mapping schema ${schemaId} were removed again` +
      (previous.length ? ` and the ${previous.length} row(s) it had adopted got their previous values back.` : ` (rows that were there before were left).`),
  });
}

export const mappingDataDefinition: ResourceDefinition<MappingDataArgs, MappingDataOutputs> = {
  ...MAPPING_IDENTITY,
  schema: mappingDataSchema,
  replaceKeys: ["schemaId"],
  diff: diffMappingData,
  toInputs: mappingToInputs,
  volatileOutputs: ["keys"],

  async checkRemote(news, olds) {
    declareRows(news.schemaId, news.rows);
    const sameSchema = olds !== undefined && olds.schemaId === news.schemaId;
    const known = sameSchema && Array.isArray(olds.sourceLabels) && Array.isArray(olds.resultLabels);
    // Steady state: inputs that already passed check need no API call (a preview makes none).
    if (sameSchema && Array.isArray(olds.rows) && sameJson(olds.rows, news.rows)) return [];
    let labels: SchemaLabels | undefined;
    const client = flashdutyClient();
    if (known) labels = { sourceLabels: olds.sourceLabels!, resultLabels: olds.resultLabels! };
    else {
      labels = await schemaLabels(client, news.schemaId);
      if (!labels) return [{ property: "schemaId", reason: `mapping schema ${news.schemaId} does not exist at ${client.endpoint.baseUrl}` }] as CheckFailure[];
    }
    const failures = checkRowsAgainstLabels(news.rows, labels);
    if (failures.length) return failures;
    const limit = await rowLimitProblem(client, news, labels, sameSchema && Array.isArray(olds.rows) ? olds.rows : []);
    return limit ? [limit] : [];
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
          message: adoptConflictMessage(
            `${conflicts.length} declared row(s) of mapping schema ${args.schemaId}`,
            `${conflicts.slice(0, 5).join("; ")}${conflicts.length > 5 ? "; ..." : ""}`,
          ),
        });
      }
      claimRows(args.schemaId, rows, labels.sourceLabels);
      const stale = args.exclusive ? unclaimed(args.schemaId, live.filter((l) => !declared.has(sourceKey(l.row, labels.sourceLabels))), labels.sourceLabels, "exclusive") : [];
      await deleteKeys(client, args.schemaId, stale);
      // Rows this create adds (not there before it): the ones a failure partway takes back out.
      const fresh = new Set(upserts.map((r) => sourceKey(r, labels.sourceLabels)).filter((k) => !liveBySource.has(k)));
      const written: LiveRow[] = [];
      // Rows that were there and that this create changes (adoptExisting): their values before it.
      const previous = upserts.map((r) => liveBySource.get(sourceKey(r, labels.sourceLabels))?.row).filter((r): r is Row => r !== undefined);
      const newKeys = await upsertRows(client, args.schemaId, upserts, labels, written).catch((e: unknown) =>
        undoCreate(client, args.schemaId, labels, fresh, previous, written, e),
      );
      let j = 0;
      const allKeys = keys.map((k) => k ?? newKeys[j++]);
      if (conflicts.length) adoptedNotice(VENDOR, `${conflicts.length} existing row(s) of mapping schema ${args.schemaId} (${listed(conflicts)})`, adoptedChanges(rows, liveBySource, labels, stale.length));
      return { id: args.schemaId, outs: toMappingOutputs(args, labels, rows, allKeys) };
    });
  },

  async read(id, props) {
    const client = flashdutyClient();
    const labels = await schemaLabelsConfirmed(client, id);
    if (!labels) return undefined;
    const live = await listAll(client, id, labels);
    const args = { schemaId: id, exclusive: props.exclusive ?? false, adoptExisting: props.adoptExisting };
    const importing = !Array.isArray(props.keys) || !Array.isArray(props.rows);
    if (importing || args.exclusive) {
      // Import takes the whole schema; exclusive owns it anyway (foreign rows show up as drift).
      return { id, outs: toMappingOutputs(args, labels, live.map((l) => l.row), live.map((l) => l.key)) };
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
    return { id, outs: toMappingOutputs(args, labels, rows, keys) };
  },

  async update(id, olds, args) {
    const client = flashdutyClient();
    const labels: SchemaLabels =
      Array.isArray(olds.sourceLabels) && Array.isArray(olds.resultLabels) ? { sourceLabels: olds.sourceLabels, resultLabels: olds.resultLabels } : await requireLabels(client, id);
    return withSchemaLock(args.schemaId, async () => {
      const plan = planRows({ rows: olds.rows, keys: olds.keys, sourceLabels: labels.sourceLabels }, args.rows);
      claimRows(args.schemaId, plan.rows, labels.sourceLabels);
      const removing = new Set(plan.deletes);
      const removed = (olds.rows ?? []).map((row, i) => ({ key: olds.keys?.[i] ?? "", row })).filter((r) => removing.has(r.key));
      let deletes = unclaimed(args.schemaId, removed, labels.sourceLabels, "removed from this resource");
      if (args.exclusive && !olds.exclusive) {
        // Turning exclusive on: rows nobody declared are only known to the API.
        const declared = new Set(plan.rows.map((r) => sourceKey(r, labels.sourceLabels)));
        const foreign = (await listAll(client, args.schemaId, labels)).filter((l) => !declared.has(sourceKey(l.row, labels.sourceLabels)));
        deletes = [...new Set([...deletes, ...unclaimed(args.schemaId, foreign, labels.sourceLabels, "exclusive")])];
      }
      await deleteKeys(client, args.schemaId, deletes);
      const newKeys = await upsertRows(client, args.schemaId, plan.upserts, labels);
      let j = 0;
      const keys = plan.keys.map((k) => k ?? newKeys[j++]);
      return toMappingOutputs(args, labels, plan.rows, keys);
    });
  },

  async delete(id, props) {
    const client = flashdutyClient();
    const schemaId = props.schemaId ?? id;
    const owned = (props.rows ?? []).map((row, i) => ({ key: props.keys?.[i] ?? "", row })).filter((r) => r.key !== "");
    // Keys without a row (state written by an older version) cannot be matched to a claim: deleted as before.
    const extra = (props.keys ?? []).slice(owned.length);
    const keys = [...unclaimed(schemaId, owned, props.sourceLabels ?? [], "its resource was deleted"), ...extra];
    await withSchemaLock(schemaId, () => deleteKeys(client, schemaId, keys));
  },
};

const listed = (items: readonly string[]) => `${items.slice(0, 5).join("; ")}${items.length > 5 ? `; and ${items.length - 5} more` : ""}`;

/** What adopting changes: per adopted row, the result labels whose values differ; and rows an exclusive create removes. */
function adoptedChanges(rows: readonly Row[], liveBySource: ReadonlyMap<string, { row: Row }>, labels: SchemaLabels, removed: number): string[] {
  const changed: string[] = [];
  for (const r of rows) {
    const l = liveBySource.get(sourceKey(r, labels.sourceLabels));
    if (!l) continue;
    const fields = labels.resultLabels.filter((x) => (l.row[x] ?? "") !== (r[x] ?? ""));
    if (fields.length) changed.push(`${labels.sourceLabels.map((x) => `${x}=${JSON.stringify(r[x])}`).join(",")}: ${fields.join(", ")}`);
  }
  const out = changed.length ? [`result labels of ${changed.length} row(s) (${listed(changed)})`] : [];
  if (removed) out.push(`the ${removed} undeclared row(s), removed (exclusive)`);
  return out;
}

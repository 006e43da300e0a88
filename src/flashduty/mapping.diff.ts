import type { DiffResult } from "../core/kit";
import { mappingDataSchema, type MappingDataArgs } from "./mapping.schema";
import { canonicalRow, rowValueKey, sourceKey, type Row } from "./wire";

export interface MappingDataOutputs {
  schemaId: string;
  /** The owned rows, normalized (labels sorted). */
  rows: Row[];
  exclusive: boolean;
  adoptExisting?: boolean;
  /** The schema's labels (they cannot change after creation): lets diff identify rows without the API. */
  sourceLabels: string[];
  resultLabels: string[];
  /** The server's key of rows[i], as the API returned it (never composed by us). */
  keys: string[];
  rowCount: number;
}

export const MAPPING_OUTPUT_KEYS = ["exclusive", "sourceLabels", "resultLabels", "keys", "rowCount"] as const;

export function parseMappingArgs(news: unknown): MappingDataArgs {
  const r = mappingDataSchema.safeParse(news);
  return r.success ? r.data : (news as MappingDataArgs);
}

export interface RowPlan {
  /** Rows to send (added or changed), canonical. */
  upserts: Row[];
  /** Server keys of owned rows that are no longer declared. */
  deletes: string[];
  /** For each new row: its known server key when unchanged, undefined when it is upserted (in `upserts` order). */
  keys: (string | undefined)[];
  rows: Row[];
}

/** Row-level plan, O(rows): rows are identified by their source-label values. */
export function planRows(olds: Pick<MappingDataOutputs, "rows" | "keys" | "sourceLabels">, newRows: readonly Row[]): RowPlan {
  const labels = olds.sourceLabels ?? [];
  const oldBySource = new Map<string, { value: string; key: string | undefined }>();
  (olds.rows ?? []).forEach((r, i) => oldBySource.set(sourceKey(r, labels), { value: rowValueKey(r), key: olds.keys?.[i] }));
  const upserts: Row[] = [];
  const keys: (string | undefined)[] = [];
  const rows: Row[] = [];
  const kept = new Set<string>();
  for (const raw of newRows) {
    const row = canonicalRow(raw);
    const sk = sourceKey(row, labels);
    kept.add(sk);
    const old = oldBySource.get(sk);
    rows.push(row);
    if (old && old.key !== undefined && old.value === rowValueKey(row)) keys.push(old.key);
    else {
      upserts.push(row);
      // The server's answer to the upsert gives the key.
      keys.push(undefined);
    }
  }
  const deletes: string[] = [];
  for (const [sk, o] of oldBySource) if (!kept.has(sk) && o.key !== undefined) deletes.push(o.key);
  return { upserts, deletes, keys, rows };
}

/** Pure and O(rows): unchanged rows cost nothing; row order is ignored (the API has none). */
export function diffMappingData(olds: MappingDataOutputs, newsRaw: unknown): DiffResult {
  const news = parseMappingArgs(newsRaw);
  if (olds.schemaId !== news.schemaId) return { changes: true, replaces: ["schemaId"] };
  if ((olds.exclusive ?? false) !== (news.exclusive ?? false)) return { changes: true, replaces: [] };
  const newRows = news.rows ?? [];
  if ((olds.rows ?? []).length !== newRows.length) return { changes: true, replaces: [] };
  const p = planRows(olds, newRows);
  return { changes: p.upserts.length > 0 || p.deletes.length > 0, replaces: [] };
}

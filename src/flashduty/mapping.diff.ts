// The rows' model: normalization, the outputs every verb returns, the row plan and the pure diff.
import type { DiffResult } from "../core/kit";
import { sourceKey, type MappingDataArgs, type Row, type SchemaLabels } from "./mapping.schema";

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

/** A row with labels in sorted order and only the schema's labels (the API drops others). */
export function canonicalRow(row: Row, labels?: SchemaLabels): Row {
  const names = labels ? [...labels.sourceLabels, ...labels.resultLabels] : Object.keys(row);
  const out: Row = {};
  for (const k of [...names].sort()) if (row[k] !== undefined) out[k] = row[k];
  return out;
}

export function rowValueKey(row: Row): string {
  return JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
}

/** The one outputs function: create, read, update and adopt all return this. */
export function toMappingOutputs(args: Pick<MappingDataArgs, "schemaId" | "exclusive" | "adoptExisting">, labels: SchemaLabels, rows: Row[], keys: string[]): MappingDataOutputs {
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

/**
 * Pure and O(rows): unchanged rows cost nothing; row order is ignored (the API has none).
 * `news` arrive parsed by the kit (as they are when a value filled in for an unknown does not parse).
 */
export function diffMappingData(olds: MappingDataOutputs, newsIn: unknown): DiffResult {
  const news = newsIn as MappingDataArgs;
  if (olds.schemaId !== news.schemaId) return { changes: true, replaces: ["schemaId"] };
  if ((olds.exclusive ?? false) !== (news.exclusive ?? false)) return { changes: true, replaces: [] };
  const newRows = news.rows ?? [];
  if ((olds.rows ?? []).length !== newRows.length) return { changes: true, replaces: [] };
  const p = planRows(olds, newRows);
  return { changes: p.upserts.length > 0 || p.deletes.length > 0, replaces: [] };
}

/**
 * The inputs a user declares for these outputs (what read hands the engine): the
 * schema and the owned rows; the schema's labels, the server keys and the count are
 * outputs only, and `exclusive`/`adoptExisting` only when set.
 */
export function mappingToInputs(o: Partial<MappingDataOutputs>): Record<string, unknown> {
  const out: Record<string, unknown> = { schemaId: o.schemaId, rows: (o.rows ?? []).map((r) => ({ ...r })) };
  if (o.exclusive) out.exclusive = true;
  if (o.adoptExisting) out.adoptExisting = true;
  return out;
}

import { z } from "zod";
import type { CheckFailure } from "../core/kit";

/** The resource's identity: `pulumi-nodejs:dynamic/flashduty:MappingData`, and the key its shim dispatches on. */
export const MAPPING_IDENTITY = { module: "flashduty", type: "MappingData" } as const;

/** One row: label name -> value. */
export type Row = Record<string, string>;

/** A mapping schema's labels (fixed once the schema exists). */
export interface SchemaLabels {
  sourceLabels: string[];
  resultLabels: string[];
}

/** The row's identity: its source-label values (JSON, so no separator can collide). Never sent to the API. */
export function sourceKey(row: Row, sourceLabels: readonly string[]): string {
  return JSON.stringify(sourceLabels.map((l) => row[l] ?? ""));
}

/** Documented limits of mapping data. */
export const MAX_ROWS = 10_000;
export const MAX_VALUE_CHARS = 2048;
export const UPSERT_BATCH = 1000;
export const DELETE_BATCH = 100;
const LABEL = /^[a-z][a-z0-9_]{0,39}$/;

const rowSchema = z.record(z.string(), z.string({ error: "label values must be strings" })).superRefine((row, ctx) => {
  for (const [k, v] of Object.entries(row)) {
    if (!LABEL.test(k)) ctx.addIssue({ code: "custom", path: [k], message: `"${k}" is not a label name (^[a-z][a-z0-9_]{0,39}$)` });
    if (typeof v === "string" && v.length > MAX_VALUE_CHARS)
      ctx.addIssue({ code: "custom", path: [k], message: `value is ${v.length} characters; Flashduty allows at most ${MAX_VALUE_CHARS}` });
  }
});

export const mappingDataSchema = z
  .object({
    schemaId: z.string().regex(/^[0-9a-fA-F]{24}$/, "schemaId must be a mapping schema id (24 hex characters)"),
    rows: z.array(rowSchema).max(MAX_ROWS, `at most ${MAX_ROWS} rows fit in a mapping schema`),
    /** Remove rows of the schema that no resource declared. */
    exclusive: z.boolean().optional(),
    /** Take over rows that already exist with the same source-label values instead of failing. */
    adoptExisting: z.boolean().optional(),
  })
  .strict();

export type MappingDataArgs = z.infer<typeof mappingDataSchema>;

const MAX_FAILURES = 25;

/** Checks rows against the schema's labels; pure (the labels are fetched by the caller). Paths carry the row index. */
export function checkRowsAgainstLabels(rows: readonly Row[], labels: SchemaLabels): CheckFailure[] {
  const out: CheckFailure[] = [];
  const all = [...labels.sourceLabels, ...labels.resultLabels];
  const known = new Set(all);
  const firstBySource = new Map<string, number>();
  let more = 0;
  const push = (f: CheckFailure) => (out.length < MAX_FAILURES ? out.push(f) : more++);
  rows.forEach((row, i) => {
    for (const l of all) {
      if (row[l] === undefined) push({ property: `rows[${i}].${l}`, reason: `missing label "${l}": every row needs all of ${all.join(", ")}` });
    }
    for (const l of labels.sourceLabels) {
      if (row[l] === "") push({ property: `rows[${i}].${l}`, reason: `source label "${l}" must not be empty` });
    }
    for (const k of Object.keys(row)) {
      if (!known.has(k)) push({ property: `rows[${i}].${k}`, reason: `unknown label "${k}": the schema has ${all.join(", ")} (Flashduty would drop it)` });
    }
    const sk = sourceKey(row, labels.sourceLabels);
    const prev = firstBySource.get(sk);
    if (prev !== undefined)
      push({
        property: `rows[${i}]`,
        reason: `duplicates rows[${prev}]: same ${labels.sourceLabels.map((l) => `${l}=${JSON.stringify(row[l] ?? "")}`).join(", ")}`,
      });
    else firstBySource.set(sk, i);
  });
  if (more) out.push({ property: "rows", reason: `${more} more problems not listed` });
  return out;
}

// The public types of FlashdutyMappingData, written by hand. The zod schema
// (mapping.schema.ts) and the state the provider returns are checked against
// them at compile time (mapping.types-check.ts).

/** One row of a mapping schema: label name -> value, e.g. `{ host: "db-1", owner: "sre" }`. */
export type FlashdutyMappingRow = Record<string, string>;

/** The arguments of {@link FlashdutyMappingData}. */
export interface FlashdutyMappingDataArgs {
  /** The mapping schema (`schema_id`): 24 hex characters. Changing it replaces the resource. */
  schemaId: string;
  /** The rows this resource owns (`docs`): every source and result label of the schema, values at most 2,048 characters; at most 10,000 rows. */
  rows: FlashdutyMappingRow[];
  /** Own the whole schema: delete rows no resource of this stack declares. Default `false`. */
  exclusive?: boolean;
  /** Take over declared rows that already exist with the same source-label values instead of failing. Default `false`. */
  adoptExisting?: boolean;
}

/** The outputs of {@link FlashdutyMappingData}. */
export interface FlashdutyMappingDataOutputs {
  /** The mapping schema's id (`schema_id`); also the resource id. */
  schemaId: string;
  /** The owned rows, normalized: labels sorted, only the schema's labels. */
  rows: FlashdutyMappingRow[];
  /** Whether the resource owns the whole schema. */
  exclusive: boolean;
  /** Whether the resource was declared with `adoptExisting`, when given. */
  adoptExisting?: boolean;
  /** The schema's source labels (`source_labels`): a row's identity. */
  sourceLabels: string[];
  /** The schema's result labels (`result_labels`). */
  resultLabels: string[];
  /** The server's key of each row (`key`), in the order of `rows`. */
  keys: string[];
  /** The number of owned rows. */
  rowCount: number;
}

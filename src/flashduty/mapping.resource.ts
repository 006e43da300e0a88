import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys } from "../core/kit";
import type { InputArgs, OutputProperties } from "../core/input";
import { resourceKey } from "../core/vendor";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { MAPPING_OUTPUT_KEYS } from "./mapping.diff";
import { MAPPING_IDENTITY } from "./mapping.schema";
import type { FlashdutyMappingDataArgs, FlashdutyMappingDataOutputs } from "./mapping.types";

/** Every output, so each surfaces as a property even when the args omit it (checked in mapping.types-check.ts). */
export const OUTPUT_PROPERTIES = [...MAPPING_OUTPUT_KEYS, "schemaId", "rows", "adoptExisting"] as const satisfies readonly (keyof FlashdutyMappingDataOutputs)[];

/**
 * Rows of a Flashduty mapping schema (id = schema id). Owns exactly the rows it
 * declares, identified by their source-label values; `exclusive: true` owns the whole schema.
 */
export class FlashdutyMappingData extends pulumi.dynamic.Resource {
  constructor(name: string, args: InputArgs<FlashdutyMappingDataArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(MAPPING_IDENTITY)), name, withOutputKeys(args, OUTPUT_PROPERTIES), opts, MAPPING_IDENTITY.module, MAPPING_IDENTITY.type);
  }
}

// The output properties, typed from the outputs interface (`data.rowCount: Output<number>`, ...).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface FlashdutyMappingData extends OutputProperties<FlashdutyMappingDataOutputs> {}

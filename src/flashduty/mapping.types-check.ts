// Compile-time only: `tsc` fails when the zod schema or the provider's state type
// drifts from the hand-written public types. Emits nothing that runs.
import type { z } from "zod";
import type { Equal } from "../core/type-equal";
import type { MappingDataOutputs } from "./mapping.diff";
import type { OUTPUT_PROPERTIES } from "./mapping.resource";
import type { mappingDataSchema } from "./mapping.schema";
import type { FlashdutyMappingDataArgs, FlashdutyMappingDataOutputs } from "./mapping.types";

export type Checks = [
  // What users write is what the schema accepts, and what it parses to.
  Expect<Equal<FlashdutyMappingDataArgs, z.input<typeof mappingDataSchema>>>,
  Expect<Equal<FlashdutyMappingDataArgs, z.infer<typeof mappingDataSchema>>>,
  // What every provider verb returns is what the resource's output properties claim.
  Expect<Equal<FlashdutyMappingDataOutputs, MappingDataOutputs>>,
  // Every output surfaces as a property of the resource.
  Expect<Equal<Exclude<keyof FlashdutyMappingDataOutputs, (typeof OUTPUT_PROPERTIES)[number]>, never>>,
];
type Expect<T extends true> = T;

import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys, type InputArgs } from "../core/kit";
import { resourceKey } from "../core/vendor";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { MAPPING_OUTPUT_KEYS } from "./mapping.diff";
import { MAPPING_IDENTITY, type MappingDataArgs } from "./mapping.schema";

export type FlashdutyMappingDataArgs = MappingDataArgs;

/**
 * Rows of a Flashduty mapping schema (id = schema id). Owns exactly the rows it
 * declares, identified by their source-label values; `exclusive: true` owns the whole schema.
 */
export class FlashdutyMappingData extends pulumi.dynamic.Resource {
  declare readonly schemaId: pulumi.Output<string>;
  declare readonly rows: pulumi.Output<Record<string, string>[]>;
  declare readonly exclusive: pulumi.Output<boolean>;
  declare readonly sourceLabels: pulumi.Output<string[]>;
  declare readonly resultLabels: pulumi.Output<string[]>;
  declare readonly keys: pulumi.Output<string[]>;
  declare readonly rowCount: pulumi.Output<number>;

  constructor(name: string, args: InputArgs<FlashdutyMappingDataArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(MAPPING_IDENTITY)), name, withOutputKeys(args, MAPPING_OUTPUT_KEYS), opts, MAPPING_IDENTITY.module, MAPPING_IDENTITY.type);
  }
}

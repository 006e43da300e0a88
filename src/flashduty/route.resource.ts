import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys } from "../core/kit";
import type { InputArgs, OutputProperties } from "../core/input";
import { resourceKey } from "../core/vendor";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { ROUTE_OUTPUT_KEYS } from "./route.diff";
import { ROUTE_IDENTITY } from "./route.schema";
import type { FlashdutyRouteArgs, FlashdutyRouteOutputs } from "./route.types";

/** Every output, so each surfaces as a property even when the args omit it (checked in route.types-check.ts). */
export const OUTPUT_PROPERTIES = [...ROUTE_OUTPUT_KEYS, "integrationId", "adoptExisting", "resetOnDelete"] as const satisfies readonly (keyof FlashdutyRouteOutputs)[];

/**
 * The routing rule of one Flashduty integration (id = integration id).
 * Flashduty has no delete: destroy leaves the rule in place unless `resetOnDelete` is set.
 */
export class FlashdutyRoute extends pulumi.dynamic.Resource {
  constructor(name: string, args: InputArgs<FlashdutyRouteArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(ROUTE_IDENTITY)), name, withOutputKeys(args, OUTPUT_PROPERTIES), opts, ROUTE_IDENTITY.module, ROUTE_IDENTITY.type);
  }
}

// The output properties, typed from the outputs interface (`route.version: Output<number>`, ...).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface FlashdutyRoute extends OutputProperties<FlashdutyRouteOutputs> {}

import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys, type InputArgs } from "../core/kit";
import { resourceKey } from "../core/vendor";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { ROUTE_OUTPUT_KEYS, type RouteOutputs } from "./route.diff";
import { ROUTE_IDENTITY, type RouteArgs } from "./route.schema";

export type FlashdutyRouteArgs = RouteArgs;

/**
 * The routing rule of one Flashduty integration (id = integration id).
 * Flashduty has no delete: destroy leaves the rule in place unless `resetOnDelete` is set.
 */
export class FlashdutyRoute extends pulumi.dynamic.Resource {
  declare readonly integrationId: pulumi.Output<number>;
  declare readonly cases: pulumi.Output<RouteOutputs["cases"]>;
  declare readonly sections: pulumi.Output<RouteOutputs["sections"]>;
  declare readonly default: pulumi.Output<RouteOutputs["default"]>;
  declare readonly version: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<number>;
  declare readonly updatedBy: pulumi.Output<number>;

  constructor(name: string, args: InputArgs<FlashdutyRouteArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(ROUTE_IDENTITY)), name, withOutputKeys(args, ROUTE_OUTPUT_KEYS), opts, ROUTE_IDENTITY.module, ROUTE_IDENTITY.type);
  }
}

import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys, type InputArgs } from "../core/kit";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { resourceKey } from "../core/vendor";
import { IDENTITY, OUTPUT_KEYS, type AlertRouteArgs, type NormalRule } from "./alert-route.schema";

export type RootlyAlertRouteArgs = AlertRouteArgs;

/**
 * A Rootly alert route (Advanced Alert Routing): its sources, owning teams and
 * ordered rules. The resource id is the route id.
 */
export class RootlyAlertRoute extends pulumi.dynamic.Resource {
  declare readonly routeId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly alertsSourceIds: pulumi.Output<string[]>;
  declare readonly owningTeamIds: pulumi.Output<string[]>;
  /** Normalized: positions filled in, sorted by position. */
  declare readonly rules: pulumi.Output<NormalRule[]>;
  declare readonly createdAt: pulumi.Output<string | undefined>;
  declare readonly updatedAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: InputArgs<RootlyAlertRouteArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(IDENTITY)), name, withOutputKeys(args, OUTPUT_KEYS), opts, IDENTITY.module, IDENTITY.type);
  }
}

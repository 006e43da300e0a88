import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys } from "../core/kit";
import type { InputArgs, OutputProperties } from "../core/input";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { resourceKey } from "../core/vendor";
import { IDENTITY, OUTPUT_KEYS } from "./alert-route.schema";
import type { RootlyAlertRouteArgs, RootlyAlertRouteOutputs } from "./alert-route.types";

/** Every output, so each surfaces as a property even when the args omit it (checked in alert-route.types-check.ts). */
export const OUTPUT_PROPERTIES = [
  ...OUTPUT_KEYS,
  "name",
  "enabled",
  "alertsSourceIds",
  "owningTeamIds",
  "rules",
  "adoptExisting",
] as const satisfies readonly (keyof RootlyAlertRouteOutputs)[];

/**
 * A Rootly alert route (Advanced Alert Routing): its sources, owning teams and
 * ordered rules. The resource id is the route id.
 */
export class RootlyAlertRoute extends pulumi.dynamic.Resource {
  constructor(name: string, args: InputArgs<RootlyAlertRouteArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(IDENTITY)), name, withOutputKeys(args, OUTPUT_PROPERTIES), opts, IDENTITY.module, IDENTITY.type);
  }
}

// The output properties, typed from the outputs interface (`route.routeId: Output<string>`, ...).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface RootlyAlertRoute extends OutputProperties<RootlyAlertRouteOutputs> {}

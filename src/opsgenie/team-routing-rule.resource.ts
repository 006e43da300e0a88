import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys } from "../core/kit";
import type { InputArgs, OutputProperties } from "../core/input";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { resourceKey } from "../core/vendor";
import { IDENTITY, OUTPUT_KEYS } from "./team-routing-rule.schema";
import type { OpsgenieTeamRoutingRuleArgs, OpsgenieTeamRoutingRuleOutputs } from "./team-routing-rule.types";

/** Every output, so each surfaces as a property even when the args omit it (checked in team-routing-rule.types-check.ts). */
export const OUTPUT_PROPERTIES = [
  ...OUTPUT_KEYS,
  "teamName",
  "name",
  "criteria",
  "timeRestriction",
  "notify",
  "adoptExisting",
  "account",
] as const satisfies readonly (keyof OpsgenieTeamRoutingRuleOutputs)[];

/**
 * An Opsgenie team routing rule. `order` is the rule's index among the team's
 * rules (the default rule stays last); rules of one team declared with orders
 * end in that order after one `pulumi up`. Id: `<teamId>/<ruleId>`.
 */
export class OpsgenieTeamRoutingRule extends pulumi.dynamic.Resource {
  constructor(name: string, args: InputArgs<OpsgenieTeamRoutingRuleArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(IDENTITY)), name, withOutputKeys(args, OUTPUT_PROPERTIES), opts, IDENTITY.module, IDENTITY.type);
  }
}

// The output properties, typed from the outputs interface (`rule.ruleId: Output<string>`, ...).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface OpsgenieTeamRoutingRule extends OutputProperties<OpsgenieTeamRoutingRuleOutputs> {}

import * as pulumi from "@pulumi/pulumi";
import { providerShim, withOutputKeys, type InputArgs } from "../core/kit";
import { RUNTIME_MODULE } from "../core/runtime-module";
import { resourceKey } from "../core/vendor";
import type { NCriteria, NNotify, NTimeRestriction } from "./team-routing-rule.diff";
import { IDENTITY, OUTPUT_KEYS, type TeamRoutingRuleArgs } from "./team-routing-rule.schema";

/**
 * An Opsgenie team routing rule. `order` is the rule's index among the team's
 * rules (the default rule stays last); rules of one team declared with orders
 * end in that order after one `pulumi up`. Id: `<teamId>/<ruleId>`.
 */
export class OpsgenieTeamRoutingRule extends pulumi.dynamic.Resource {
  declare readonly teamId: pulumi.Output<string>;
  declare readonly teamName: pulumi.Output<string | undefined>;
  declare readonly name: pulumi.Output<string>;
  declare readonly order: pulumi.Output<number | undefined>;
  declare readonly timezone: pulumi.Output<string | undefined>;
  declare readonly criteria: pulumi.Output<NCriteria>;
  declare readonly timeRestriction: pulumi.Output<NTimeRestriction | undefined>;
  declare readonly notify: pulumi.Output<NNotify>;
  declare readonly adoptExisting: pulumi.Output<boolean>;
  declare readonly ruleId: pulumi.Output<string>;
  declare readonly isDefault: pulumi.Output<boolean>;
  declare readonly notifyId: pulumi.Output<string | undefined>;
  declare readonly notifyName: pulumi.Output<string | undefined>;

  constructor(name: string, args: InputArgs<TeamRoutingRuleArgs>, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(RUNTIME_MODULE, resourceKey(IDENTITY)), name, withOutputKeys(args, OUTPUT_KEYS), opts, IDENTITY.module, IDENTITY.type);
  }
}

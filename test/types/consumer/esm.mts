// An ES module program importing the (CommonJS) package: named exports and the kit subpath.
import * as pulumi from "@pulumi/pulumi";
import { OpsgenieTeamRoutingRule, type OpsgenieTeamRoutingRuleOutputs } from "pulumi-alert-routing";
import * as kit from "pulumi-alert-routing/kit";

declare const adopt: pulumi.Output<boolean>;
const rule = new OpsgenieTeamRoutingRule("esm", { teamName: "Platform", name: "x", adoptExisting: adopt, notify: { type: "none" } });
export const ruleId: pulumi.Output<string> = rule.ruleId;
export const adopted: pulumi.Output<OpsgenieTeamRoutingRuleOutputs["adoptExisting"]> = rule.adoptExisting;
export const shim: typeof kit.providerShim = kit.providerShim;
// @ts-expect-error misspelled field
new OpsgenieTeamRoutingRule("esm-bad", { teamName: "Platform", nme: "x", notify: { type: "none" } });

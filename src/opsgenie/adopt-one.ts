// Opsgenie does not keep routing rule names unique within a team, yet the name is how a
// TeamRoutingRule finds its rule (to adopt it, to refuse a duplicate, to find a create whose
// answer was lost). These pure helpers make every such lookup take exactly one rule or refuse.
import { sameJson } from "../core/json";
import { ambiguousNameError, type Candidate } from "../core/ownership";
import { VendorError } from "../core/errors";
import type { NormalizedArgs } from "./team-routing-rule.diff";
import type { LiveRule } from "./wire";

/** The team's rules named `name` (`except`: the rule being replaced), as candidates with their live index. */
export function sameNamedRules(rules: readonly LiveRule[], name: string, except?: string): { rule: LiveRule; candidate: Candidate }[] {
  return rules.flatMap((rule, position) => (rule.name === name && rule.id !== except ? [{ rule, candidate: { id: rule.id, position } }] : []));
}

/** The error for a name that several rules of the team carry: every id and index, and how to choose. */
export function ambiguousRuleName(name: string, team: string, found: readonly Candidate[], adopting: boolean): VendorError {
  return ambiguousNameError(
    "opsgenie",
    `routing rules of team ${team} are named "${name}"`,
    found,
    `A TeamRoutingRule finds its rule by name (${adopting ? "to adopt it" : "to refuse a duplicate"}), and Opsgenie does not keep names unique: ` +
      `set \`adoptRuleId\` to the id of the one this resource stands for, or rename all but one of them in Opsgenie (then \`alert-routing export\` can write one resource per rule), and run \`pulumi up\` again` +
      (adopting ? "" : `, or give this resource another name`),
  );
}

/**
 * The one rule named `name`, undefined when there is none; an error when there are several
 * (adopting one would rewrite it to this resource's criteria and leave the others unmanaged).
 */
export function oneRuleNamed(rules: readonly LiveRule[], name: string, except: string | undefined, team: string, adopting: boolean): LiveRule | undefined {
  const found = sameNamedRules(rules, name, except);
  if (found.length > 1) throw ambiguousRuleName(name, team, found.map((f) => f.candidate), adopting);
  return found[0]?.rule;
}

/** Whether a live rule carries what a create of `n` sent (its matching: criteria and time restriction). */
export function carriesCreate(rule: LiveRule, n: NormalizedArgs): boolean {
  return rule.name === n.name && sameJson(rule.criteria, n.criteria) && sameJson(rule.timeRestriction, n.timeRestriction);
}

/** How a claim names the resource that holds a rule (the engine does not tell providers resource names). */
export function ruleOwner(n: NormalizedArgs, team: string): string {
  return `the OpsgenieTeamRoutingRule "${n.name}" of team ${team}${n.order !== undefined ? ` (order ${n.order})` : ""}`;
}

/** The rule `adoptRuleId` names; none is an error before any write (a mistyped id must not create a rule). */
export function ruleById(rules: readonly LiveRule[], id: string, team: string): LiveRule {
  const rule = rules.find((r) => r.id === id);
  if (rule) return rule;
  throw new VendorError({
    vendor: "opsgenie",
    kind: "not_found",
    message: `adoptRuleId: team ${team} has no routing rule with id ${id} (its rules: ${rules.slice(0, 10).map((r, i) => `"${r.name}" ${r.id} at position ${i}`).join(", ") || "none"}${rules.length > 10 ? `, and ${rules.length - 10} more` : ""}); nothing was changed`,
  });
}

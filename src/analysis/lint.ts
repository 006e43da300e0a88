// STAND-IN for the lint library (branch e-analysis): the same contract (types and
// `lintRouting`'s signature) with a minimal analysis, so that the policy pack builds and is
// tested on its own. It detects only exact shadowing between Opsgenie rules of one team whose
// conditions are plain `equals` comparisons (or `match-all`). At merge, replace this file with
// e-analysis's src/analysis/lint.ts as it is.
import type { OpsgenieCondition, OpsgenieTeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import type { Declared, Routing, Vendor } from "../simulator/types";

export type Severity = "error" | "warning" | "info";
export type FindingKind = "shadowed" | "may-be-shadowed" | "unreachable-time" | "coverage-gap" | "after-catch-all" | "no-target";

/** A span of the week in a rule's time zone, e.g. `{ from: "monday 18:00", to: "tuesday 08:00", timezone: "Europe/Berlin" }`. */
export interface LintWindow {
  from: string;
  to: string;
  timezone: string;
}

export interface Finding {
  vendor: Vendor;
  /** The team (Opsgenie), route (Rootly) or integration (Flashduty), as the simulator names it. */
  unit: string;
  kind: FindingKind;
  severity: Severity;
  /** The rules involved: the finding's subject first, then the rules that cause it. */
  rules: string[];
  /** The Pulumi resource names of those rules (`Declared.resource`), deduplicated. */
  resources: string[];
  /** When the finding holds, where it depends on time (absent: always). */
  windows?: LintWindow[];
  /** One line: why. */
  why: string;
}

export interface LintOptions {
  /** The year analysed for time restrictions starts here (DST changes in it included). Default: now. */
  at?: Date;
  /** The Opsgenie account's time zone, for rules without one (default UTC, as the simulator). */
  accountTimezone?: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

type OgRule = Declared<OpsgenieTeamRoutingRuleArgs>;

export function lintRouting(routing: Routing, _opts: LintOptions = {}): Finding[] {
  const teams = new Map<string, OgRule[]>();
  for (const r of routing.opsgenie ?? []) {
    const a = r.args;
    const team = `${a.teamId ?? a.teamName ?? "(no team)"}${a.account && a.account !== "default" ? ` (account ${a.account})` : ""}`;
    teams.set(team, [...(teams.get(team) ?? []), r]);
  }
  const out: Finding[] = [];
  for (const [team, unsorted] of teams) {
    const ordered = unsorted.filter((r) => r.args.order !== undefined).sort((a, b) => (a.args.order ?? 0) - (b.args.order ?? 0));
    const rules = [...ordered, ...unsorted.filter((r) => r.args.order === undefined)];
    const eqs = rules.map(equalities);
    for (const [j, r] of rules.entries()) {
      if (eqs[j] === undefined) continue;
      // An earlier rule, active at all times, whose equalities are a subset of this one's takes all its alerts.
      const i = rules.findIndex((e, k) => k < j && !e.args.timeRestriction && eqs[k] !== undefined && [...eqs[k]].every((c) => eqs[j]?.has(c)));
      if (i < 0) continue;
      out.push({
        vendor: "opsgenie",
        unit: team,
        kind: "shadowed",
        severity: "error",
        rules: [r.args.name, rules[i].args.name],
        resources: [...new Set([r.resource, rules[i].resource].filter((x): x is string => !!x))],
        why: `can never match: earlier rules ${JSON.stringify(rules[i].args.name)} take every alert it would take`,
      });
    }
  }
  return out;
}

/** The rule's conditions as `field=value` strings when all are plain equalities that must all hold; else undefined. */
function equalities(r: OgRule): Set<string> | undefined {
  const c = r.args.criteria;
  if (!c || c.type === "match-all") return new Set();
  const conds: OpsgenieCondition[] = c.conditions ?? [];
  if (c.type !== "match-all-conditions" && conds.length !== 1) return undefined;
  if (conds.some((x) => x.operation !== "equals" || x.not)) return undefined;
  return new Set(conds.map((x) => `${x.field}${x.key ? `.${x.key}` : ""}=${x.expectedValue ?? ""}`));
}

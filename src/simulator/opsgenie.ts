import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import { DEFAULT_ACCOUNT } from "../opsgenie/accounts";
import { checkTimeRestriction } from "./opsgenie-time";
import type { Check, Declared, OpsgenieAlert, RuleTrace, UnitResult } from "./types";
import { wallTime } from "./zoned";

type Condition = NonNullable<NonNullable<TeamRoutingRuleArgs["criteria"]>["conditions"]>[number];
type FieldValue = { kind: "string"; value: string | undefined } | { kind: "list"; value: string[] } | { kind: "map"; value: Record<string, string> } | { kind: "priority"; value: string };

export const OPSGENIE_ASSUMPTIONS = [
  "string comparisons are case-insensitive; `matches` is a full-string regular expression (docs silent)",
  "priority compares by its number (P1 < P5), an alert without priority is P3",
  "a time window includes its start minute and excludes its end minute; start = end means always",
  "a rule without timezone uses the account timezone, taken as UTC unless given (accountTimezone)",
];

const lc = (s: string) => s.toLowerCase();
const q = (s: string | undefined) => (s === undefined ? "(absent)" : JSON.stringify(s));

/** The alert's value for a condition's field; `extra-properties` with a key reads that one detail. */
function fieldValue(alert: OpsgenieAlert, c: Condition): FieldValue {
  const details = { ...(alert.details ?? {}), ...(alert.extraProperties ?? {}) };
  switch (c.field) {
    case "message":
    case "alias":
    case "description":
    case "source":
    case "entity":
      return { kind: "string", value: alert[c.field] };
    case "tags":
    case "actions":
    case "recipients":
    case "teams":
    case "responders":
      return { kind: "list", value: alert[c.field] ?? [] };
    case "priority":
      return { kind: "priority", value: alert.priority ?? "P3" };
    case "details":
    case "extra-properties":
      if (c.key !== undefined) return { kind: "string", value: details[c.key] };
      return { kind: "map", value: details };
  }
}

const priorityNumber = (p: string) => (/^P[1-5]$/i.test(p) ? Number(p.slice(1)) : NaN);

function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, "s").test(value);
  } catch {
    return false;
  }
}

function stringOp(op: Condition["operation"], value: string | undefined, expected: string): boolean {
  if (op === "is-empty") return value === undefined || value === "";
  if (value === undefined) return false;
  const v = lc(value);
  const e = lc(expected);
  switch (op) {
    case "contains":
      return v.includes(e);
    case "equals":
      return v === e;
    case "starts-with":
      return v.startsWith(e);
    case "ends-with":
      return v.endsWith(e);
    case "matches":
      return fullMatch(expected, value);
    case "equals-ignore-whitespace":
      return v.replace(/\s+/g, "") === e.replace(/\s+/g, "");
    default:
      return false;
  }
}

/** Raw result of the operation, before `not`; undefined when the operation does not apply to the field's type. */
function apply(op: Condition["operation"], fv: FieldValue, expected: string): boolean | undefined {
  switch (fv.kind) {
    case "string":
      return stringOp(op, fv.value, expected);
    case "list":
      if (op === "is-empty") return fv.value.length === 0;
      if (op === "contains") return fv.value.some((x) => lc(x) === lc(expected));
      if (op === "matches") return fv.value.some((x) => fullMatch(expected, x));
      return undefined;
    case "map": {
      const entries = Object.entries(fv.value);
      if (op === "is-empty") return entries.length === 0;
      if (op === "contains-key") return entries.some(([k]) => lc(k) === lc(expected));
      if (op === "contains-value") return entries.some(([, v]) => lc(v) === lc(expected));
      if (op === "contains") return entries.some(([k, v]) => lc(k).includes(lc(expected)) || lc(v).includes(lc(expected)));
      return undefined;
    }
    case "priority": {
      const a = priorityNumber(fv.value);
      const e = priorityNumber(expected);
      if (op === "equals") return a === e;
      if (op === "greater-than") return a > e;
      if (op === "less-than") return a < e;
      if (op === "matches") return fullMatch(expected, fv.value);
      return undefined;
    }
  }
}

function show(fv: FieldValue): string {
  if (fv.kind === "list") return `[${fv.value.map((x) => JSON.stringify(x)).join(", ")}]`;
  if (fv.kind === "map") return JSON.stringify(fv.value);
  return q(fv.value);
}

export function checkCondition(alert: OpsgenieAlert, c: Condition): Check {
  const fv = fieldValue(alert, c);
  const expected = c.expectedValue ?? "";
  const raw = apply(c.operation, fv, expected);
  const field = c.key !== undefined ? `${c.field}[${JSON.stringify(c.key)}]` : c.field;
  const what = `${c.not ? "not " : ""}${field} ${c.operation}${c.operation === "is-empty" ? "" : ` ${JSON.stringify(expected)}`}`;
  if (raw === undefined) return { held: false, text: `${what}: operation not valid for this field, never holds (alert has ${show(fv)})` };
  const held = c.not ? !raw : raw;
  return { held, text: `${what} -> ${held ? "holds" : "fails"} (alert has ${show(fv)})` };
}

/** Rules of one team in evaluation order: declared `order` ascending, rules without order after them in declaration order. */
export function sortRules(rules: Declared<TeamRoutingRuleArgs>[]): Declared<TeamRoutingRuleArgs>[] {
  const ordered = rules.filter((r) => r.args.order !== undefined).sort((a, b) => (a.args.order ?? 0) - (b.args.order ?? 0));
  return [...ordered, ...rules.filter((r) => r.args.order === undefined)];
}

// A team of a named account (JSM / Compass Operations, or another Opsgenie account) is a team
// apart, even under the same name or id: during a migration both may be declared.
const teamName = (a: TeamRoutingRuleArgs) => a.teamId ?? a.teamName ?? "(no team)";
const teamOf = (a: TeamRoutingRuleArgs) => (a.account === undefined || a.account === DEFAULT_ACCOUNT ? teamName(a) : `${teamName(a)} (account ${a.account})`);

function notifyText(n: TeamRoutingRuleArgs["notify"]): { text: string; id: string } {
  if (n.type === "none") return { text: "none (the alert notifies no one through this rule)", id: "none" };
  const ref = n.id ?? n.name ?? "";
  return { text: `${n.type} ${JSON.stringify(ref)}`, id: ref };
}

export interface OpsgenieOptions {
  /** The account's timezone, used by rules without one (default UTC). */
  accountTimezone?: string;
}

/** Evaluates each team's declared rules for the alert: first match wins, the default rule last. */
export function evaluateOpsgenie(rules: Declared<TeamRoutingRuleArgs>[], alert: OpsgenieAlert, at: Date, opts: OpsgenieOptions = {}): UnitResult[] {
  const teams = new Map<string, Declared<TeamRoutingRuleArgs>[]>();
  for (const r of rules) teams.set(teamOf(r.args), [...(teams.get(teamOf(r.args)) ?? []), r]);
  const wanted = alert.routeTo?.map(lc);
  const results: UnitResult[] = [];
  for (const [team, teamRules] of teams) {
    if (wanted && !wanted.includes(lc(teamName(teamRules[0].args)))) continue;
    results.push(evaluateTeam(team, sortRules(teamRules), alert, at, opts.accountTimezone ?? "UTC"));
  }
  return results;
}

function evaluateTeam(team: string, rules: Declared<TeamRoutingRuleArgs>[], alert: OpsgenieAlert, at: Date, accountTz: string): UnitResult {
  const trace: RuleTrace[] = [];
  const contexts = new Set<string>();
  for (const [i, r] of rules.entries()) {
    const a = r.args;
    const label = `#${i} ${JSON.stringify(a.name)}${r.resource ? ` (${r.resource})` : ""}`;
    const checks: Check[] = [];
    let timeOk = true;
    if (a.timeRestriction) {
      const wt = wallTime(at, a.timezone ?? accountTz);
      contexts.add(wt.text);
      const tc = checkTimeRestriction(a.timeRestriction, wt);
      checks.push(tc);
      timeOk = tc.held;
    }
    const type = a.criteria?.type ?? "match-all";
    const conds = [...(a.criteria?.conditions ?? [])].sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
    const condChecks = type === "match-all" ? [] : conds.map((c) => checkCondition(alert, c));
    checks.push(...condChecks);
    const critOk = type === "match-all" || (type === "match-any-condition" ? condChecks.some((c) => c.held) : condChecks.every((c) => c.held));
    const matched = timeOk && critOk;
    const reason = !timeOk
      ? "skipped: outside its time restriction"
      : !critOk
        ? `skipped: ${type} not satisfied`
        : type === "match-all"
          ? "matched: match-all"
          : `matched: ${type}`;
    trace.push({ label, name: a.name, matched, reason, checks });
    if (matched) {
      const n = notifyText(a.notify);
      return { vendor: "opsgenie", unit: team, context: [...contexts].join("; ") || undefined, trace, outcome: "rule", matched: [a.name], targets: [n.text], targetIds: [n.id], assumptions: OPSGENIE_ASSUMPTIONS };
    }
  }
  return {
    vendor: "opsgenie",
    unit: team,
    context: [...contexts].join("; ") || undefined,
    trace,
    outcome: "default",
    matched: [],
    targets: ["the team's Default Routing Rule (not declared in the program; usually the team's escalation)"],
    targetIds: ["default"],
    assumptions: OPSGENIE_ASSUMPTIONS,
  };
}

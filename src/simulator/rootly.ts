import type { RootlyAlertRouteArgs as AlertRouteArgs, RootlyAlertRouteCondition as AlertRouteCondition, RootlyAlertRouteRule as AlertRouteRule } from "../rootly/alert-route.types";
import type { Check, Declared, RootlyAlert, RuleTrace, UnitResult } from "./types";

export const ROOTLY_ASSUMPTIONS = [
  "condition groups are ORed and the conditions inside a group ANDed (docs silent)",
  "comparisons are case-sensitive; matches_regex searches anywhere in the value (JavaScript syntax)",
  "a payload field name is a dotted path into the payload (`$.` prefix optional, `[n]` for arrays)",
  "a list value holds for a positive condition when one element does; a negative condition when none does",
];

type Scalar = string | undefined;

/** Looks up `a.b[0].c` (optionally `$.`-prefixed) in a JSON value. */
export function lookupPath(root: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
  let cur: unknown = root;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function values(v: unknown): Scalar[] {
  if (v === undefined || v === null) return [undefined];
  if (Array.isArray(v)) return v.length === 0 ? [undefined] : v.map((x) => (x === null || x === undefined ? undefined : typeof x === "object" ? JSON.stringify(x) : String(x)));
  if (typeof v === "object") return [JSON.stringify(v)];
  return [String(v)];
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

function subject(alert: RootlyAlert, c: AlertRouteCondition): { raw: unknown; label: string } {
  if (c.propertyFieldType === "alert_field") return { raw: alert.alertFields?.[c.conditionableId ?? ""], label: `alert field ${c.conditionableId}` };
  if (c.alertUrgencyIds?.length && !c.propertyFieldName) return { raw: alert.urgencyId, label: "urgency" };
  const name = c.propertyFieldName ?? "";
  if (c.propertyFieldType === "attribute") {
    const raw = name === "urgency" || name === "alert_urgency" ? (alert.attributes?.[name] ?? alert.urgencyId) : lookupPath(alert.attributes ?? {}, name);
    return { raw, label: `attribute ${name}` };
  }
  return { raw: lookupPath(alert.payload ?? {}, name), label: `payload ${name}` };
}

function safeRegex(p: string): RegExp | undefined {
  try {
    return new RegExp(p);
  } catch {
    return undefined;
  }
}

export function checkRootlyCondition(alert: RootlyAlert, c: AlertRouteCondition): Check {
  const { raw, label } = subject(alert, c);
  const t = c.propertyFieldConditionType;
  const list = [...(c.propertyFieldValues ?? []), ...(c.alertUrgencyIds ?? [])];
  const one = c.propertyFieldValue ?? "";
  const vs = values(raw);
  const any = (f: (v: string) => boolean) => vs.some((v) => v !== undefined && f(v));
  let held: boolean;
  let expected: string;
  switch (t) {
    case "is_one_of":
      held = any((v) => list.includes(v));
      expected = JSON.stringify(list);
      break;
    case "is_not_one_of":
      held = !any((v) => list.includes(v));
      expected = JSON.stringify(list);
      break;
    case "contains":
      held = any((v) => v.includes(one));
      expected = JSON.stringify(one);
      break;
    case "does_not_contain":
      held = !any((v) => v.includes(one));
      expected = JSON.stringify(one);
      break;
    case "starts_with":
      held = any((v) => v.startsWith(one));
      expected = JSON.stringify(one);
      break;
    case "ends_with":
      held = any((v) => v.endsWith(one));
      expected = JSON.stringify(one);
      break;
    case "matches_regex": {
      const re = safeRegex(one);
      held = re !== undefined && any((v) => re.test(v));
      expected = `/${one}/`;
      break;
    }
    case "is_empty":
      held = isEmpty(raw);
      expected = "";
      break;
  }
  const shown = raw === undefined ? "(absent)" : JSON.stringify(raw);
  return { held, text: `${label} ${t}${expected ? ` ${expected}` : ""} -> ${held ? "holds" : "fails"} (alert has ${shown})` };
}

interface Positioned {
  rule: AlertRouteRule;
  position: number;
  index: number;
}

/** Rules by position (defaulting to list order, from 1); the fallback rule always last. */
export function sortRootlyRules(rules: AlertRouteRule[]): Positioned[] {
  const all = rules.map((rule, index) => ({ rule, index, position: rule.position ?? index + 1 }));
  const normal = all.filter((r) => !r.rule.fallbackRule).sort((a, b) => a.position - b.position || a.index - b.index);
  return [...normal, ...all.filter((r) => r.rule.fallbackRule)];
}

const destText = (r: AlertRouteRule) => r.destinations.map((d) => `${d.targetType} ${d.targetId}`);

/** Evaluates every route that applies to the alert's source: first matching rule by position wins, the fallback rule last. */
export function evaluateRootly(routes: Declared<AlertRouteArgs>[], alert: RootlyAlert): UnitResult[] {
  const out: UnitResult[] = [];
  for (const route of routes) {
    const a = route.args;
    if (alert.alertsSourceId !== undefined && !a.alertsSourceIds.includes(alert.alertsSourceId)) continue;
    const unit = `${JSON.stringify(a.name)}${route.resource ? ` (${route.resource})` : ""}`;
    if (a.enabled === false) {
      out.push({ vendor: "rootly", unit, trace: [], outcome: "none", matched: [], targets: ["nothing: the route is disabled"], targetIds: [], assumptions: ROOTLY_ASSUMPTIONS });
      continue;
    }
    out.push(evaluateRoute(unit, a.rules ?? [], alert));
  }
  return out;
}

function evaluateRoute(unit: string, rules: AlertRouteRule[], alert: RootlyAlert): UnitResult {
  const trace: RuleTrace[] = [];
  for (const { rule, position } of sortRootlyRules(rules)) {
    const label = `position ${position} ${JSON.stringify(rule.name)}${rule.fallbackRule ? " (fallback)" : ""}`;
    if (rule.fallbackRule) {
      trace.push({ label, name: rule.name, matched: true, reason: "matched: fallback rule (no earlier rule matched)", checks: [] });
      return { vendor: "rootly", unit, trace, outcome: "fallback", matched: [rule.name], targets: destText(rule), targetIds: rule.destinations.map((d) => d.targetId), assumptions: ROOTLY_ASSUMPTIONS };
    }
    const groups = rule.conditionGroups ?? [];
    const checks: Check[] = [];
    let hit = -1;
    groups.forEach((g, gi) => {
      const cs = g.conditions.map((c) => checkRootlyCondition(alert, c));
      checks.push(...cs.map((c) => ({ held: c.held, text: `group ${g.position ?? gi + 1}: ${c.text}` })));
      if (hit < 0 && cs.every((c) => c.held)) hit = gi;
    });
    const matched = hit >= 0;
    const reason = matched ? `matched: every condition of group ${groups[hit].position ?? hit + 1} holds` : groups.length === 0 ? "skipped: no condition groups" : "skipped: no condition group holds";
    trace.push({ label, name: rule.name, matched, reason, checks });
    if (matched) return { vendor: "rootly", unit, trace, outcome: "rule", matched: [rule.name], targets: destText(rule), targetIds: rule.destinations.map((d) => d.targetId), assumptions: ROOTLY_ASSUMPTIONS };
  }
  return { vendor: "rootly", unit, trace, outcome: "none", matched: [], targets: ["nothing: no rule matched and the route has no fallback rule"], targetIds: [], assumptions: ROOTLY_ASSUMPTIONS };
}

import type { FlashdutyRouteArgs as RouteArgs } from "../flashduty/route.types";
import { valueMatches } from "./flashduty-values";
import type { Check, Declared, FlashdutyAlert, RuleTrace, UnitResult } from "./types";

type Case = NonNullable<RouteArgs["cases"]>[number];
type Condition = Case["if"][number];

export const FLASHDUTY_ASSUMPTIONS = [
  "an absent field matches no value: IN fails and NOTIN holds (docs: `IN *` = field exists)",
  "exact values and wildcards compare case-sensitively; a wildcard covers the whole value",
  "`alert_severity` is read as `severity`; other keys than severity, title, description, data_source_id and labels.<name> are absent",
  "name_mapping: the channel named by the label is resolved by the vendor at alert time (pass channelNames to resolve it here)",
];

export interface FlashdutyOptions {
  /** Channel ids by name, to resolve `name_mapping` cases. */
  channelNames?: Record<string, number>;
}

export function fieldOf(alert: FlashdutyAlert, key: string): string | undefined {
  if (key === "severity" || key === "alert_severity") return alert.severity;
  if (key === "title" || key === "description") return alert[key];
  if (key === "data_source_id") return alert.data_source_id === undefined ? undefined : String(alert.data_source_id);
  if (key.startsWith("labels.")) return alert.labels?.[key.slice("labels.".length)];
  return undefined;
}

export function checkFlashdutyCondition(alert: FlashdutyAlert, c: Condition): Check {
  const value = fieldOf(alert, c.key);
  const hits = value === undefined ? [] : c.vals.filter((v) => valueMatches(v, value));
  const held = c.oper === "IN" ? hits.length > 0 : hits.length === 0;
  const why = hits.length ? `matched by ${hits.map((h) => JSON.stringify(h)).join(", ")}` : "no value matches";
  const shown = value === undefined ? "(absent)" : JSON.stringify(value);
  return { held, text: `${c.key} ${c.oper} ${JSON.stringify(c.vals)} -> ${held ? "holds" : "fails"} (alert has ${shown}; ${why})` };
}

/** The channels a matched case yields, or a reason it yields none. */
function caseTargets(alert: FlashdutyAlert, c: Case, opts: FlashdutyOptions): { ids: string[]; text: string[] } {
  if (c.routingMode !== "name_mapping") return { ids: (c.channelIds ?? []).map(String), text: (c.channelIds ?? []).map((id) => `channel ${id}`) };
  const label = c.nameMappingLabel ?? "";
  const name = fieldOf(alert, label);
  if (name === undefined || name === "") return { ids: [], text: [] };
  const known = opts.channelNames;
  if (known) {
    const id = known[name];
    return id === undefined ? { ids: [], text: [] } : { ids: [String(id)], text: [`channel ${id} (named ${JSON.stringify(name)} by ${label})`] };
  }
  return { ids: [`name:${name}`], text: [`the channel named ${JSON.stringify(name)} (from ${label}; resolved by Flashduty, assumed to exist)`] };
}

/** Evaluates each integration's route: cases top to bottom, fallthrough continues, the default when nothing yields a channel. */
export function evaluateFlashduty(routes: Declared<RouteArgs>[], alert: FlashdutyAlert, opts: FlashdutyOptions = {}): UnitResult[] {
  return routes.filter((r) => alert.integrationId === undefined || Number(r.args.integrationId) === Number(alert.integrationId)).map((r) => evaluateRoute(r, alert, opts));
}

function evaluateRoute(route: Declared<RouteArgs>, alert: FlashdutyAlert, opts: FlashdutyOptions): UnitResult {
  const a = route.args;
  const unit = `integration ${a.integrationId}${route.resource ? ` (${route.resource})` : ""}`;
  const trace: RuleTrace[] = [];
  const matched: string[] = [];
  const ids: string[] = [];
  const text: string[] = [];
  const cases = a.cases ?? [];
  for (const [i, c] of cases.entries()) {
    const checks = c.if.map((cond) => checkFlashdutyCondition(alert, cond));
    const ok = checks.every((ch) => ch.held);
    let reason = ok ? "matched: every condition holds" : "skipped: a condition fails";
    if (ok) {
      const t = caseTargets(alert, c, opts);
      matched.push(String(i));
      for (const [k, id] of t.ids.entries()) {
        if (!ids.includes(id)) {
          ids.push(id);
          text.push(t.text[k]);
        }
      }
      if (t.ids.length === 0) reason = `matched, but yields no channel (name_mapping label ${c.nameMappingLabel} names no known channel)`;
      if (c.fallthrough) reason += "; fallthrough: evaluation continues";
    }
    trace.push({ label: `case ${i}`, name: String(i), matched: ok, reason, checks });
    if (ok && !c.fallthrough) break;
  }
  const base = { vendor: "flashduty" as const, unit, trace, matched, assumptions: FLASHDUTY_ASSUMPTIONS };
  if (ids.length > 0) return { ...base, outcome: "rule", targets: text, targetIds: ids };
  const def = a.default?.channelIds ?? [];
  if (def.length > 0) return { ...base, outcome: "default", targets: def.map((id) => `default channel ${id}`), targetIds: def.map(String) };
  return { ...base, outcome: "none", targets: ["nothing: no case yields a channel and there is no default (the alert is discarded)"], targetIds: [] };
}

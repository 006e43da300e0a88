// The impact of a routing change on a corpus of alerts: each alert is simulated against the
// routing before and after, unit by unit (Opsgenie team, Rootly route, Flashduty integration),
// and the differences are grouped by where the alert went before and where it goes now.
import { simulate, type SimulateOptions } from "../simulator/simulate";
import type { Routing, SimAlert, UnitResult, Vendor } from "../simulator/types";

/** One alert of the corpus; `at` (ISO time) is when it fired, for Opsgenie time restrictions. */
export type CorpusAlert = SimAlert & { at?: string };

export interface ImpactGroup {
  vendor: Vendor;
  unit: string;
  /** Where the alert went: `"<rule> -> <targets>"`, or `nobody`. */
  from: string;
  to: string;
  count: number;
  /** The first alert of the corpus in this group. */
  sample: CorpusAlert;
}

export interface ImpactReport {
  total: number;
  unchanged: number;
  changed: number;
  /** Alerts that reached someone before and reach no one now. */
  nowUnrouted: number;
  /** Alerts that reached no one before and reach someone now. */
  nowRouted: number;
  /** Changed destinations, grouped; groups whose alert now reaches nobody first, then by count. */
  groups: ImpactGroup[];
}

export const NOBODY = "nobody";

/** True when this unit's evaluation notifies no one (no target, or Opsgenie `notify: none`). */
export function reachesNobody(u: UnitResult | undefined): boolean {
  if (!u) return true;
  if (u.targetIds.length === 0) return true;
  return u.vendor === "opsgenie" && u.outcome === "rule" && u.targetIds.length === 1 && u.targetIds[0] === "none" && /^none\b/.test(u.targets[0] ?? "");
}

/** Where one unit sent the alert, as one line: the rule, then its targets. */
export function destination(u: UnitResult | undefined): string {
  if (!u || reachesNobody(u)) return NOBODY;
  const targets = u.targets.map((t) => t.replace(/"/g, "")).join(", ");
  if (u.outcome === "default") return u.vendor === "opsgenie" ? "default rule -> the team's default routing rule" : `default -> ${targets.replace(/^default /, "")}`;
  const rule = u.vendor === "flashduty" ? u.matched.map((m) => `case ${m}`).join(" + ") : u.matched.join(" + ");
  return `${u.outcome === "fallback" ? "fallback " : ""}${rule} -> ${targets}`;
}

// A Rootly route or Flashduty integration is the same unit before and after even when its Pulumi
// resource was renamed (the simulator appends the resource name in parentheses).
const unitKey = (u: { vendor: Vendor; unit: string }) => `${u.vendor}\u0000${u.vendor === "opsgenie" ? u.unit : u.unit.replace(/ \([^()]*\)$/, "")}`;

export function impact(before: Routing, after: Routing, alerts: CorpusAlert[], opts: SimulateOptions = {}): ImpactReport {
  const groups = new Map<string, ImpactGroup>();
  let unchanged = 0;
  let nowUnrouted = 0;
  let nowRouted = 0;
  for (const alert of alerts) {
    const o: SimulateOptions = { ...opts, ...(alert.at ? { at: alert.at } : {}) };
    const a = simulate(before, alert, o).units;
    const b = simulate(after, alert, o).units;
    const ua = new Map(a.map((u) => [unitKey(u), u]));
    const ub = new Map(b.map((u) => [unitKey(u), u]));
    const reached = (us: UnitResult[]) => us.some((u) => !reachesNobody(u));
    let differs = false;
    for (const k of new Set([...ua.keys(), ...ub.keys()])) {
      const from = destination(ua.get(k));
      const to = destination(ub.get(k));
      if (from === to) continue;
      differs = true;
      const u = (ub.get(k) ?? ua.get(k)) as UnitResult;
      const gk = `${k}\u0000${from}\u0000${to}`;
      const g = groups.get(gk);
      if (g) g.count++;
      else groups.set(gk, { vendor: u.vendor, unit: u.unit, from, to, count: 1, sample: alert });
    }
    if (!differs) unchanged++;
    const wasReached = reached(a);
    const isReached = reached(b);
    if (wasReached && !isReached) nowUnrouted++;
    if (!wasReached && isReached) nowRouted++;
  }
  const sorted = [...groups.values()].sort((x, y) => Number(y.to === NOBODY) - Number(x.to === NOBODY) || y.count - x.count);
  return { total: alerts.length, unchanged, changed: alerts.length - unchanged, nowUnrouted, nowRouted, groups: sorted };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

/** The report as a PR comment: counts, alerts that would now reach nobody first, then every change. */
export function impactMarkdown(r: ImpactReport): string {
  const lines = ["### Routing impact", "", `${plural(r.total, "alert")} replayed: ${r.unchanged} unchanged, ${r.changed} changed, **${r.nowUnrouted} now reach nobody**, ${r.nowRouted} now reach someone.`];
  const lost = r.groups.filter((g) => g.to === NOBODY);
  if (lost.length) {
    lines.push("", "#### Now reaching nobody", "");
    for (const g of lost) lines.push(`- ${plural(g.count, "alert")} at ${g.vendor} ${cell(g.unit)} (was: ${cell(g.from)}), e.g. \`${JSON.stringify(g.sample).slice(0, 200)}\``);
  }
  if (r.groups.length) {
    lines.push("", "| vendor | unit | from | to | alerts |", "|---|---|---|---|---|");
    for (const g of r.groups) lines.push(`| ${g.vendor} | ${cell(g.unit)} | ${cell(g.from)} | ${g.to === NOBODY ? "**nobody**" : cell(g.to)} | ${g.count} |`);
  } else lines.push("", "No alert changes destination.");
  return `${lines.join("\n")}\n`;
}

/** Plain text for a terminal. */
export function impactText(r: ImpactReport): string {
  const lines = [`${plural(r.total, "alert")}: ${r.unchanged} unchanged, ${r.changed} changed, ${r.nowUnrouted} now reach nobody, ${r.nowRouted} now reach someone`];
  for (const g of r.groups) lines.push(`  ${String(g.count).padStart(6)}  ${g.vendor} ${g.unit}: ${g.from}  ->  ${g.to === NOBODY ? "NOBODY" : g.to}`);
  return `${lines.join("\n")}\n`;
}

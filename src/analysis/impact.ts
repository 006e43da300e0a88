// The impact of a routing change on a corpus of alerts: each alert is simulated against the
// routing before and after, unit by unit (Opsgenie team, Rootly route, Flashduty integration),
// and the differences are grouped by where the alert went before and where it goes now.
import { compileRouting, type CompiledRouting, type SimulateOptions } from "../simulator/simulate";
import type { FastUnit, Routing, SimAlert, UnitResult, Vendor } from "../simulator/types";

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

/**
 * One side of the comparison, compiled once: each alert's decision per unit comes from the
 * many-alerts path, and its text (`destination()`) from the explaining path only once per
 * distinct unit result. A result the fast path shares between alerts (the same rule, default
 * or fallback) is looked up by identity, any other by its fields; only a result not seen before
 * explains its alert (that vendor's part of it).
 */
class Side {
  private readonly compiled: CompiledRouting;
  private readonly byUnit = new Map<FastUnit, Entry>();
  private readonly byKey = new Map<string, string>();
  /** Flashduty integrations with a name_mapping case: their text names the alert's label value, so equal fields do not mean equal text. */
  private readonly named: Set<string>;

  constructor(
    routing: Routing,
    opts: SimulateOptions,
    private readonly slotOf: (u: FastUnit) => number,
  ) {
    this.compiled = compileRouting(routing, opts);
    this.named = new Set((routing.flashduty ?? []).filter((r) => r.args.cases?.some((c) => c.routingMode === "name_mapping")).map((r) => `integration ${r.args.integrationId}${r.resource ? ` (${r.resource})` : ""}`));
  }

  /** The alert's units, in the simulator's order. */
  units(alert: CorpusAlert, at: string | undefined): FastUnit[] {
    return this.compiled.simulate(alert, at).units;
  }

  /** Unit `i` of `units` (this alert's): its number and where it sends the alert. */
  entry(alert: CorpusAlert, at: string | undefined, units: FastUnit[], i: number): Entry {
    const u = units[i];
    const known = this.byUnit.get(u);
    if (known !== undefined) return known;
    // A shared (frozen) result is explained once for itself: two rules may have equal fields and
    // different text (the same name and target name, another target type). A result made for one
    // alert (Flashduty's matched cases) is looked up by its fields, whose text they determine
    // (`channel <id>`), except where a case names its channel from the alert.
    const shared = Object.isFrozen(u);
    const key = shared || (u.vendor === "flashduty" && this.named.has(u.unit)) ? undefined : fastKey(u);
    let to = key === undefined ? undefined : this.byKey.get(key);
    if (to === undefined) {
      // The vendor's units come one after another, in the same order on both paths.
      let first = i;
      while (first > 0 && units[first - 1].vendor === u.vendor) first--;
      const e = this.compiled.explainUnit(alert, u.vendor, i - first, at);
      // The two paths decide alike (the simulator's tests check it); the text is taken from the same unit.
      if (!e || e.vendor !== u.vendor || e.unit !== u.unit || e.outcome !== u.outcome) throw new Error(`impact: the simulator's two paths disagree on ${u.vendor} ${u.unit}`);
      to = destination(e);
      if (key !== undefined) this.byKey.set(key, to);
    }
    const entry = { slot: this.slotOf(u), to };
    // A shared result stands for one rule, default or fallback: the same text for every alert.
    if (shared) this.byUnit.set(u, entry);
    return entry;
  }
}

interface Entry {
  /** The unit's number (by unitKey, the same on both sides). */
  slot: number;
  /** destination(): `nobody` exactly when the unit reaches nobody. */
  to: string;
}

const fastKey = (u: FastUnit) => JSON.stringify([u.vendor, u.unit, u.outcome, u.matched, u.targetIds, u.cannotEvaluate ?? null]);

export function impact(before: Routing, after: Routing, alerts: CorpusAlert[], opts: SimulateOptions = {}): ImpactReport {
  // Groups by unit, then from, then to; `order` keeps them in the order first seen.
  const groups: Map<string, Map<string, ImpactGroup>>[] = [];
  const order: ImpactGroup[] = [];
  let unchanged = 0;
  let nowUnrouted = 0;
  let nowRouted = 0;
  // Units by unitKey, numbered once: per alert, each side's destination and unit by number.
  const slots = new Map<string, number>();
  const unitSlot: Record<Vendor, Map<string, number>> = { opsgenie: new Map(), rootly: new Map(), flashduty: new Map() };
  const slotOf = (u: FastUnit) => {
    let n = unitSlot[u.vendor].get(u.unit);
    if (n === undefined) {
      const k = unitKey(u);
      n = slots.get(k);
      if (n === undefined) slots.set(k, (n = slots.size));
      unitSlot[u.vendor].set(u.unit, n);
    }
    return n;
  };
  const sides = [new Side(before, opts, slotOf), new Side(after, opts, slotOf)];
  const to: [string[], string[]] = [[], []];
  const unitAt: [FastUnit[], FastUnit[]] = [[], []];
  const stamp: [number[], number[]] = [[], []];
  const touched: number[] = [];
  let epoch = 0;
  for (const alert of alerts) {
    epoch++;
    touched.length = 0;
    const at = alert.at || undefined;
    const reached = [false, false];
    for (let s = 0; s < 2; s++) {
      const side = sides[s];
      const units = side.units(alert, at);
      for (let i = 0; i < units.length; i++) {
        const { slot: n, to: d } = side.entry(alert, at, units, i);
        if (d !== NOBODY) reached[s] = true;
        if (stamp[0][n] !== epoch && stamp[1][n] !== epoch) touched.push(n);
        stamp[s][n] = epoch;
        to[s][n] = d;
        unitAt[s][n] = units[i];
      }
    }
    let differs = false;
    for (const n of touched) {
      const from = stamp[0][n] === epoch ? to[0][n] : NOBODY;
      const now = stamp[1][n] === epoch ? to[1][n] : NOBODY;
      if (from === now) continue;
      differs = true;
      const u = stamp[1][n] === epoch ? unitAt[1][n] : unitAt[0][n];
      const byFrom = (groups[n] ??= new Map());
      let byTo = byFrom.get(from);
      if (!byTo) byFrom.set(from, (byTo = new Map()));
      const g = byTo.get(now);
      if (g) g.count++;
      else {
        const created: ImpactGroup = { vendor: u.vendor, unit: u.unit, from, to: now, count: 1, sample: alert };
        byTo.set(now, created);
        order.push(created);
      }
    }
    if (!differs) unchanged++;
    if (reached[0] && !reached[1]) nowUnrouted++;
    if (!reached[0] && reached[1]) nowRouted++;
  }
  const sorted = order.sort((x, y) => Number(y.to === NOBODY) - Number(x.to === NOBODY) || y.count - x.count);
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

import { FlashdutyEvaluator, type FlashdutyOptions } from "./flashduty";
import { OpsgenieEvaluator, type OpsgenieOptions } from "./opsgenie";
import { RootlyEvaluator } from "./rootly";
import type { FastUnit, Routing, SimAlert, SimResult, UnitResult, Vendor } from "./types";

export interface SimulateOptions extends OpsgenieOptions, FlashdutyOptions {
  /** When the alert happens (Opsgenie time restrictions). Default: now. */
  at?: Date | string;
  /** Only these vendors. Default: every vendor the alert has a shape for. */
  vendors?: Vendor[];
}

export function parseAt(at: Date | string | undefined): Date {
  if (at === undefined) return new Date();
  const d = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new Error(`not a time: ${String(at)} (use ISO 8601, e.g. 2026-11-25T10:00:00+01:00)`);
  return d;
}

/** What `CompiledRouting.simulate` returns: the decision per unit, no explanation text. */
export interface FastResult {
  units: FastUnit[];
  /** Vendors with an alert but no declared routing. */
  notDeclared: Vendor[];
}

/** A routing compiled once (conditions as closures, every pattern compiled), for many alerts. */
export interface CompiledRouting {
  /** Where the alert goes, per unit; cheap (no explanation strings). */
  simulate(alert: SimAlert, at?: Date | string): FastResult;
  /** The full result with its explanation trace (what `simulate()` returns); `explain(result)` renders it. */
  explain(alert: SimAlert, at?: Date | string): SimResult;
  /**
   * The explanation of one unit: the `index`-th of `vendor`'s units in `simulate(alert, at)`'s
   * result (they come in the same order as `explain`'s), without explaining the others.
   */
  explainUnit(alert: SimAlert, vendor: Vendor, index: number, at?: Date | string): UnitResult | undefined;
}

/** Compiles `routing` once; `opts` as for `simulate()` (its `at` is the default time). */
export function compileRouting(routing: Partial<Routing>, opts: SimulateOptions = {}): CompiledRouting {
  const og = new OpsgenieEvaluator(routing.opsgenie ?? [], opts);
  const ro = new RootlyEvaluator(routing.rootly ?? []);
  const fd = new FlashdutyEvaluator(routing.flashduty ?? [], opts);
  const counts: Record<Vendor, number> = { opsgenie: routing.opsgenie?.length ?? 0, rootly: routing.rootly?.length ?? 0, flashduty: routing.flashduty?.length ?? 0 };
  const vendors = opts.vendors;
  const want = (alert: SimAlert, v: Vendor) => alert[v] !== undefined && (!vendors || vendors.includes(v));
  const defaultAt = opts.at;
  function run<U>(alert: SimAlert, parts: { opsgenie: (a: NonNullable<SimAlert["opsgenie"]>) => U[]; rootly: (a: NonNullable<SimAlert["rootly"]>) => U[]; flashduty: (a: NonNullable<SimAlert["flashduty"]>) => U[] }) {
    const units: U[] = [];
    const notDeclared: Vendor[] = [];
    for (const v of ["opsgenie", "rootly", "flashduty"] as const) {
      if (!want(alert, v)) continue;
      if (counts[v] === 0) notDeclared.push(v);
      const got = v === "opsgenie" ? parts.opsgenie(alert.opsgenie!) : v === "rootly" ? parts.rootly(alert.rootly!) : parts.flashduty(alert.flashduty!);
      for (let i = 0; i < got.length; i++) units.push(got[i]);
    }
    return { units, notDeclared };
  }
  // Made once, not per alert: `simulate` is the many-alerts path.
  let fastAt = new Date();
  const fastParts = { opsgenie: (a: NonNullable<SimAlert["opsgenie"]>) => og.fast(a, fastAt), rootly: (a: NonNullable<SimAlert["rootly"]>) => ro.fast(a), flashduty: (a: NonNullable<SimAlert["flashduty"]>) => fd.fast(a) };
  return {
    simulate(alert, at) {
      fastAt = parseAt(at ?? defaultAt);
      return run<FastUnit>(alert, fastParts);
    },
    explain(alert, at) {
      const when = parseAt(at ?? defaultAt);
      return { at: when, ...run<UnitResult>(alert, { opsgenie: (a) => og.explain(a, when), rootly: (a) => ro.explain(a), flashduty: (a) => fd.explain(a) }) };
    },
    explainUnit(alert, vendor, index, at) {
      if (!want(alert, vendor)) return undefined;
      const when = parseAt(at ?? defaultAt);
      return (vendor === "opsgenie" ? og.explain(alert.opsgenie!, when, index) : vendor === "rootly" ? ro.explain(alert.rootly!, index) : fd.explain(alert.flashduty!, index))[0];
    },
  };
}

/** Where the alert would go, per vendor, from the declared routing alone (offline). For many alerts, `compileRouting` once. */
export function simulate(routing: Partial<Routing>, alert: SimAlert, opts: SimulateOptions = {}): SimResult {
  return compileRouting(routing, opts).explain(alert);
}

/** True when some declared rule or case (not a default or fallback) took the alert. */
export function hasRealMatch(r: SimResult | FastResult): boolean {
  return r.units.some((u) => u.outcome === "rule");
}

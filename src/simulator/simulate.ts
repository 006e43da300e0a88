import { evaluateFlashduty, type FlashdutyOptions } from "./flashduty";
import { evaluateOpsgenie, type OpsgenieOptions } from "./opsgenie";
import { evaluateRootly } from "./rootly";
import type { Routing, SimAlert, SimResult, UnitResult, Vendor } from "./types";

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

/** Where the alert would go, per vendor, from the declared routing alone (offline). */
export function simulate(routing: Partial<Routing>, alert: SimAlert, opts: SimulateOptions = {}): SimResult {
  const at = parseAt(opts.at);
  const want = (v: Vendor) => alert[v] !== undefined && (!opts.vendors || opts.vendors.includes(v));
  const units: UnitResult[] = [];
  const notDeclared: Vendor[] = [];
  const note = (v: Vendor, n: number) => {
    if (n === 0) notDeclared.push(v);
  };
  if (want("opsgenie") && alert.opsgenie) {
    note("opsgenie", routing.opsgenie?.length ?? 0);
    units.push(...evaluateOpsgenie(routing.opsgenie ?? [], alert.opsgenie, at, opts));
  }
  if (want("rootly") && alert.rootly) {
    note("rootly", routing.rootly?.length ?? 0);
    units.push(...evaluateRootly(routing.rootly ?? [], alert.rootly));
  }
  if (want("flashduty") && alert.flashduty) {
    note("flashduty", routing.flashduty?.length ?? 0);
    units.push(...evaluateFlashduty(routing.flashduty ?? [], alert.flashduty, opts));
  }
  return { at, units, notDeclared };
}

/** True when some declared rule or case (not a default or fallback) took the alert. */
export function hasRealMatch(r: SimResult): boolean {
  return r.units.some((u) => u.outcome === "rule");
}

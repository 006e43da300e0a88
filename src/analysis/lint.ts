// Static findings over the declared routing: dead rules, catch-alls, time windows that never hold,
// coverage gaps. The analysis is being filled in; the types below are the stable contract.
import type { Routing, Vendor } from "../simulator/types";

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
  /** The week analysed starts at the monday before `at` (and DST changes in the year after it). Default: now. */
  at?: Date;
}

export function lintRouting(routing: Routing, opts: LintOptions = {}): Finding[] {
  void routing;
  void opts;
  return [];
}

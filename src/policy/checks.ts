// The checks behind the stack policies, pure: a stack's routing in, violations and
// "not checked" notes out. A check whose answer depends on a value the engine does
// not know yet (preview) is never reported as passing: it becomes a note.
import { lintRouting, SEVERITY_RANK, type FindingKind, type Severity } from "../analysis/lint";
import { explain } from "../simulator/explain";
import { expectAlert } from "../simulator/expect";
import { simulate, type SimulateOptions } from "../simulator/simulate";
import { VENDORS, type UnitResult, type Vendor } from "../simulator/types";
import type { CorpusAlert, ExpectationCase } from "./files";
import { blockingUnknowns, describeUnknowns, type StackRouting } from "./stack";

export interface Finding {
  message: string;
  /** Pulumi names of the resources concerned (the first one carries the violation). */
  resources: string[];
  /** Reported as advisory whatever the policy's level (a lint warning below `failOn`). */
  advisory?: boolean;
}

export interface CheckResult {
  violations: Finding[];
  notChecked: Finding[];
}

/** Simulator settings the policies pass through. */
export interface SimulationSettings {
  /** Opsgenie account timezone for rules without one. Default UTC. */
  accountTimezone?: string;
  /** Flashduty channel ids by name, for `name_mapping` cases. */
  channelNames?: Record<string, number>;
}

const VENDOR_NAMES: Record<Vendor, string> = { opsgenie: "Opsgenie", rootly: "Rootly", flashduty: "Flashduty" };

const indent = (text: string) => text.replace(/^/gm, "    ");

function unknownNote(what: string, s: StackRouting, vendor: Vendor): Finding {
  const us = blockingUnknowns(s, vendor);
  return {
    message: `not checked: ${what}: ${VENDOR_NAMES[vendor]} routing has values unknown until the update runs: ${describeUnknowns(us)}`,
    resources: [...new Set(us.map((u) => u.resource))],
  };
}

/** The vendors whose part of the checks cannot run because which rule matches is unknown. */
const blocked = (s: StackRouting, v: Vendor) => blockingUnknowns(s, v).length > 0;

export interface LintSettings {
  /** The least severity reported. Default "warning". */
  minSeverity?: Severity;
  /** The least severity reported at the policy's enforcement level; less severe findings are advisory. Default "error". */
  failOn?: Severity;
  /** Finding kinds not reported, e.g. ["coverage-gap"]. */
  ignoreKinds?: FindingKind[];
  /** Opsgenie account timezone for rules without one. Default UTC. */
  accountTimezone?: string;
  /** The year analysed for time restrictions starts here. Default now. */
  now?: Date;
}

/**
 * The lint findings (`alert-routing lint`) over the declared routing, one violation each on the
 * finding's first resource; a vendor whose matching values are unknown is not analysed (its
 * findings could be wrong either way), only noted.
 */
export function checkLint(s: StackRouting, settings: LintSettings = {}): CheckResult {
  const out: CheckResult = { violations: [], notChecked: [] };
  const known = { ...s.routing };
  for (const vendor of VENDORS) {
    if (s.routing[vendor].length === 0 || !blocked(s, vendor)) continue;
    out.notChecked.push(unknownNote("lint", s, vendor));
    known[vendor] = [];
  }
  const least = SEVERITY_RANK[settings.minSeverity ?? "warning"];
  const fails = SEVERITY_RANK[settings.failOn ?? "error"];
  const ignored = new Set(settings.ignoreKinds ?? []);
  for (const f of lintRouting(known, { accountTimezone: settings.accountTimezone, at: settings.now })) {
    if (SEVERITY_RANK[f.severity] < least || ignored.has(f.kind)) continue;
    const subject = f.rules.length ? ` rule ${JSON.stringify(f.rules[0])}` : "";
    const windows = f.windows?.length ? ` (during ${f.windows.map((w) => `${w.from} - ${w.to} ${w.timezone}`).join(", ")})` : "";
    out.violations.push({ message: `${f.kind} (${f.severity}): ${VENDOR_NAMES[f.vendor]} ${f.unit}${subject}: ${f.why}${windows}`, resources: f.resources, ...(SEVERITY_RANK[f.severity] < fails ? { advisory: true } : {}) });
  }
  return out;
}

/** Every expectation against the declared routing; a vendor with unknown routing is not checked. */
export function checkExpectations(s: StackRouting, cases: readonly ExpectationCase[], settings: SimulationSettings = {}): CheckResult {
  const out: CheckResult = { violations: [], notChecked: [] };
  cases.forEach((c, i) => {
    const label = `expectation ${JSON.stringify(c.name ?? `#${i + 1}`)}`;
    for (const vendor of VENDORS) {
      const want = c.routesTo[vendor];
      if (want === undefined) continue;
      if (blocked(s, vendor)) {
        out.notChecked.push(unknownNote(label, s, vendor));
        continue;
      }
      const opts: SimulateOptions = { ...settings, at: c.at, vendors: [vendor] };
      try {
        expectAlert(c.alert, s.routing, opts).routesTo({ [vendor]: want });
      } catch (e) {
        const text = e instanceof Error ? e.message : String(e);
        // routesTo's message: a header line, the failed checks, a blank line, the explanation.
        const failed = text.split("\n\n")[0].split("\n").slice(1).map((l) => l.trim());
        const result = simulate(s.routing, c.alert, opts);
        out.violations.push({
          message: `${label} failed: ${failed.join("; ")}\n${indent(explain(result, { assumptions: false }))}`,
          resources: resourcesOf(s, result.units),
        });
      }
    }
  });
  return out;
}

/** Whether the unit hands the alert to someone (Opsgenie's undeclared default rule counts). */
export function reachesSomeone(u: UnitResult): boolean {
  if (u.outcome === "none" || u.targetIds.length === 0) return false;
  return !(u.vendor === "opsgenie" && u.outcome === "rule" && u.targetIds.every((t) => t === "none"));
}

/**
 * Every corpus alert, at each of its times, must reach someone in each vendor whose part it
 * has and whose routing the stack declares: some evaluated team/route/integration delivers it.
 */
export function checkCorpus(s: StackRouting, alerts: readonly CorpusAlert[], settings: SimulationSettings & { at?: readonly string[]; now?: Date } = {}): CheckResult {
  const out: CheckResult = { violations: [], notChecked: [] };
  alerts.forEach((a, i) => {
    const label = `corpus alert ${JSON.stringify(a.name ?? `#${i + 1}`)}`;
    const times: (string | Date)[] = a.at === undefined ? (settings.at?.length ? [...settings.at] : [settings.now ?? new Date()]) : Array.isArray(a.at) ? a.at : [a.at];
    const vendors = VENDORS.filter((v) => a.alert[v] !== undefined);
    const declared = vendors.filter((v) => s.routing[v].length > 0);
    if (declared.length === 0) {
      out.notChecked.push({ message: `not checked: ${label}: the stack declares no ${vendors.map((v) => VENDOR_NAMES[v]).join(" or ")} routing`, resources: [] });
      return;
    }
    for (const vendor of declared) {
      if (blocked(s, vendor)) {
        out.notChecked.push(unknownNote(label, s, vendor));
        continue;
      }
      for (const at of times) {
        const result = simulate(s.routing, a.alert, { ...settings, at, vendors: [vendor] });
        if (result.units.some(reachesSomeone)) continue;
        const why = result.units.length === 0 ? `no declared ${VENDOR_NAMES[vendor]} routing takes it` : `it reaches nobody in ${VENDOR_NAMES[vendor]}`;
        out.violations.push({
          message: `${label} at ${result.at.toISOString()}: ${why}\n${indent(explain(result, { assumptions: false }))}`,
          resources: resourcesOf(s, result.units),
        });
      }
    }
  });
  return out;
}

/** The declared resources an evaluation went through, by the names its trace shows. */
function resourcesOf(s: StackRouting, units: readonly UnitResult[]): string[] {
  const names = [...s.urns.keys()];
  const text = units.map((u) => [u.unit, ...u.trace.map((t) => t.label)].join("\n")).join("\n");
  return names.filter((n) => text.includes(`(${n})`));
}

import { explain } from "./explain";
import { assertAlertKeys, assertKnownKeys, EXPECTATION_KEYS, OPTION_KEYS } from "./keys";
import { simulate, type SimulateOptions } from "./simulate";
import { VENDORS, type Routing, type SimAlert, type SimResult, type UnitResult, type Vendor } from "./types";

/**
 * What one vendor should do with the alert. A string is the matched rule's
 * name (Opsgenie, Rootly), or for Flashduty the matched case index; "default"
 * means the team's default rule / the integration's default channels, and
 * "none" that nothing takes the alert.
 */
export type VendorExpectation =
  | string
  | {
      /** Opsgenie team (name or id), Rootly route name, or Flashduty integration id: which unit, when several are evaluated. */
      unit?: string | number;
      /** Matched rule name, or "default" / "fallback" / "none". */
      rule?: string;
      /** Flashduty: the indexes of the cases that matched, in order. */
      cases?: number[];
      /** Targets that must all be among the result's (escalation/schedule id or name, destination ids, channel ids). */
      targets?: (string | number)[];
    };

export type RoutingExpectation = Partial<Record<Vendor, VendorExpectation>>;

function unitMatches(u: UnitResult, unit: string | number): boolean {
  const want = String(unit).toLowerCase();
  const name = u.unit.toLowerCase();
  // By team/route name, integration id, or the Pulumi resource name shown in parentheses.
  return name === want || name.startsWith(`${want} (`) || name.startsWith(`"${want}"`) || name === `integration ${want}` || name.startsWith(`integration ${want} (`) || name.endsWith(`(${want})`);
}

function problems(result: SimResult, vendor: Vendor, exp: VendorExpectation): string[] {
  const e = typeof exp === "string" ? { rule: exp } : exp;
  let units = result.units.filter((u) => u.vendor === vendor);
  if (e.unit !== undefined) {
    const want = String(e.unit).toLowerCase();
    // An exact name wins: "Ops" is the default account's team even beside "Ops (account jsm)".
    const exact = units.filter((u) => u.unit.toLowerCase() === want);
    units = exact.length ? exact : units.filter((u) => unitMatches(u, e.unit as string | number));
  }
  if (units.length === 0) return [`${vendor}: no evaluated ${vendor} routing${e.unit !== undefined ? ` for ${e.unit}` : ""}`];
  if (units.length > 1) return [`${vendor}: ${units.length} units were evaluated (${units.map((u) => u.unit).join(", ")}); say which with { unit }`];
  const u = units[0];
  // Nothing can be asserted about a unit whose deciding rule could not be evaluated.
  if (u.outcome === "cannot-evaluate") return [`${vendor}: cannot evaluate ${u.unit}: ${(u.cannotEvaluate ?? []).join("; ")}`];
  const out: string[] = [];
  if (e.rule !== undefined) {
    const r = e.rule;
    const ok =
      r === "default" ? u.outcome === "default" : r === "none" ? u.outcome === "none" : r === "fallback" ? u.outcome === "fallback" : u.outcome !== "default" && u.outcome !== "none" && u.matched.includes(r);
    if (!ok) out.push(`${vendor}: expected ${JSON.stringify(r)}, got ${u.outcome === "rule" || u.outcome === "fallback" ? JSON.stringify(u.matched.join(", ")) : u.outcome}`);
  }
  if (e.cases !== undefined && e.cases.join(",") !== u.matched.join(",")) out.push(`${vendor}: expected cases [${e.cases.join(", ")}] to match, got [${u.matched.join(", ")}]`);
  for (const t of e.targets ?? []) if (!u.targetIds.includes(String(t))) out.push(`${vendor}: expected target ${JSON.stringify(String(t))} among [${u.targetIds.join(", ")}]`);
  return out;
}

/** A fluent expectation that throws an Error carrying the whole explanation when it does not hold (any test runner). */
export class AlertExpectation {
  private opts: SimulateOptions;
  constructor(
    private readonly routing: Partial<Routing>,
    private readonly alert: SimAlert,
    opts: SimulateOptions = {},
  ) {
    assertAlertKeys(alert);
    assertKnownKeys(opts, OPTION_KEYS, "simulate options");
    this.opts = { ...opts };
  }

  /** When the alert fires (ISO 8601 or a Date); matters for Opsgenie time restrictions. */
  at(time: Date | string): this {
    this.opts.at = time;
    return this;
  }

  /** The full simulation result, for custom assertions. */
  result(): SimResult {
    return simulate(this.routing, this.alert, this.opts);
  }

  /** Asserts where each named vendor routes the alert; returns the result. */
  routesTo(expected: RoutingExpectation): SimResult {
    assertKnownKeys(expected, VENDORS, "routesTo");
    for (const [v, e] of Object.entries(expected)) {
      if (typeof e === "object" && e !== null) assertKnownKeys(e, EXPECTATION_KEYS, `routesTo.${v}`);
      else if (typeof e !== "string") throw new TypeError(`routesTo.${v} must be a rule name or { ${EXPECTATION_KEYS.join(", ")} }, got ${JSON.stringify(e)}`);
    }
    const result = this.result();
    const failed = (Object.entries(expected) as [Vendor, VendorExpectation][]).flatMap(([v, e]) => problems(result, v, e));
    if (failed.length) throw new Error(`routing expectation failed:\n  ${failed.join("\n  ")}\n\n${explain(result)}`);
    return result;
  }

  /** Asserts that a declared rule or case (not a default or fallback) takes the alert, for every vendor evaluated. */
  matchesARule(): SimResult {
    const result = this.result();
    const loose = result.units.filter((u) => u.outcome !== "rule");
    if (loose.length || result.units.length === 0)
      throw new Error(`expected a declared rule to match, but ${loose.map((u) => `${u.vendor} ${u.unit} -> ${u.outcome}`).join(", ") || "no routing was evaluated"}\n\n${explain(result)}`);
    return result;
  }
}

/** Binds assertions to a routing: `const expectAlert = expectAlertsFor(routing); expectAlert(alert).at(t).routesTo({...})`. */
export function expectAlertsFor(routing: Partial<Routing>, opts: SimulateOptions = {}): (alert: SimAlert) => AlertExpectation {
  assertKnownKeys(opts, OPTION_KEYS, "expectAlertsFor options");
  return (alert) => new AlertExpectation(routing, alert, opts);
}

/** One-off form: `expectAlert(alert, routing).at(t).routesTo({...})`. */
export function expectAlert(alert: SimAlert, routing: Partial<Routing>, opts: SimulateOptions = {}): AlertExpectation {
  return new AlertExpectation(routing, alert, opts);
}

import { expect } from "vitest";
import { compileRouting, type SimulateOptions } from "../../../src/simulator";
import type { FastUnit, Routing, SimAlert, SimResult } from "../../../src/simulator/types";

const decision = (u: FastUnit) => ({ unit: u.unit, outcome: u.outcome, matched: u.matched, targetIds: u.targetIds, cannotEvaluate: u.cannotEvaluate });

/**
 * `simulate()` for the tables, through both compiled paths: the many-alerts
 * path (guards, memoized patterns, no text) must decide exactly as the
 * explaining one for every case. Returns the explained result.
 */
export function simulate(routing: Partial<Routing>, alert: SimAlert, opts: SimulateOptions = {}): SimResult {
  const compiled = compileRouting(routing, opts);
  const full = compiled.explain(alert);
  expect(compiled.simulate(alert).units.map(decision)).toEqual(full.units.map(decision));
  return full;
}

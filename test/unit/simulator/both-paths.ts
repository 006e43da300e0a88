import { expect } from "vitest";
import { compileRouting, type SimulateOptions } from "../../../src/simulator";
import type { FastUnit, Routing, SimAlert, SimResult, UnitResult } from "../../../src/simulator/types";

/** What a unit decided (not its explanation text): the fields both paths must agree on. */
export const decision = (u: FastUnit | UnitResult) => ({ vendor: u.vendor, unit: u.unit, outcome: u.outcome, matched: u.matched, targetIds: u.targetIds, cannotEvaluate: u.cannotEvaluate });

/** A small deterministic PRNG (mulberry32, as the bench uses), so a seed replays a corpus. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


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

// Opsgenie's team routing rules, simulated: conditions (conditions.ts), the compiled
// teams and shared criteria (compiled.ts), their guards (index-guards.ts), the
// many-alerts path (bulk.ts) and the explained evaluation (evaluator.ts).
export { checkCondition } from "./conditions";
export { sortRules, teamOf } from "./compiled";
export { evaluateOpsgenie, OPSGENIE_ASSUMPTIONS, opsgenieAssumptions, OpsgenieEvaluator, type OpsgenieOptions } from "./evaluator";

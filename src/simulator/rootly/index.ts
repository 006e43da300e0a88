// Rootly's alert routes, simulated: conditions (conditions.ts), the compiled routes and
// shared condition groups (compiled.ts), their guards (index-guards.ts), and the
// evaluator with its many-alerts path and explanation (evaluator.ts).
export { checkRootlyCondition, compileRootlyCondition, lookupPath, type CompiledRootlyCondition } from "./conditions";
export { sortRootlyRules } from "./compiled";
export { evaluateRootly, ROOTLY_ASSUMPTIONS, RootlyEvaluator } from "./evaluator";

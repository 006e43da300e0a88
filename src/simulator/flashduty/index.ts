// Flashduty's routes, simulated: the value kinds (values.ts), conditions (conditions.ts),
// the compiled routes, shared conditions and guards (compiled.ts), and the evaluator
// with its many-alerts path and explanation (evaluator.ts).
export { checkFlashdutyCondition, fieldOf, type FlashdutyOptions } from "./conditions";
export { evaluateFlashduty, FLASHDUTY_ASSUMPTIONS, FlashdutyEvaluator } from "./evaluator";

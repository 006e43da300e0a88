import type { ValueMemo } from "../guard";
import { vendorRegex } from "../regex";
import { not3, or3, triText, type Tri } from "../tri";
import type { Check, OpsgenieAlert } from "../types";
import { contextOf, detail, fieldValue, LIST_FIELDS, lc, priorityNumber, slotOf, STRING_FIELDS, type Condition, type Ctx, type FieldValue } from "./context";

const q = (s: string | undefined) => (s === undefined ? "(absent)" : JSON.stringify(s));
const noSpace = (s: string) => s.replace(/\s+/g, "");

/** The vector of a slot whose field the alert does not have (conditions then run unmemoized). */
const ABSENT = new Int8Array(0);

/** `test` answered from the per-value table when the condition reads one string value. */
function memoizedTest(c: Condition, test: (ctx: Ctx) => Tri, memo: ValueMemo | undefined): (ctx: Ctx) => Tri {
  const slot = slotOf(c);
  if (!memo || slot === undefined || c.operation === "is-empty") return test;
  const [sid, idx] = memo.add(slot);
  const key = c.key;
  const field = c.field as "message";
  const isDetail = slot.startsWith("details\u0000");
  return (ctx) => {
    // The slot's vector is looked up once per alert; later conditions on it skip reading the field.
    let vec = ctx.vecs[sid];
    if (vec === undefined) {
      const raw = isDetail ? detail(ctx.details, key!) : ctx.alert[field];
      vec = ctx.vecs[sid] = raw === undefined ? ABSENT : memo.vector(sid, raw);
    }
    if (vec === ABSENT) return test(ctx);
    const code = vec[idx];
    if (code !== 0) return code === 1 ? false : code === 2 ? true : undefined;
    const t = test(ctx);
    vec[idx] = t === false ? 1 : t === true ? 2 : 3;
    return t;
  };
}

/** fastTest's priority comparison: the alert's priority number read once per alert. */
function priorityTest(c: Condition, op: "equals" | "greater-than" | "less-than"): (ctx: Ctx) => Tri {
  const eNum = priorityNumber(c.expectedValue ?? "");
  const not = c.not === true;
  return (ctx) => {
    let a = ctx.priority;
    if (a === undefined) a = ctx.priority = priorityNumber(ctx.alert.priority ?? "P3");
    return (op === "equals" ? a === eNum : op === "greater-than" ? a > eNum : a < eNum) !== not;
  };
}

/** fastTest's `matches` on a string field or a detail by key. */
function matchesTest(c: Condition, regexTest: (v: string) => Tri): (ctx: Ctx) => Tri {
  const field = c.field as "message";
  const key = c.key;
  return (ctx) => {
    const raw = key !== undefined ? detail(ctx.details, key) : ctx.alert[field];
    if (raw === undefined) return c.not === true;
    return c.not ? not3(regexTest(raw)) : regexTest(raw);
  };
}

/** fastTest's string operations, on the value normalized once per alert; undefined for the other operations. */
function stringTest(c: Condition, norm: (s: string) => string, e: string, isDetail: boolean): ((ctx: Ctx) => Tri) | undefined {
  const op = c.operation;
  const not = c.not === true;
  const cmp =
    op === "contains"
      ? (v: string) => v.includes(e)
      : op === "equals"
        ? (v: string) => v === e
        : op === "starts-with"
          ? (v: string) => v.startsWith(e)
          : op === "ends-with"
            ? (v: string) => v.endsWith(e)
            : undefined;
  if (!cmp) return undefined;
  const slot = isDetail ? `details\u0000${c.key}` : c.field;
  const field = c.field as "message";
  const key = c.key ?? "";
  return (ctx) => {
    const raw = isDetail ? detail(ctx.details, key) : ctx.alert[field];
    if (raw === undefined) return not;
    let v = ctx.norm.get(slot) as string | undefined;
    if (v === undefined) {
      v = norm(raw);
      ctx.norm.set(slot, v);
    }
    return cmp(v) !== not;
  };
}

/**
 * The many-alerts form of the common conditions (string and list operations),
 * on values normalized once per alert; undefined for the others, which go
 * through the general form. Same decisions as `raw` (the tables test both).
 */
function fastTest(c: Condition, norm: (s: string) => string, regexTest: ((v: string) => Tri) | undefined): ((ctx: Ctx) => Tri) | undefined {
  const op = c.operation;
  if (c.field === "priority" && (op === "equals" || op === "greater-than" || op === "less-than")) return priorityTest(c, op);
  if (op === "matches" && regexTest && (STRING_FIELDS.has(c.field) || ((c.field === "details" || c.field === "extra-properties") && c.key !== undefined))) return matchesTest(c, regexTest);
  const e = norm(c.expectedValue ?? "");
  const not = c.not === true;
  const isDetail = (c.field === "details" || c.field === "extra-properties") && c.key !== undefined;
  if (STRING_FIELDS.has(c.field) || isDetail) return stringTest(c, norm, e, isDetail);
  if (LIST_FIELDS.has(c.field) && op === "contains") {
    const field = c.field as "tags";
    return (ctx) => {
      let set = ctx.norm.get(field) as Set<string> | undefined;
      if (set === undefined) {
        set = new Set((ctx.alert[field] ?? []).map(norm));
        ctx.norm.set(field, set);
      }
      return set.has(e) !== not;
    };
  }
  return undefined;
}

/** A condition compiled once: the operation's raw result (before `not`), undefined = cannot evaluate, null = not valid for the field. */
interface Compiled {
  raw(fv: FieldValue): Tri | null;
  /** The compiled pattern of a `matches` condition. */
  regexTest?: (v: string) => Tri;
  /** Set when the pattern cannot be evaluated exactly. */
  unevaluable?: string;
}

/** A `matches` pattern compiled: its test, and why it cannot be evaluated exactly (then the test answers undefined). */
function compilePattern(expected: string): { regexTest: (v: string) => Tri; unevaluable?: string } {
  const re = vendorRegex("opsgenie", expected);
  if (re.ok) return { regexTest: re.test };
  return { unevaluable: `${JSON.stringify(expected)}: ${re.invalid ? "not a valid Java pattern" : "not exactly evaluable"} (${re.message})`, regexTest: () => undefined };
}

/** The operation on one string value (absent: undefined), before `not`. */
function stringOperation(op: Condition["operation"], norm: (s: string) => string, e: string, regexTest: ((v: string) => Tri) | undefined): (value: string | undefined) => Tri | null {
  return (value) => {
    if (op === "is-empty") return value === undefined || value === "";
    if (value === undefined) return false;
    if (op === "matches") return regexTest!(value);
    const v = norm(value);
    switch (op) {
      case "contains":
        return v.includes(e);
      case "equals":
        return v === e;
      case "starts-with":
        return v.startsWith(e);
      case "ends-with":
        return v.endsWith(e);
      case "equals-ignore-whitespace":
        return noSpace(v) === noSpace(e);
      default:
        return null;
    }
  };
}

function compileOperation(c: Condition, caseSensitive: boolean): Compiled {
  const norm = caseSensitive ? (s: string) => s : lc;
  const expected = c.expectedValue ?? "";
  const e = norm(expected);
  const op = c.operation;
  const { regexTest, unevaluable } = op === "matches" ? compilePattern(expected) : { regexTest: undefined, unevaluable: undefined };
  const string = stringOperation(op, norm, e, regexTest);
  const eNum = priorityNumber(expected);
  return {
    unevaluable,
    regexTest,
    raw(fv) {
      switch (fv.kind) {
        case "string":
          return string(fv.value);
        case "list":
          if (op === "is-empty") return fv.value.length === 0;
          if (op === "contains") return fv.value.some((x) => norm(x) === e);
          if (op === "matches") return or3(fv.value.map((x) => regexTest!(x)));
          return null;
        case "map": {
          const entries = Object.entries(fv.value);
          if (op === "is-empty") return entries.length === 0;
          if (op === "contains-key") return entries.some(([k]) => norm(k) === e);
          if (op === "contains-value") return entries.some(([, v]) => norm(v) === e);
          if (op === "contains") return entries.some(([k, v]) => norm(k).includes(e) || norm(v).includes(e));
          return null;
        }
        case "priority": {
          const a = priorityNumber(fv.value);
          if (op === "equals") return a === eNum;
          if (op === "greater-than") return a > eNum;
          if (op === "less-than") return a < eNum;
          if (op === "matches") return regexTest!(fv.value);
          return null;
        }
      }
    },
  };
}

function show(fv: FieldValue): string {
  if (fv.kind === "list") return `[${fv.value.map((x) => JSON.stringify(x)).join(", ")}]`;
  if (fv.kind === "map") return JSON.stringify(fv.value);
  return q(fv.value);
}

export interface CompiledCondition {
  test(ctx: Ctx): Tri;
  check(ctx: Ctx): Check;
  unevaluable?: string;
}

export function compileCondition(c: Condition, caseSensitive: boolean, memo?: ValueMemo): CompiledCondition {
  const op = compileOperation(c, caseSensitive);
  const test = memoizedTest(
    c,
    fastTest(c, caseSensitive ? (s) => s : lc, op.regexTest) ??
      ((ctx: Ctx): Tri => {
        const raw = op.raw(fieldValue(ctx, c));
        if (raw === null) return false;
        return c.not ? not3(raw) : raw;
      }),
    memo,
  );
  return {
    test,
    unevaluable: op.unevaluable,
    check(ctx) {
      const fv = fieldValue(ctx, c);
      const raw = op.raw(fv);
      const expected = c.expectedValue ?? "";
      const field = c.key !== undefined ? `${c.field}[${JSON.stringify(c.key)}]` : c.field;
      const what = `${c.not ? "not " : ""}${field} ${c.operation}${c.operation === "is-empty" ? "" : ` ${JSON.stringify(expected)}`}`;
      if (raw === null) return { held: false, text: `${what}: operation not valid for this field, never holds (alert has ${show(fv)})` };
      const held = c.not ? not3(raw) : raw;
      const why = held === undefined ? ` (pattern ${op.unevaluable})` : "";
      return { held: held === true, unknown: held === undefined || undefined, text: `${what} -> ${triText(held)}${why} (alert has ${show(fv)})` };
    },
  };
}

/** Kept for callers of the uncompiled form. */
export function checkCondition(alert: OpsgenieAlert, c: Condition, caseSensitive = false): Check {
  return compileCondition(c, caseSensitive).check(contextOf(alert));
}

import type { RootlyAlertRouteCondition as AlertRouteCondition } from "../../rootly/alert-route.types";
import { vendorRegex } from "../regex";
import { triText, type Tri } from "../tri";
import type { Check, RootlyAlert } from "../types";

export type Scalar = string | undefined;

/** Looks up `a.b[0].c` (optionally `$.`-prefixed) in a JSON value. */
const pathParts = new Map<string, string[]>();

export function lookupPath(root: unknown, path: string): unknown {
  let parts = pathParts.get(path);
  if (!parts) {
    parts = path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
    pathParts.set(path, parts);
  }
  let cur: unknown = root;
  for (const p of parts) {
    // Own fields only: a path `constructor` or `a.toString` is absent unless the payload has it.
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export function values(v: unknown): Scalar[] {
  if (v === undefined || v === null) return [undefined];
  if (Array.isArray(v)) return v.length === 0 ? [undefined] : v.map((x) => (x === null || x === undefined ? undefined : typeof x === "object" ? JSON.stringify(x) : String(x)));
  if (typeof v === "object") return [JSON.stringify(v)];
  return [String(v)];
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

function subject(alert: RootlyAlert, c: AlertRouteCondition): { raw: unknown; label: string } {
  if (c.propertyFieldType === "alert_field") {
    const fields = alert.alertFields ?? {};
    const id = c.conditionableId ?? "";
    return { raw: Object.hasOwn(fields, id) ? fields[id] : undefined, label: `alert field ${c.conditionableId}` };
  }
  if (c.alertUrgencyIds?.length && !c.propertyFieldName) return { raw: alert.urgencyId, label: "urgency" };
  const name = c.propertyFieldName ?? "";
  if (c.propertyFieldType === "attribute") {
    const raw = name === "urgency" || name === "alert_urgency" ? (alert.attributes?.[name] ?? alert.urgencyId) : lookupPath(alert.attributes ?? {}, name);
    return { raw, label: `attribute ${name}` };
  }
  return { raw: lookupPath(alert.payload ?? {}, name), label: `payload ${name}` };
}

type Pred = (raw: unknown, vs: Scalar[]) => Tri;

export interface CompiledRootlyCondition {
  test(alert: RootlyAlert): Tri;
  check(alert: RootlyAlert): Check;
  unevaluable?: string;
}

/** The condition's test on the subject's raw value and its values, the expected value as shown, and why a pattern cannot be evaluated. */
function predicateOf(c: AlertRouteCondition): { pred: Pred; expected: string; unevaluable?: string } {
  const list = [...(c.propertyFieldValues ?? []), ...(c.alertUrgencyIds ?? [])];
  const one = c.propertyFieldValue ?? "";
  const any = (vs: Scalar[], f: (v: string) => boolean) => vs.some((v) => v !== undefined && f(v));
  switch (c.propertyFieldConditionType) {
    case "is_one_of":
      return { pred: (_, vs) => any(vs, (v) => list.includes(v)), expected: JSON.stringify(list) };
    case "is_not_one_of":
      return { pred: (_, vs) => !any(vs, (v) => list.includes(v)), expected: JSON.stringify(list) };
    case "contains":
      return { pred: (_, vs) => any(vs, (v) => v.includes(one)), expected: JSON.stringify(one) };
    case "does_not_contain":
      return { pred: (_, vs) => !any(vs, (v) => v.includes(one)), expected: JSON.stringify(one) };
    case "starts_with":
      return { pred: (_, vs) => any(vs, (v) => v.startsWith(one)), expected: JSON.stringify(one) };
    case "ends_with":
      return { pred: (_, vs) => any(vs, (v) => v.endsWith(one)), expected: JSON.stringify(one) };
    case "matches_regex": {
      const re = vendorRegex("rootly", one);
      const expected = `/${one}/`;
      if (re.ok) return { pred: (_, vs) => any(vs, re.test), expected };
      return {
        unevaluable: `${JSON.stringify(one)}: ${re.invalid ? "not a valid Ruby pattern" : "not exactly evaluable"} (${re.message})`,
        // An absent value matches no pattern, whatever the pattern.
        pred: (_, vs) => (vs.every((v) => v === undefined) ? false : undefined),
        expected,
      };
    }
    case "is_empty":
      return { pred: (raw) => isEmpty(raw), expected: "" };
  }
  // A type outside the schema (unvalidated args): no test, as before (evaluating it throws).
  return { pred: undefined as unknown as Pred, expected: undefined as unknown as string };
}

export function compileRootlyCondition(c: AlertRouteCondition): CompiledRootlyCondition {
  const t = c.propertyFieldConditionType;
  const { pred, expected, unevaluable } = predicateOf(c);
  const test = (alert: RootlyAlert) => {
    const { raw } = subject(alert, c);
    return pred(raw, values(raw));
  };
  return {
    test,
    unevaluable,
    check(alert) {
      const { raw, label } = subject(alert, c);
      const held = pred(raw, values(raw));
      const shown = raw === undefined ? "(absent)" : JSON.stringify(raw);
      const why = held === undefined ? ` (pattern ${unevaluable})` : "";
      return { held: held === true, unknown: held === undefined || undefined, text: `${label} ${t}${expected ? ` ${expected}` : ""} -> ${triText(held)}${why} (alert has ${shown})` };
    },
  };
}

export function checkRootlyCondition(alert: RootlyAlert, c: AlertRouteCondition): Check {
  return compileRootlyCondition(c).check(alert);
}

/** Groups ORed, their conditions ANDed; no group: false. */
export function groupsResult(groups: CompiledRootlyCondition[][], alert: RootlyAlert): Tri {
  let unknown = false;
  for (const conds of groups) {
    let all: Tri = true;
    for (const c of conds) {
      const t = c.test(alert);
      if (t === false) {
        all = false;
        break;
      }
      if (t === undefined) all = undefined;
    }
    if (all === true) return true;
    if (all === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

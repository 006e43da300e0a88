import type { FlashdutyRouteArgs as RouteArgs } from "../../flashduty/route.types";
import type { ValueMemo } from "../guard";
import { vendorRegex } from "../regex";
import { not3, triText, type Tri } from "../tri";
import type { Check, FlashdutyAlert } from "../types";
import { valueKind, valueMatches, valueUnevaluable } from "./values";

export type Case = NonNullable<RouteArgs["cases"]>[number];
export type Condition = Case["if"][number];

export interface FlashdutyOptions {
  /** Channel ids by name, to resolve `name_mapping` cases. */
  channelNames?: Record<string, number>;
}

/** A label by name: own keys only (`labels.constructor` is absent unless the alert has it, not Object.prototype's). */
const label = (alert: FlashdutyAlert, name: string): string | undefined => (alert.labels && Object.hasOwn(alert.labels, name) ? alert.labels[name] : undefined);

export function fieldOf(alert: FlashdutyAlert, key: string): string | undefined {
  if (key === "severity" || key === "alert_severity") return alert.severity;
  if (key === "title" || key === "description") return alert[key];
  if (key === "data_source_id") return alert.data_source_id === undefined ? undefined : String(alert.data_source_id);
  if (key.startsWith("labels.")) return label(alert, key.slice("labels.".length));
  return undefined;
}

/** IN: some value matches (unknown when none does and a pattern cannot be evaluated); NOTIN: the negation. */
function conditionResult(alert: FlashdutyAlert, c: Condition): { held: Tri; hits: string[] } {
  const value = fieldOf(alert, c.key);
  const hits: string[] = [];
  let unknown = false;
  if (value !== undefined)
    for (const v of c.vals) {
      const m = valueMatches(v, value);
      if (m === true) hits.push(v);
      else if (m === undefined) unknown = true;
    }
  const inResult: Tri = hits.length > 0 ? true : unknown ? undefined : false;
  return { held: c.oper === "IN" ? inResult : not3(inResult), hits };
}

export function checkFlashdutyCondition(alert: FlashdutyAlert, c: Condition): Check {
  const value = fieldOf(alert, c.key);
  const { held, hits } = conditionResult(alert, c);
  const bad = c.vals.map(valueUnevaluable).filter((x): x is string => x !== undefined);
  const why = hits.length ? `matched by ${hits.map((h) => JSON.stringify(h)).join(", ")}` : held === undefined ? `cannot evaluate pattern ${bad.join("; ")}` : "no value matches";
  const shown = value === undefined ? "(absent)" : JSON.stringify(value);
  return { held: held === true, unknown: held === undefined || undefined, text: `${c.key} ${c.oper} ${JSON.stringify(c.vals)} -> ${triText(held)} (alert has ${shown}; ${why})` };
}

/** The channels a matched case yields, or a reason it yields none. */
export function caseTargets(alert: FlashdutyAlert, c: Case, opts: FlashdutyOptions): { ids: string[]; text: string[] } {
  if (c.routingMode !== "name_mapping") return { ids: (c.channelIds ?? []).map(String), text: (c.channelIds ?? []).map((id) => `channel ${id}`) };
  const label = c.nameMappingLabel ?? "";
  const name = fieldOf(alert, label);
  if (name === undefined || name === "") return { ids: [], text: [] };
  const known = opts.channelNames;
  if (known) {
    const id = Object.hasOwn(known, name) ? known[name] : undefined;
    return id === undefined ? { ids: [], text: [] } : { ids: [String(id)], text: [`channel ${id} (named ${JSON.stringify(name)} by ${label})`] };
  }
  return { ids: [`name:${name}`], text: [`the channel named ${JSON.stringify(name)} (from ${label}; resolved by Flashduty, assumed to exist)`] };
}

export const unevaluables = (c: Case) => c.if.flatMap((cond) => cond.vals.map(valueUnevaluable).filter((x): x is string => x !== undefined).map((x) => `pattern ${x}`));

/** The field a condition reads, as a function of the alert (resolved once, not per alert). */
export function getterOf(key: string): (a: FlashdutyAlert) => string | undefined {
  if (key === "severity" || key === "alert_severity") return (a) => a.severity;
  if (key === "title") return (a) => a.title;
  if (key === "description") return (a) => a.description;
  if (key === "data_source_id") return (a) => (a.data_source_id === undefined ? undefined : String(a.data_source_id));
  if (key.startsWith("labels.")) {
    const name = key.slice("labels.".length);
    return (a) => label(a, name);
  }
  return () => undefined;
}

/** One non-exact `vals` entry as a matcher: the pattern compiled once (valueMatches decides the same). */
function compileValue(v: string): (value: string) => Tri {
  if (valueKind(v) === "regex") {
    const re = vendorRegex("flashduty", v.slice(1, -1));
    return re.ok ? re.test : () => undefined;
  }
  return (value) => valueMatches(v, value);
}

/** The vector of a field the alert does not have (conditions then run unmemoized). */
const ABSENT = new Int8Array(0);

export type CompiledCondition = (a: FlashdutyAlert, vecs: (Int8Array | undefined)[]) => Tri;

/** A condition compiled once: exact values in a set, the other kinds as matchers; same decision as conditionResult. Results are remembered per field value (ValueMemo). */
export function compileFlashdutyCondition(c: Condition, memo: ValueMemo): CompiledCondition {
  const [sid, idx] = memo.add(c.key);
  const test = compileUnmemoized(c);
  const get = getterOf(c.key);
  return (a, vecs) => {
    // The field's vector is looked up once per alert; later conditions on it skip reading the field.
    let vec = vecs[sid];
    if (vec === undefined) {
      const value = get(a);
      vec = vecs[sid] = value === undefined ? ABSENT : memo.vector(sid, value);
    }
    if (vec === ABSENT) return test(a);
    const code = vec[idx];
    if (code !== 0) return code === 1 ? false : code === 2 ? true : undefined;
    const t = test(a);
    vec[idx] = t === false ? 1 : t === true ? 2 : 3;
    return t;
  };
}

function compileUnmemoized(c: Condition): (a: FlashdutyAlert) => Tri {
  const get = getterOf(c.key);
  const exact = new Set(c.vals.filter((v) => valueKind(v) === "exact"));
  const others = c.vals.filter((v) => valueKind(v) !== "exact").map(compileValue);
  const isIn = c.oper === "IN";
  return (a) => {
    const value = get(a);
    let res: Tri = false;
    if (value !== undefined) {
      if (exact.has(value)) res = true;
      else
        for (const v of others) {
          const m = v(value);
          if (m === true) {
            res = true;
            break;
          }
          if (m === undefined) res = undefined;
        }
    }
    return isIn ? res : not3(res);
  };
}

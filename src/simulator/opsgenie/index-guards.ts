import { pickGuard, type GuardIndex } from "../guard";
import { requiredLiteral, vendorRegex } from "../regex";
import type { SharedCriteria } from "./compiled";
import { detail, LIST_FIELDS, lc, priorityNumber, slotOf, STRING_FIELDS, type Condition, type Ctx } from "./context";

type Guard = { field: string; vals: string[] };

/** The exact test a condition makes, as a guard (see guard.ts): the field it reads and the one normalized value that makes it hold. */
function guardOf(c: Condition, norm: (s: string) => string): Guard | undefined {
  if (c.not) return undefined;
  const e = c.expectedValue ?? "";
  if (c.field === "priority" && c.operation === "equals") return { field: "priority", vals: [String(priorityNumber(e))] };
  if (LIST_FIELDS.has(c.field) && c.operation === "contains") return { field: c.field, vals: [norm(e)] };
  if (c.operation !== "equals") return undefined;
  if (STRING_FIELDS.has(c.field)) return { field: c.field, vals: [norm(e)] };
  if ((c.field === "details" || c.field === "extra-properties") && c.key !== undefined) return { field: `details\u0000${c.key}`, vals: [norm(e)] };
  return undefined;
}

/** Marks, for one alert, the rules whose guard on `field` holds (the same values guardOf expects). */
export function guardMarker(field: string, norm: (s: string) => string, index: GuardIndex): (ctx: Ctx) => void {
  if (field.startsWith("tri\u0000")) {
    // Every three-character piece of the lower-cased value (literal guards).
    const slot = field.slice("tri\u0000".length);
    const key = slot.startsWith("details\u0000") ? slot.slice("details\u0000".length) : undefined;
    const f = slot as "message";
    return (ctx) => {
      const v = key !== undefined ? detail(ctx.details, key) : ctx.alert[f];
      if (v === undefined) return;
      const lower = v.toLowerCase();
      for (let i = 0; i + 3 <= lower.length; i++) index.mark(field, lower.slice(i, i + 3));
    };
  }
  if (field === "priority") return (ctx) => index.mark(field, String(priorityNumber(ctx.alert.priority ?? "P3")));
  if (LIST_FIELDS.has(field)) {
    const f = field as "tags";
    return (ctx) => {
      for (const x of ctx.alert[f] ?? []) index.mark(field, norm(x));
    };
  }
  if (field.startsWith("details\u0000")) {
    const key = field.slice("details\u0000".length);
    return (ctx) => {
      const v = detail(ctx.details, key);
      if (v !== undefined) index.mark(field, norm(v));
    };
  }
  const f = field as "message";
  return (ctx) => {
    const v = ctx.alert[f];
    if (v !== undefined) index.mark(field, norm(v));
  };
}

/** Guards: a criteria whose conditions are ANDed, by its exact condition on the most selective field. */
export function exactGuards(criteria: SharedCriteria[], cs: boolean, index: GuardIndex, guardSlots: number[]): void {
  const norm = cs ? (x: string) => x : lc;
  const candidates = new Map<SharedCriteria, Guard[]>();
  const values = new Map<string, Set<string>>();
  for (const c of criteria) {
    const anded = c.type === "match-all-conditions" || (c.type === "match-any-condition" && c.conditions.length === 1);
    if (!anded) continue;
    const gs = c.conditions.map((x) => guardOf(x, norm)).filter((g) => g !== undefined);
    candidates.set(c, gs);
    for (const g of gs) for (const v of g.vals) (values.get(g.field) ?? values.set(g.field, new Set()).get(g.field)!).add(v);
  }
  const distinct = new Map([...values].map(([k, v]) => [k, v.size]));
  for (const [c, gs] of candidates) {
    const g = pickGuard(gs, distinct);
    if (!g) continue;
    c.guard = index.id();
    guardSlots[c.guard] = c.slot;
    index.guard(c.guard, g.field, g.vals);
  }
}

/** The three-character ASCII pieces (lower case) of the literal a condition's value must contain; none when it has none. */
function literalPieces(c: Condition): string[] {
  if (c.not) return [];
  const slot = slotOf(c);
  if (slot === undefined) return [];
  let lit: string | undefined;
  if (c.operation === "contains" || c.operation === "starts-with" || c.operation === "ends-with" || c.operation === "equals") lit = c.expectedValue ?? "";
  else if (c.operation === "matches" && vendorRegex("opsgenie", c.expectedValue ?? "").ok) lit = requiredLiteral(c.expectedValue ?? "")?.text;
  if (lit === undefined) return [];
  const lower = lit.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i + 3 <= lower.length; i++) {
    const t = lower.slice(i, i + 3);
    if (/^[\x00-\x7f]{3}$/.test(t)) out.push(t);
  }
  return out;
}

/**
 * Guards from literals, for the criteria no exact condition guards: a `contains`,
 * `starts-with`, `ends-with` or `equals` on a string field, or a `matches` with a
 * required literal (regex.ts), holds only on values that contain the literal, so
 * only on values that contain one of its three-character pieces (the rarest,
 * lower case ASCII: lower-casing the value keeps every ASCII piece of a lower-cased
 * substring). A match-any criteria is guarded only when each of its conditions
 * is (exactly or by a literal): the alert's values mark it through any of them.
 */
export function literalGuards(criteria: SharedCriteria[], cs: boolean, index: GuardIndex, guardSlots: number[]): void {
  const norm = cs ? (x: string) => x : lc;
  const unguarded = criteria.filter((c) => c.guard === undefined && c.type !== "match-all" && c.conditions.length > 0);
  const frequency = new Map<string, number>();
  for (const c of unguarded) for (const x of c.conditions) for (const t of new Set(literalPieces(x))) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const rarest = (c: Condition): Guard | undefined => {
    let best: string | undefined;
    for (const t of literalPieces(c)) if (best === undefined || frequency.get(t)! < frequency.get(best)!) best = t;
    return best === undefined ? undefined : { field: `tri\u0000${slotOf(c)}`, vals: [best] };
  };
  for (const c of unguarded) {
    let gs: Guard[];
    if (c.type === "match-any-condition" && c.conditions.length > 1) {
      // Every condition must be guarded: any one of them may hold.
      const each = c.conditions.map((x) => guardOf(x, norm) ?? rarest(x));
      if (each.some((g) => g === undefined)) continue;
      gs = each as Guard[];
    } else {
      // ANDed: one literal condition is enough; the rarest piece among them.
      const all = c.conditions.map(rarest).filter((g) => g !== undefined);
      if (all.length === 0) continue;
      gs = [all.reduce((a, b) => (frequency.get(b.vals[0])! < frequency.get(a.vals[0])! ? b : a))];
    }
    c.guard = index.id();
    guardSlots[c.guard] = c.slot;
    for (const g of gs) index.guard(c.guard, g.field, g.vals);
  }
}

import type { RootlyAlertRouteCondition as AlertRouteCondition, RootlyAlertRouteRule as AlertRouteRule } from "../../rootly/alert-route.types";
import type { GuardIndex } from "../guard";
import { requiredLiteral, vendorRegex } from "../regex";
import type { SharedGroups } from "./compiled";

/** A guarded field: a payload path's values, whole (`value`) or in pieces (`piece`). */
export interface Marker {
  field: string;
  path: string;
  pieces: boolean;
}

/**
 * The exact test a positive payload condition makes, as a guard: `is_one_of` holds only when
 * one of the field's values is listed; `contains` / `starts_with` / `ends_with` (and a pattern
 * with a case-sensitive required literal) only when a value holds the literal, so each of its
 * three-character pieces (the field's pieces are marked). Undefined for any other condition.
 */
function guardOf(c: AlertRouteCondition): { field: string; vals: string[] } | { field: string; pieces: string[] } | undefined {
  if (c.propertyFieldType !== "payload" || c.alertUrgencyIds?.length || !c.propertyFieldName) return undefined;
  const name = c.propertyFieldName;
  const t = c.propertyFieldConditionType;
  if (t === "is_one_of") return { field: `value\u0000${name}`, vals: (c.propertyFieldValues ?? []).map(String) };
  let lit: string | undefined;
  if (t === "contains" || t === "starts_with" || t === "ends_with") lit = c.propertyFieldValue ?? "";
  else if (t === "matches_regex" && vendorRegex("rootly", c.propertyFieldValue ?? "").ok) {
    const r = requiredLiteral(c.propertyFieldValue ?? "");
    if (r && !r.caseInsensitive) lit = r.text;
  }
  if (lit === undefined || lit.length < 3) return undefined;
  const pieces: string[] = [];
  for (let i = 0; i + 3 <= lit.length; i++) pieces.push(lit.slice(i, i + 3));
  return { field: `piece\u0000${name}`, pieces };
}

/**
 * Guards: groups are ORed, so every group needs a guarded condition (the rarest piece of a
 * literal, or a listed value); the alert's values mark the rule through any of them.
 * `raw[slot]` is the first rule with the shared groups `shared[slot]`. Returns the guarded fields.
 */
export function rootlyGuards(raw: AlertRouteRule[], shared: SharedGroups[], index: GuardIndex, guardSlots: number[]): Marker[] {
  const frequency = new Map<string, number>();
  const guards = raw.map((rule) => (rule.conditionGroups ?? []).map((g) => g.conditions.map(guardOf).filter((x) => x !== undefined)));
  for (const gs of guards) for (const g of gs) for (const x of g) if ("pieces" in x) for (const p of new Set(x.pieces)) frequency.set(`${x.field}\u0000${p}`, (frequency.get(`${x.field}\u0000${p}`) ?? 0) + 1);
  const markers = new Map<string, Marker>();
  guards.forEach((gs, slot) => {
    if (raw[slot].fallbackRule || gs.length === 0 || gs.some((g) => g.length === 0)) return;
    const id = index.id();
    shared[slot].guard = id;
    guardSlots[id] = slot;
    for (const g of gs) {
      const exact = g.find((x) => "vals" in x);
      if (exact && "vals" in exact) index.guard(id, exact.field, exact.vals);
      else {
        let best: [string, string] | undefined;
        for (const x of g)
          if ("pieces" in x) for (const p of x.pieces) if (!best || frequency.get(`${x.field}\u0000${p}`)! < frequency.get(`${best[0]}\u0000${best[1]}`)!) best = [x.field, p];
        index.guard(id, best![0], [best![1]]);
      }
    }
  });
  for (const field of index.fields()) markers.set(field, { field, path: field.slice(field.indexOf("\u0000") + 1), pieces: field.startsWith("piece\u0000") });
  return [...markers.values()];
}

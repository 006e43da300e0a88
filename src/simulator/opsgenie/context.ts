import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../../opsgenie/team-routing-rule.types";
import type { OpsgenieAlert } from "../types";

export type Condition = NonNullable<NonNullable<TeamRoutingRuleArgs["criteria"]>["conditions"]>[number];
export type FieldValue = { kind: "string"; value: string | undefined } | { kind: "list"; value: string[] } | { kind: "map"; value: Record<string, string> } | { kind: "priority"; value: string };

export const lc = (s: string) => s.toLowerCase();

/** The alert as the conditions read it, with details merged once. */
export interface Ctx {
  alert: OpsgenieAlert;
  details: Record<string, string>;
  /** Normalized (case-folded unless case-sensitive) field values, computed once per alert: strings, and lists as sets. */
  norm: Map<string, string | Set<string>>;
  /** The priority's number, once per alert. */
  priority?: number;
  /** Per string slot, the condition results for this alert's value (ValueMemo). */
  vecs: (Int8Array | undefined)[];
}

/** An alert detail by key: own keys only (a rule's key "constructor" or "toString" must not read Object.prototype's). */
export const detail = (details: Record<string, string>, key: string): string | undefined => (Object.hasOwn(details, key) ? details[key] : undefined);

export const STRING_FIELDS = new Set(["message", "alias", "description", "source", "entity"]);
export const LIST_FIELDS = new Set(["tags", "actions", "recipients", "teams", "responders"]);

/** The string slot a condition reads (a string field, or a detail by key); undefined for lists, maps and priority. */
export const slotOf = (c: Condition): string | undefined =>
  STRING_FIELDS.has(c.field) ? c.field : (c.field === "details" || c.field === "extra-properties") && c.key !== undefined ? `details\u0000${c.key}` : undefined;

export function fieldValue(ctx: Ctx, c: Condition): FieldValue {
  const alert = ctx.alert;
  switch (c.field) {
    case "message":
    case "alias":
    case "description":
    case "source":
    case "entity":
      return { kind: "string", value: alert[c.field] };
    case "tags":
    case "actions":
    case "recipients":
    case "teams":
    case "responders":
      return { kind: "list", value: alert[c.field] ?? [] };
    case "priority":
      return { kind: "priority", value: alert.priority ?? "P3" };
    case "details":
    case "extra-properties":
      if (c.key !== undefined) return { kind: "string", value: detail(ctx.details, c.key) };
      return { kind: "map", value: ctx.details };
  }
}

export const priorityNumber = (p: string) => (/^P[1-5]$/i.test(p) ? Number(p.slice(1)) : NaN);

export const detailsOf = (alert: OpsgenieAlert) => (alert.extraProperties ? { ...(alert.details ?? {}), ...alert.extraProperties } : (alert.details ?? {}));

export function contextOf(alert: OpsgenieAlert): Ctx {
  return { alert, details: detailsOf(alert), norm: new Map(), vecs: [] };
}

import type { CatalogKind } from "./state";

// Rootly's documented rules for an alert route's attributes (the swagger of
// PUT /v1/alert_routes/{id} in vendor-docs/rootly-alert-route-update.md and the facts
// in rootly-facts.md), written out here on purpose: the emulator never shares the
// provider's tables, so a wrong table cannot pass both sides.

/** `property_field_condition_type` enum. */
export const CONDITION_TYPES: readonly string[] = ["is_one_of", "is_not_one_of", "contains", "does_not_contain", "starts_with", "ends_with", "matches_regex", "is_empty"];
/** `property_field_type` enum. */
export const FIELD_TYPES: readonly string[] = ["attribute", "payload", "alert_field"];
/** `target_type` enum, and the catalog a target id must exist in. */
export const TARGET_KINDS: Readonly<Record<string, CatalogKind>> = { Service: "service", Group: "group", Functionality: "functionality", EscalationPolicy: "escalationPolicy" };
/** `conditionable_type` enum (nullable). */
export const CONDITIONABLE_TYPES: readonly string[] = ["AlertField"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROUTE_KEYS = ["name", "enabled", "alerts_source_ids", "owning_team_ids", "rules", "request_id"];
const RULE_KEYS = ["id", "name", "position", "fallback_rule", "destinations", "condition_groups"];
const CONDITION_KEYS = [
  "id",
  "property_field_condition_type",
  "property_field_type",
  "property_field_name",
  "property_field_value",
  "property_field_values",
  "alert_urgency_ids",
  "conditionable_type",
  "conditionable_id",
];

export interface JsonApiError {
  title: string;
  status: string;
  code?: string | null;
  detail?: string | null;
  source?: { pointer: string };
}

/** Records one 422 error at a pointer below `/data/attributes`. */
type Bad = (pointer: string, detail: string) => void;
/** Whether the catalog holds an object of this kind. */
export type Known = (kind: CatalogKind, id: string) => boolean;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown) => v === undefined || v === null || Number.isInteger(v);

/** JSON:API errors with pointers into /data/attributes; empty when Rootly would accept the write. */
export function validateRoute(attrs: Record<string, unknown>, creating: boolean, known: Known): JsonApiError[] {
  const errors: JsonApiError[] = [];
  const bad: Bad = (pointer, detail) => errors.push({ title: "Validation failed", status: "422", code: null, detail, source: { pointer: `/data/attributes${pointer}` } });
  for (const k of Object.keys(attrs)) if (!ROUTE_KEYS.includes(k)) bad(`/${k}`, `${k} is not a known attribute of alert routes`);
  if (creating || "name" in attrs) if (typeof attrs.name !== "string" || !attrs.name.trim()) bad("/name", "name can't be blank");
  if ("enabled" in attrs && typeof attrs.enabled !== "boolean") bad("/enabled", "enabled must be true or false");
  const ids = (key: string, kind: CatalogKind, required: boolean) => {
    const v = attrs[key];
    if (v === undefined || v === null) {
      if (required) bad(`/${key}`, `${key} can't be blank`);
      return;
    }
    if (!Array.isArray(v)) return bad(`/${key}`, `${key} must be an array`);
    v.forEach((id, i) => {
      if (typeof id !== "string" || !UUID.test(id)) bad(`/${key}/${i}`, `${String(id)} is not a valid UUID`);
      else if (!known(kind, id)) bad(`/${key}/${i}`, `${kind === "team" ? "team" : "alerts source"} ${id} not found`);
    });
  };
  ids("alerts_source_ids", "alertSource", creating);
  ids("owning_team_ids", "team", false);
  if ("rules" in attrs && attrs.rules !== null) {
    if (!Array.isArray(attrs.rules)) bad("/rules", "rules must be an array");
    else {
      const rules = attrs.rules as unknown[];
      const fallbacks = rules.filter((r) => isObj(r) && r.fallback_rule === true).length;
      if (fallbacks > 1) bad("/rules", "multiple fallback rules are not allowed: an alert route can have only one fallback rule");
      rules.forEach((r, i) => validateRule(r, `/rules/${i}`, bad, known));
    }
  }
  return errors;
}

function validateRule(r: unknown, at: string, bad: Bad, known: Known): void {
  if (!isObj(r)) return bad(at, "rule must be an object");
  for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k)) bad(`${at}/${k}`, `${k} is not a known attribute of rules`);
  if (typeof r.name !== "string" || !r.name.trim()) bad(`${at}/name`, "name can't be blank");
  if (!isInt(r.position)) bad(`${at}/position`, "position must be an integer");
  if (r.fallback_rule !== undefined && r.fallback_rule !== null && typeof r.fallback_rule !== "boolean") bad(`${at}/fallback_rule`, "must be true or false");
  if (!Array.isArray(r.destinations) || r.destinations.length === 0) bad(`${at}/destinations`, "destinations can't be blank: a rule needs at least one destination");
  else r.destinations.forEach((d: unknown, j: number) => validateDestination(d, `${at}/destinations/${j}`, bad, known));
  if (!Array.isArray(r.condition_groups)) return bad(`${at}/condition_groups`, "condition_groups can't be blank");
  r.condition_groups.forEach((g: unknown, j: number) => {
    const p = `${at}/condition_groups/${j}`;
    if (!isObj(g)) return bad(p, "condition group must be an object");
    if (!isInt(g.position)) bad(`${p}/position`, "position must be an integer");
    if (!Array.isArray(g.conditions)) return bad(`${p}/conditions`, "conditions can't be blank");
    g.conditions.forEach((c: unknown, k: number) => validateCondition(c, `${p}/conditions/${k}`, bad));
  });
}

function validateDestination(d: unknown, p: string, bad: Bad, known: Known): void {
  if (!isObj(d)) return bad(p, "destination must be an object");
  const kind = TARGET_KINDS[String(d.target_type)];
  if (!kind) bad(`${p}/target_type`, `target_type must be one of ${Object.keys(TARGET_KINDS).join(", ")}`);
  if (typeof d.target_id !== "string" || !UUID.test(d.target_id)) bad(`${p}/target_id`, "target_id is not a valid UUID");
  else if (kind && !known(kind, d.target_id)) bad(`${p}/target_id`, `${String(d.target_type)} ${d.target_id} not found`);
}

function validateCondition(c: unknown, q: string, bad: Bad): void {
  if (!isObj(c)) return bad(q, "condition must be an object");
  for (const key of Object.keys(c)) if (!CONDITION_KEYS.includes(key)) bad(`${q}/${key}`, `${key} is not a known attribute of conditions`);
  if (!CONDITION_TYPES.includes(String(c.property_field_condition_type))) bad(`${q}/property_field_condition_type`, `must be one of ${CONDITION_TYPES.join(", ")}`);
  if (!FIELD_TYPES.includes(String(c.property_field_type))) bad(`${q}/property_field_type`, `must be one of ${FIELD_TYPES.join(", ")}`);
  if (c.conditionable_type != null && !CONDITIONABLE_TYPES.includes(String(c.conditionable_type))) bad(`${q}/conditionable_type`, `must be ${CONDITIONABLE_TYPES.join(", ")}`);
  if (c.conditionable_id != null && (typeof c.conditionable_id !== "string" || !UUID.test(c.conditionable_id))) bad(`${q}/conditionable_id`, "is not a valid UUID");
  if (c.property_field_condition_type === "matches_regex" && typeof c.property_field_value === "string" && !compiles(c.property_field_value))
    bad(`${q}/property_field_value`, "is not a valid regular expression");
}

/** Rootly is Ruby: inline flags such as (?i) are valid there; the rest must compile. */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern.replace(/\(\?[imx]*(?:-[imx]*)?\)/g, "").replace(/\(\?[imx]*(?:-[imx]*)?:/g, "(?:"));
    return true;
  } catch {
    return false;
  }
}

// Each vendor's conditions as solver atoms. Every atom is decided by the simulator's own
// evaluator (a one-condition routing run through `simulate`), so the analysis reads conditions
// exactly as `alert-routing simulate` does; this file only says which alert fields a condition
// reads, which constants are worth trying there, and how to build an alert from field values.
import type { FlashdutyRouteCondition } from "../flashduty/route.types";
import type { OpsgenieCondition, OpsgenieTeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import type { RootlyAlertRouteCondition } from "../rootly/alert-route.types";
import { routingFromArgs, simulate } from "../simulator";
import type { FlashdutyAlert, OpsgenieAlert, RootlyAlert } from "../simulator/types";
import { atom, candidates, newHints, type Assignment, type Atom, type FieldSpace, type Hints } from "./solver";

/** The hints of every field seen while building atoms; turned into candidate sets once all atoms exist. */
export class Fields {
  private hints = new Map<string, Hints>();
  get(field: string, kind: Hints["kind"] = "string"): Hints {
    let h = this.hints.get(field);
    if (!h) {
      h = newHints(kind);
      this.hints.set(field, h);
    }
    return h;
  }
  keys(): string[] {
    return [...this.hints.keys()];
  }
  space(): Map<string, FieldSpace> {
    return new Map([...this.hints].map(([k, h]) => [k, candidates(h)]));
  }
}

const AT = new Date("2026-01-05T12:00:00Z");
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Literal characters of a regex, a plausible value to try (never enough to be exact). */
const regexLiteral = (p: string) => p.replace(/\\[dDwWsSbB]/g, "").replace(/[\\^$.*+?()[\]{}|]/g, "");

// ---------------- Opsgenie ----------------

const OG_STRING = ["message", "alias", "description", "source", "entity"] as const;
const OG_LIST = ["tags", "actions", "recipients", "teams", "responders"] as const;

function opsgenieField(c: OpsgenieCondition): { field: string; kind: Hints["kind"] } {
  if (c.field === "details" || c.field === "extra-properties") return c.key !== undefined ? { field: `details[${c.key}]`, kind: "string" } : { field: "details", kind: "map" };
  if ((OG_LIST as readonly string[]).includes(c.field)) return { field: c.field, kind: "list" };
  if (c.field === "priority") return { field: "priority", kind: "priority" };
  return { field: c.field, kind: "string" };
}

export function buildOpsgenieAlert(a: Assignment): OpsgenieAlert {
  const alert: OpsgenieAlert = {};
  for (const f of OG_STRING) if (str(a.get(f)) !== undefined) alert[f] = str(a.get(f));
  for (const f of OG_LIST) if (Array.isArray(a.get(f))) alert[f] = a.get(f) as string[];
  if (str(a.get("priority"))) alert.priority = str(a.get("priority"));
  const details: Record<string, string> = { ...((a.get("details") as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of a) {
    const m = /^details\[(.*)\]$/s.exec(k);
    if (m && typeof v === "string") details[m[1]] = v;
  }
  if (Object.keys(details).length) alert.details = details;
  return alert;
}

/** One Opsgenie condition as an atom; `detailKeys` are every keyed detail field of the team (map operations read them too). */
export function opsgenieAtom(c: OpsgenieCondition, fields: Fields, detailKeys: string[], accountTimezone?: string): Atom {
  const { field, kind } = opsgenieField(c);
  const h = fields.get(field, kind);
  const e = c.expectedValue ?? "";
  let exact = true;
  switch (c.operation) {
    case "equals":
    case "equals-ignore-whitespace":
    case "contains-key":
      (kind === "list" || kind === "string" || kind === "map" ? h.eq : h.other).add(e);
      if (kind === "list" && c.operation === "contains-key") exact = false;
      break;
    case "contains":
      (kind === "list" ? h.eq : h.contains).add(e);
      break;
    case "contains-value":
      h.other.add(e);
      break;
    case "starts-with":
      h.prefix.add(e);
      break;
    case "ends-with":
      h.suffix.add(e);
      break;
    case "matches":
      h.other.add(regexLiteral(e));
      exact = kind === "priority";
      break;
    default:
      break;
  }
  if (kind === "map") exact = false;
  const deps = kind === "map" ? [field, ...detailKeys] : [field];
  const routing = routingFromArgs({ opsgenie: [{ teamName: "t", name: "c", notify: { type: "none" }, criteria: { type: "match-all-conditions", conditions: [{ ...c, order: 0 }] } }] });
  return atom(deps, (a) => simulate(routing, { opsgenie: buildOpsgenieAlert(a) }, { at: AT, accountTimezone }).units[0]?.outcome === "rule", exact);
}

export function opsgenieDetailKeys(rules: { args: OpsgenieTeamRoutingRuleArgs }[]): string[] {
  const keys = new Set<string>();
  for (const r of rules) for (const c of r.args.criteria?.conditions ?? []) if ((c.field === "details" || c.field === "extra-properties") && c.key !== undefined) keys.add(`details[${c.key}]`);
  return [...keys];
}

// ---------------- Rootly ----------------

function rootlyFields(c: RootlyAlertRouteCondition): string[] {
  if (c.propertyFieldType === "alert_field") return [`alert_field:${c.conditionableId ?? ""}`];
  if (c.alertUrgencyIds?.length && !c.propertyFieldName) return ["urgency"];
  const name = c.propertyFieldName ?? "";
  if (c.propertyFieldType === "attribute") return name === "urgency" || name === "alert_urgency" ? [`attribute:${name}`, "urgency"] : [`attribute:${name}`];
  return [`payload:${name}`];
}

/** Sets `a.b[0].c` (the simulator's path syntax) in an object. */
function setPath(root: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.replace(/^\$\.?/, "").split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
  if (parts.length === 0) return;
  let cur: Record<string, unknown> = root;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== "object") cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = v;
}

export function buildRootlyAlert(a: Assignment): RootlyAlert {
  const attributes: Record<string, unknown> = {};
  const payload: Record<string, unknown> = {};
  const alertFields: Record<string, string> = {};
  const alert: RootlyAlert = { attributes, payload, alertFields };
  for (const [k, v] of a) {
    if (v === undefined) continue;
    if (k === "urgency") alert.urgencyId = String(v);
    else if (k.startsWith("attribute:")) setPath(attributes, k.slice(10), v);
    else if (k.startsWith("payload:")) setPath(payload, k.slice(8), v);
    else if (k.startsWith("alert_field:")) alertFields[k.slice(12)] = String(v);
  }
  return alert;
}

export function rootlyAtom(c: RootlyAlertRouteCondition, fields: Fields): Atom {
  const deps = rootlyFields(c);
  const hs = deps.map((f) => fields.get(f));
  const one = c.propertyFieldValue ?? "";
  let exact = true;
  for (const h of hs)
    switch (c.propertyFieldConditionType) {
      case "is_one_of":
      case "is_not_one_of":
        for (const v of [...(c.propertyFieldValues ?? []), ...(c.alertUrgencyIds ?? [])]) h.eq.add(v);
        break;
      case "contains":
      case "does_not_contain":
        h.contains.add(one);
        break;
      case "starts_with":
        h.prefix.add(one);
        break;
      case "ends_with":
        h.suffix.add(one);
        break;
      case "matches_regex":
        h.other.add(regexLiteral(one));
        exact = false;
        break;
      default:
        break;
    }
  const routing = routingFromArgs({ rootly: [{ name: "r", alertsSourceIds: ["s"], rules: [{ name: "c", destinations: [{ targetType: "Service", targetId: "t" }], conditionGroups: [{ conditions: [c] }] }] }] });
  return atom(deps, (a) => simulate(routing, { rootly: buildRootlyAlert(a) }).units[0]?.outcome === "rule", exact);
}

// ---------------- Flashduty ----------------

const FD_TOP = ["severity", "title", "description", "data_source_id"] as const;
const fdField = (key: string) => (key === "alert_severity" ? "severity" : key);

export function buildFlashdutyAlert(a: Assignment): FlashdutyAlert {
  const alert: FlashdutyAlert = {};
  const labels: Record<string, string> = {};
  for (const [k, v] of a) {
    if (typeof v !== "string") continue;
    if ((FD_TOP as readonly string[]).includes(k)) (alert as Record<string, string>)[k] = v;
    else if (k.startsWith("labels.")) labels[k.slice(7)] = v;
  }
  if (Object.keys(labels).length) alert.labels = labels;
  return alert;
}

/** How one `vals` entry is tried: exact constants, plain wildcards as prefix/suffix/contains, the rest approximately. */
function flashdutyHint(h: Hints, v: string): boolean {
  if (v.length >= 2 && v.startsWith("/") && v.endsWith("/")) {
    h.other.add(regexLiteral(v.slice(1, -1)));
    return false;
  }
  if (v.startsWith("cidr:")) {
    const addr = v.slice(5).split("/")[0];
    h.other.add(addr).add("0.0.0.0").add("::");
    return false;
  }
  if (v.startsWith("num:")) {
    const n = Number(v.replace(/^num:(gt|ge|lt|le):/, ""));
    if (Number.isFinite(n)) h.nums.add(n);
    return true;
  }
  if (!v.includes("*") && !v.includes("?")) {
    h.eq.add(v);
    return true;
  }
  if (/^\*+$/.test(v)) return true;
  const inner = /^(\*?)([^*?]*)(\*?)$/.exec(v);
  if (inner && (inner[1] || inner[3])) {
    if (inner[1] && inner[3]) h.contains.add(inner[2]);
    else if (inner[3]) h.prefix.add(inner[2]);
    else h.suffix.add(inner[2]);
    return true;
  }
  h.other.add(v.replace(/\*/g, "").replace(/\?/g, "x")).add(v.replace(/\*/g, "\uE000").replace(/\?/g, "\uE000"));
  return false;
}

export function flashdutyAtom(c: FlashdutyRouteCondition, fields: Fields): Atom {
  const field = fdField(c.key);
  const h = fields.get(field);
  let exact = true;
  for (const v of c.vals) if (!flashdutyHint(h, v)) exact = false;
  const routing = routingFromArgs({ flashduty: [{ integrationId: 1, cases: [{ if: [c], channelIds: [1] }] }] });
  return atom([field], (a) => simulate(routing, { flashduty: buildFlashdutyAlert(a) }).units[0]?.outcome === "rule", exact);
}

/** Flashduty's name_mapping case yields a channel only when its label has a value. */
export function flashdutyLabelPresent(label: string, fields: Fields): Atom {
  const field = fdField(label);
  fields.get(field);
  const readable = (FD_TOP as readonly string[]).includes(field) || field.startsWith("labels.");
  return atom([field], (a) => {
    const v = a.get(field);
    return readable && typeof v === "string" && v !== "";
  }, true);
}

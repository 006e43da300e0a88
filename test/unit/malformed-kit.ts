// Shared by the malformed-input suite and each vendor's hand-written cases
// (test/unit/<vendor>/malformed.cases.ts).
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type Path = (string | number)[];

export interface Case {
  type: string;
  what: string;
  inputs: Json;
  /** The failure's property must equal this path or lead into/out of it. */
  path: string;
}

export const UUID_A = "3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b";
export const UUID_B = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";

export const valid: Record<string, Record<string, Json>> = {
  "flashduty:Route": {
    integrationId: 6113996590131,
    cases: [
      { if: [{ key: "severity", oper: "IN", vals: ["Critical", "/^db-.*/"] }, { key: "labels.ip", oper: "NOTIN", vals: ["cidr:10.0.0.0/8"] }], channelIds: [2533748993131], fallthrough: false },
      { if: [{ key: "labels.latency", oper: "IN", vals: ["num:gt:250"] }], routingMode: "name_mapping", nameMappingLabel: "labels.service" },
    ],
    sections: [{ name: "Critical", position: 0 }],
    default: { channelIds: [3521074710131] },
  },
  "flashduty:MappingData": {
    schemaId: "665f1a2b3c4d5e6f7a8b9c01",
    rows: [{ host: "server09", owner: "carol", team: "sre", service: "db" }],
  },
  "rootly:AlertRoute": {
    name: "Payments alerts",
    enabled: true,
    alertsSourceIds: [UUID_A],
    owningTeamIds: [UUID_B],
    rules: [
      {
        name: "critical",
        position: 1,
        destinations: [{ targetType: "EscalationPolicy", targetId: UUID_B }],
        conditionGroups: [{ position: 1, conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValues: ["sev0"] }] }],
      },
      { name: "rest", position: 2, fallbackRule: true, destinations: [{ targetType: "Group", targetId: UUID_A }] },
    ],
  },
  "opsgenie:TeamRoutingRule": {
    teamName: "Platform",
    name: "P1",
    order: 0,
    timezone: "Europe/Berlin",
    criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }, { field: "tags", operation: "contains", expectedValue: "db", not: true }] },
    timeRestriction: { type: "time-of-day", restriction: { startHour: 9, startMin: 0, endHour: 18, endMin: 30 } },
    notify: { type: "escalation", name: "Platform_critical" },
  },
};

/** Required keys (removing them must fail), by the path of their object. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function leaves(v: Json, path: Path = []): { path: Path; value: Json }[] {
  if (Array.isArray(v)) return [{ path, value: v }, ...v.flatMap((x, i) => leaves(x, [...path, i]))];
  if (v && typeof v === "object") return [...(path.length ? [{ path, value: v }] : []), ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))];
  return [{ path, value: v }];
}

export function setAt(obj: Json, path: Path, value: Json | undefined): Json {
  const out = clone(obj);
  let cur = out as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return out;
}

/** Values of the wrong kind for a leaf: never valid for a typed field. */

import { setAt, valid, type Case, type Json } from "../malformed-kit";

const base = valid["rootly:AlertRoute"];
const at = (path: (string | number)[], value: Json | undefined) => setAt(base, path, value);
const T = "rootly:AlertRoute";
const COND = ["rules", 0, "conditionGroups", 0, "conditions", 0];
const cond = base.rules as { conditionGroups: { conditions: Json[] }[] }[];
const aCondition = cond[0].conditionGroups[0].conditions[0];
const dest = { targetType: "Service", targetId: "3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b" };
const rule = (n: number): Json => ({ name: `r${n}`, destinations: [dest] });
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const UPPER = "3F1C2B4A-9D8E-4F7A-A6B5-1C2D3E4F5A6B";

// Hand-written malformed inputs with their exact paths (run by test/unit/malformed.test.ts).
export const cases: Case[] = [
  { type: T, what: "two fallback rules", inputs: at(["rules", 0, "fallbackRule"], true), path: "rules[1].fallbackRule" },
  { type: T, what: "duplicate rule positions", inputs: at(["rules", 1, "position"], 1), path: "rules[1].position" },
  { type: T, what: "target id not a UUID", inputs: at(["rules", 0, "destinations", 0, "targetId"], "policy-1"), path: "rules[0].destinations[0].targetId" },
  { type: T, what: "unknown target type", inputs: at(["rules", 0, "destinations", 0, "targetType"], "User"), path: "rules[0].destinations[0].targetType" },
  { type: T, what: "is_one_of with one value", inputs: at(COND, { propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValue: "sev0" }), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValues" },
  { type: T, what: "bad regex", inputs: at(COND, { propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValue: "(" }), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValue" },
  { type: T, what: "bad regex after a valid inline flag", inputs: at(COND, { propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValue: "(?i)[a-" }), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValue" },
  { type: T, what: "no alert sources", inputs: at(["alertsSourceIds"], []), path: "alertsSourceIds" },
  { type: T, what: "rule without destinations", inputs: at(["rules", 1, "destinations"], []), path: "rules[1].destinations" },
  { type: T, what: "empty route name", inputs: at(["name"], ""), path: "name" },

  // Ids: Rootly answers 422 for upper-case UUIDs; path-like values are not ids.
  { type: T, what: "upper-case alerts source id", inputs: at(["alertsSourceIds", 0], UPPER), path: "alertsSourceIds[0]" },
  { type: T, what: "upper-case owning team id", inputs: at(["owningTeamIds", 0], UPPER), path: "owningTeamIds[0]" },
  { type: T, what: "upper-case target id", inputs: at(["rules", 0, "destinations", 0, "targetId"], UPPER), path: "rules[0].destinations[0].targetId" },
  { type: T, what: "upper-case conditionable id", inputs: at([...COND, "conditionableId"], UPPER), path: "rules[0].conditionGroups[0].conditions[0].conditionableId" },
  { type: T, what: "upper-case alert urgency id", inputs: at([...COND, "alertUrgencyIds"], [UPPER]), path: "rules[0].conditionGroups[0].conditions[0].alertUrgencyIds[0]" },
  { type: T, what: "alerts source id ..", inputs: at(["alertsSourceIds", 0], ".."), path: "alertsSourceIds[0]" },
  { type: T, what: "owning team id .", inputs: at(["owningTeamIds", 0], "."), path: "owningTeamIds[0]" },
  { type: T, what: "target id with a path", inputs: at(["rules", 0, "destinations", 0, "targetId"], "../alert_routes"), path: "rules[0].destinations[0].targetId" },

  // Names: blank (Rootly: 422 "can't be blank"), too long (a 1 MB name got HTTP 431), bad text.
  { type: T, what: "whitespace-only route name", inputs: at(["name"], " \t\n "), path: "name" },
  { type: T, what: "whitespace-only rule name", inputs: at(["rules", 0, "name"], "   "), path: "rules[0].name" },
  { type: T, what: "empty rule name", inputs: at(["rules", 1, "name"], ""), path: "rules[1].name" },
  { type: T, what: "whitespace-only property field name", inputs: at([...COND, "propertyFieldName"], " "), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldName" },
  { type: T, what: "route name of 256 characters", inputs: at(["name"], "n".repeat(256)), path: "name" },
  { type: T, what: "route name of 1 MB", inputs: at(["name"], "n".repeat(1024 * 1024)), path: "name" },
  { type: T, what: "rule name of 256 characters", inputs: at(["rules", 1, "name"], "r".repeat(256)), path: "rules[1].name" },
  { type: T, what: "property field name of 256 characters", inputs: at([...COND, "propertyFieldName"], "f".repeat(256)), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldName" },
  { type: T, what: "compared value over 4096 characters", inputs: at([...COND, "propertyFieldValues", 0], "v".repeat(4097)), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValues[0]" },
  { type: T, what: "NUL in the route name", inputs: at(["name"], "pay\u0000ments"), path: "name" },
  { type: T, what: "lone surrogate in a rule name", inputs: at(["rules", 0, "name"], "crit\ud800ical"), path: "rules[0].name" },

  // Counts over the assumed limits (NOTES.md).
  { type: T, what: "501 rules", inputs: at(["rules"], times(501, rule)), path: "rules" },
  { type: T, what: "51 destinations", inputs: at(["rules", 0, "destinations"], times(51, () => dest)), path: "rules[0].destinations" },
  { type: T, what: "51 condition groups", inputs: at(["rules", 0, "conditionGroups"], times(51, () => ({ conditions: [aCondition] }))), path: "rules[0].conditionGroups" },
  { type: T, what: "51 conditions in a group", inputs: at(["rules", 0, "conditionGroups", 0, "conditions"], times(51, () => aCondition)), path: "rules[0].conditionGroups[0].conditions" },
  { type: T, what: "501 alerts source ids", inputs: at(["alertsSourceIds"], times(501, () => dest.targetId)), path: "alertsSourceIds" },
  { type: T, what: "501 compared values", inputs: at([...COND, "propertyFieldValues"], times(501, (i) => `v${i}`)), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValues" },
];

import { setAt, valid, type Case } from "../malformed-kit";

// Hand-written malformed inputs with their exact paths (run by test/unit/malformed.test.ts).
export const cases: Case[] = [
  { type: "rootly:AlertRoute", what: "two fallback rules", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 0, "fallbackRule"], true), path: "rules[1].fallbackRule" },
  { type: "rootly:AlertRoute", what: "duplicate rule positions", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 1, "position"], 1), path: "rules[1].position" },
  { type: "rootly:AlertRoute", what: "target id not a UUID", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 0, "destinations", 0, "targetId"], "policy-1"), path: "rules[0].destinations[0].targetId" },
  { type: "rootly:AlertRoute", what: "unknown target type", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 0, "destinations", 0, "targetType"], "User"), path: "rules[0].destinations[0].targetType" },
  { type: "rootly:AlertRoute", what: "is_one_of with one value", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 0, "conditionGroups", 0, "conditions", 0], { propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValue: "sev0" }), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValues" },
  { type: "rootly:AlertRoute", what: "bad regex", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 0, "conditionGroups", 0, "conditions", 0], { propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValue: "(" }), path: "rules[0].conditionGroups[0].conditions[0].propertyFieldValue" },
  { type: "rootly:AlertRoute", what: "no alert sources", inputs: setAt(valid["rootly:AlertRoute"], ["alertsSourceIds"], []), path: "alertsSourceIds" },
  { type: "rootly:AlertRoute", what: "rule without destinations", inputs: setAt(valid["rootly:AlertRoute"], ["rules", 1, "destinations"], []), path: "rules[1].destinations" },
  { type: "rootly:AlertRoute", what: "empty route name", inputs: setAt(valid["rootly:AlertRoute"], ["name"], ""), path: "name" },
];

import { setAt, valid, type Case } from "../malformed-kit";

// Hand-written malformed inputs with their exact paths (run by test/unit/malformed.test.ts).
export const cases: Case[] = [
  { type: "opsgenie:TeamRoutingRule", what: "hour 24", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["timeRestriction", "restriction", "endHour"], 24), path: "timeRestriction.restriction.endHour" },
  { type: "opsgenie:TeamRoutingRule", what: "minute 60", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["timeRestriction", "restriction", "startMin"], 60), path: "timeRestriction.restriction.startMin" },
  { type: "opsgenie:TeamRoutingRule", what: "operation wrong for a list field", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["criteria", "conditions", 1, "operation"], "starts-with"), path: "criteria.conditions[1].operation" },
  { type: "opsgenie:TeamRoutingRule", what: "unknown field", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["criteria", "conditions", 0, "field"], "severity"), path: "criteria.conditions[0].field" },
  { type: "opsgenie:TeamRoutingRule", what: "match-all with conditions", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["criteria", "type"], "match-all"), path: "criteria.conditions" },
  { type: "opsgenie:TeamRoutingRule", what: "unknown timezone", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["timezone"], "Mars/Olympus_Mons"), path: "timezone" },
  { type: "opsgenie:TeamRoutingRule", what: "weekday restriction without days", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["timeRestriction"], { type: "weekday-and-time-of-day", restrictions: [] }), path: "timeRestriction.restrictions" },
  { type: "opsgenie:TeamRoutingRule", what: "notify escalation without a name or id", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["notify"], { type: "escalation" }), path: "notify" },
  { type: "opsgenie:TeamRoutingRule", what: "negative order", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["order"], -1), path: "order" },
  { type: "opsgenie:TeamRoutingRule", what: "both teamId and teamName", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["teamId"], "abc"), path: "teamName" },
  { type: "opsgenie:TeamRoutingRule", what: "no team", inputs: setAt(valid["opsgenie:TeamRoutingRule"], ["teamName"], undefined), path: "teamId" },
];

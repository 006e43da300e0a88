// One of each resource with realistic routing. Ids of the vendors' objects
// (integrations, channels, schemas, teams...) come from stack config (`demo:*`),
// so the same program runs against the real vendors: set their credentials and
// these ids, and leave the emulator URLs unset (see README).
import * as pulumi from "@pulumi/pulumi";
import { FlashdutyMappingData, FlashdutyRoute, OpsgenieTeamRoutingRule, RootlyAlertRoute, type OpsgenieWeekday } from "pulumi-alert-routing";

const cfg = new pulumi.Config("demo");

// Ids another stack owns (escalation policies, teams) are often read through a
// StackReference: with `demo:sharedStack` set (e.g. acme/oncall-directory/prod),
// the Rootly escalation policy ids come from that stack's outputs, else from config.
const sharedStack = cfg.get("sharedStack");
const shared = sharedStack ? new pulumi.StackReference(sharedStack) : undefined;
const sharedId = (key: string): pulumi.Input<string> => (shared ? (shared.requireOutput(key) as pulumi.Output<string>) : cfg.require(key));

// Flashduty: severity and service based routing, with a default channel.
const sreChannel = cfg.requireNumber("sreChannelId");
const paymentsChannel = cfg.requireNumber("paymentsChannelId");
const defaultChannel = cfg.requireNumber("defaultChannelId");
const route = new FlashdutyRoute("checkout-integration", {
  integrationId: cfg.requireNumber("integrationId"),
  cases: [
    { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }, { key: "labels.service", oper: "IN", vals: ["payments", "checkout"] }], channelIds: [paymentsChannel, sreChannel] },
    { if: [{ key: "labels.service", oper: "IN", vals: ["payments", "/^billing-.*/"] }], channelIds: [paymentsChannel] },
    { if: [{ key: "severity", oper: "IN", vals: ["Critical", "Warning"] }], channelIds: [sreChannel], fallthrough: true },
  ],
  default: { channelIds: [defaultChannel] },
  // Flashduty has no delete: on destroy, leave the integration routing to the default channel only.
  resetOnDelete: { channelIds: [defaultChannel] },
});

// Flashduty: a host -> owner enrichment table of a few hundred rows.
const teams = ["sre", "platform", "payments", "search"];
const hostCount = cfg.getNumber("mappingHosts") ?? 300;
const rows = Array.from({ length: hostCount }, (_, i) => {
  const team = teams[i % teams.length];
  return { host: `host-${String(i + 1).padStart(4, "0")}`, owner: `${team}-oncall`, team, service: `${team}-svc-${i % 7}` };
});
const mapping = new FlashdutyMappingData("cmdb-hosts", { schemaId: cfg.require("mappingSchemaId"), rows });

// Rootly: route alerts of one source by service, with a fallback rule.
const rootlyRoute = new RootlyAlertRoute("payments-alerts", {
  name: "Payments alerts",
  alertsSourceIds: [cfg.require("rootlyAlertSourceId")],
  rules: [
    {
      name: "Payments API",
      conditionGroups: [
        { conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "service", propertyFieldValues: ["payments-api", "checkout-web"] }] },
      ],
      destinations: [{ targetType: "EscalationPolicy", targetId: sharedId("rootlyPaymentsEscalationId") }],
    },
    { name: "Everything else", fallbackRule: true, destinations: [{ targetType: "EscalationPolicy", targetId: sharedId("rootlyFallbackEscalationId") }] },
  ],
});

// Opsgenie: three ordered rules ahead of the team's default rule; P1s in business hours page the escalation.
const team = cfg.get("opsgenieTeam") ?? "Platform";
const businessHoursEnd = cfg.getNumber("businessHoursEnd") ?? 18;
const weekdays: OpsgenieWeekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday"];
const p1 = new OpsgenieTeamRoutingRule("p1-business-hours", {
  teamName: team,
  name: "P1 in business hours",
  order: 0,
  timezone: "Europe/Berlin",
  criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1" }] },
  timeRestriction: {
    type: "weekday-and-time-of-day",
    restrictions: weekdays.map((day) => ({
      startDay: day,
      startHour: 9,
      startMin: 0,
      endDay: day,
      endHour: businessHoursEnd,
      endMin: 0,
    })),
  },
  notify: { type: "escalation", name: cfg.get("opsgenieEscalation") ?? "Platform_critical" },
});
const database = new OpsgenieTeamRoutingRule("database", {
  teamName: team,
  name: "Database alerts",
  order: 1,
  criteria: { type: "match-any-condition", conditions: [{ field: "tags", operation: "contains", expectedValue: "database" }, { field: "source", operation: "starts-with", expectedValue: "rds" }] },
  notify: { type: "schedule", name: cfg.get("opsgenieSchedule") ?? "Platform_schedule" },
});
const noise = new OpsgenieTeamRoutingRule("drop-noise", {
  teamName: team,
  name: "Drop test alerts",
  order: 2,
  criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "starts-with", expectedValue: "[TEST]" }] },
  notify: { type: "none" },
});

export const flashdutyRouteVersion = route.version;
export const mappingRowCount = mapping.rowCount;
export const rootlyRouteId = rootlyRoute.routeId;
export const opsgenieRuleIds = [p1.ruleId, database.ruleId, noise.ruleId];

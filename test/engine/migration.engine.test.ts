import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { fixtureDir, inlineStack } from "./harness";

// docs/migration.md, end to end: a team's routing rules and a Rootly route that `@pulumi/opsgenie` and
// `@rootly/pulumi` left live (their state entries gone through `retainOnDelete` or `pulumi state delete`),
// declared again with this package's resources, field by field as the guide maps them, with
// `adoptExisting: true`. One `pulumi up` takes them over with 0 vendor writes, and the next preview is quiet.
//
// The old providers' plugins cannot run here, so their leftovers are made the way they make them: the
// requests their Terraform providers send (terraform-provider-opsgenie's CreateRoutingRule body, with
// `order` on every condition; terraform-provider-rootly's JSON:API create), sent to the emulators.

type Ctor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(join(fixtureDir, "node_modules", "pulumi-alert-routing")) as { OpsgenieTeamRoutingRule: Ctor; RootlyAlertRoute: Ctor };

const KEY = "genie-migration-key-5d1e";
let og: OpsgenieEmulator;
let rootly: RootlyEmulator;
let team: EmuTeam;
let ids: Record<string, string>;

beforeAll(async () => {
  og = createOpsgenieEmulator({ apiKey: KEY });
  rootly = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  await Promise.all([og.server.start(), rootly.server.start()]);
  team = og.seedTeam("Platform");
  ids = {
    schedule: og.seedSchedule("Platform_schedule").id,
    escalation: og.seedEscalation("Platform_critical").id,
    source: rootly.seed("alertSource", "Datadog"),
    team: rootly.seed("team", "SRE"),
    service: rootly.seed("service", "payments-api"),
    policy: rootly.seed("escalationPolicy", "Primary escalation"),
  };
});
afterAll(() => Promise.all([og.server.stop(), rootly.server.stop()]));

async function send(url: string, headers: Record<string, string>, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`leftover not created: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** What `opsgenie.TeamRoutingRule` sends on create (the Terraform provider's CreateRoutingRuleRequest). */
const ogLeftover = (body: Record<string, unknown>) =>
  send(`${og.server.url}/v2/teams/${team.id}/routing-rules?teamIdentifierType=id`, { authorization: `GenieKey ${KEY}`, "content-type": "application/json" }, body);

/** What `rootly.AlertRoute` sends on create (JSON:API, its schema's defaults filled in). */
const rootlyLeftover = (attributes: Record<string, unknown>) =>
  send(`${rootly.server.url}/v1/alert_routes`, { authorization: `Bearer ${rootly.credential}`, "content-type": "application/vnd.api+json" }, { data: { type: "alert_routes", attributes } });

describe("migrating from @pulumi/opsgenie and @rootly/pulumi (docs/migration.md)", () => {
  it("one up adopts the old providers' live rules and route with 0 vendor writes; the next preview has no changes", async () => {
    // @pulumi/opsgenie program (old):
    //   new opsgenie.TeamRoutingRule("db", { teamId, name: "Database alerts", order: 0, timezone: "Europe/Berlin",
    //     criterias: [{ type: "match-any-condition", conditions: [
    //       { field: "tags", operation: "contains", expectedValue: "database" },
    //       { field: "extra-properties", key: "service", operation: "equals", expectedValue: "rds", not: true, order: 1 }] }],
    //     timeRestrictions: [{ type: "weekday-and-time-of-day", restrictionList: [{ startDay: "monday", startHour: 8, startMin: 0, endDay: "friday", endHour: 18, endMin: 30 }] }],
    //     notifies: [{ type: "schedule", name: "Platform_schedule" }] });
    //   new opsgenie.TeamRoutingRule("nights", { teamId, name: "Night shift", order: 1,
    //     timeRestrictions: [{ type: "time-of-day", restrictions: [{ startHour: 22, startMin: 0, endHour: 6, endMin: 0 }] }],
    //     criterias: [{ type: "match-all" }], notifies: [{ type: "escalation", id: escalationId }] });
    const db = await ogLeftover({
      name: "Database alerts",
      order: 0,
      timezone: "Europe/Berlin",
      criteria: {
        type: "match-any-condition",
        conditions: [
          { field: "tags", not: false, operation: "contains", expectedValue: "database", order: 0 },
          { field: "extra-properties", key: "service", not: true, operation: "equals", expectedValue: "rds", order: 1 },
        ],
      },
      timeRestriction: { type: "weekday-and-time-of-day", restrictions: [{ startDay: "monday", startHour: 8, startMin: 0, endDay: "friday", endHour: 18, endMin: 30 }] },
      notify: { type: "schedule", name: "Platform_schedule" },
    });
    const nights = await ogLeftover({
      name: "Night shift",
      order: 1,
      timezone: "Europe/Berlin",
      criteria: { type: "match-all", conditions: [] },
      timeRestriction: { type: "time-of-day", restriction: { startHour: 22, startMin: 0, endHour: 6, endMin: 0 } },
      notify: { type: "escalation", id: ids.escalation },
    });
    // @rootly/pulumi program (old):
    //   new rootly.AlertRoute("payments", { name: "payments", alertsSourceIds: [source], owningTeamIds: [team], rules: [
    //     { name: "sev0/1", position: 1, destinations: [{ targetType: "EscalationPolicy", targetId: policy }],
    //       conditionGroups: [{ position: 1, conditions: [{ propertyFieldName: "severity", propertyFieldValues: ["sev0", "sev1"] }] }] },
    //     { name: "everything else", position: 2, fallbackRule: true, destinations: [{ targetId: service }] }] });
    // (propertyFieldConditionType "is_one_of", propertyFieldType "attribute" and targetType "Service" are its defaults.)
    const route = await rootlyLeftover({
      name: "payments",
      enabled: true,
      alerts_source_ids: [ids.source],
      owning_team_ids: [ids.team],
      rules: [
        {
          name: "sev0/1",
          position: 1,
          fallback_rule: false,
          destinations: [{ target_type: "EscalationPolicy", target_id: ids.policy }],
          condition_groups: [
            { position: 1, conditions: [{ property_field_condition_type: "is_one_of", property_field_type: "attribute", property_field_name: "severity", property_field_values: ["sev0", "sev1"] }] },
          ],
        },
        { name: "everything else", position: 2, fallback_rule: true, destinations: [{ target_type: "Service", target_id: ids.service }], condition_groups: [] },
      ],
    });

    // The new program, as docs/migration.md maps each field.
    const s = await inlineStack({
      project: "migration",
      program: async () => {
        const dbRule = new pkg.OpsgenieTeamRoutingRule("db", {
          teamName: "Platform",
          name: "Database alerts",
          order: 0,
          timezone: "Europe/Berlin",
          criteria: {
            type: "match-any-condition",
            conditions: [
              { field: "tags", operation: "contains", expectedValue: "database" },
              { field: "extra-properties", key: "service", operation: "equals", expectedValue: "rds", not: true, order: 1 },
            ],
          },
          timeRestriction: { type: "weekday-and-time-of-day", restrictions: [{ startDay: "monday", startHour: 8, startMin: 0, endDay: "friday", endHour: 18, endMin: 30 }] },
          notify: { type: "schedule", name: "Platform_schedule" },
          adoptExisting: true,
        });
        const nightRule = new pkg.OpsgenieTeamRoutingRule("nights", {
          teamName: "Platform",
          name: "Night shift",
          order: 1,
          timezone: "Europe/Berlin",
          criteria: { type: "match-all" },
          timeRestriction: { type: "time-of-day", restriction: { startHour: 22, startMin: 0, endHour: 6, endMin: 0 } },
          notify: { type: "escalation", id: ids.escalation },
          adoptExisting: true,
        });
        const payments = new pkg.RootlyAlertRoute("payments", {
          name: "payments",
          alertsSourceIds: [ids.source],
          owningTeamIds: [ids.team],
          rules: [
            {
              name: "sev0/1",
              position: 1,
              destinations: [{ targetType: "EscalationPolicy", targetId: ids.policy }],
              conditionGroups: [
                { position: 1, conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValues: ["sev0", "sev1"] }] },
              ],
            },
            { name: "everything else", position: 2, fallbackRule: true, destinations: [{ targetType: "Service", targetId: ids.service }] },
          ],
          adoptExisting: true,
        });
        return { db: dbRule.ruleId, nights: nightRule.ruleId, route: payments.routeId };
      },
      config: {
        "opsgenie:apiKey": { value: KEY, secret: true },
        "opsgenie:apiUrl": { value: og.server.url },
        "opsgenie:rateLimits": { value: "200/1s" },
        "rootly:apiToken": { value: rootly.credential, secret: true },
        "rootly:apiUrl": { value: rootly.server.url },
        "rootly:rateLimits": { value: "read=1000/1s,write=1000/1s" },
      },
    });
    try {
      og.server.resetLog();
      rootly.server.resetLog();
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      // Handed over: the same objects, ids unchanged, nothing written at either vendor.
      expect(up.outputs.db.value).toBe((db.data as { id: string }).id);
      expect(up.outputs.nights.value).toBe((nights.data as { id: string }).id);
      expect(up.outputs.route.value).toBe((route.data as { id: string }).id);
      const writes = (log: { method: string; path: string }[]) => log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
      expect(writes(og.server.log)).toEqual([]);
      expect(writes(rootly.server.log)).toEqual([]);
      expect(team.rules.map((r) => r.name)).toEqual(["Database alerts", "Night shift", "Default Routing Rule"]);
      expect([...rootly.routes.values()].map((r) => r.name)).toEqual(["payments"]);

      // And the stack is steady: no diff, no calls.
      og.server.resetLog();
      rootly.server.resetLog();
      const pre = await s.stack.preview({ expectNoChanges: true });
      expect(pre.changeSummary.same).toBe(4);
      expect(og.server.log.length + rootly.server.log.length).toBe(0);
    } finally {
      await s.cleanup();
    }
  });
});

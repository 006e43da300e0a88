// Realistic objects seeded straight into the emulators' state (as if made in each vendor's UI).
import { randomUUID } from "node:crypto";
import type { OpsgenieState } from "../../../src/opsgenie/emulator/state";
import type { EmuRule } from "../../../src/opsgenie/emulator";
import type { RootlyEmulator } from "../../../src/rootly/emulator";
import type { FlashdutyEmulator } from "../../../src/flashduty/emulator";

type Cond = { field: string; operation: string; expectedValue?: string; key?: string; not?: boolean };
const conds = (cs: Cond[]) => cs.map((c, i) => ({ field: c.field, key: c.key, not: c.not ?? false, operation: c.operation, expectedValue: c.expectedValue ?? "", order: i }));

/** Adds a rule just above the team's default rule. */
/** Opsgenie, or a JSM / Compass Operations tenant of the Atlassian emulator (the same state). */
type Tenant = Pick<OpsgenieState, "team" | "seedTeam" | "seedSchedule" | "seedEscalation" | "accountTimezone">;

export function opsgenieRule(emu: Tenant, teamName: string, rule: Omit<EmuRule, "id" | "isDefault" | "timezone"> & { timezone?: string }): string {
  const t = emu.team(teamName)!;
  const id = randomUUID();
  t.rules.splice(t.rules.length - 1, 0, { id, isDefault: false, timezone: rule.timezone ?? emu.accountTimezone, ...rule } as EmuRule);
  return id;
}

/** Two teams ("Platform", "Payments") with ordered rules, conditions and time restrictions. */
export function seedOpsgenie(emu: Tenant): { platform: string; payments: string } {
  const platform = emu.seedTeam("Platform").id;
  const payments = emu.seedTeam("Payments").id;
  const sched = emu.seedSchedule("Platform_schedule").id;
  const payOncall = emu.seedSchedule("Payments on-call").id;
  const esc = emu.seedEscalation("Platform_escalation").id;
  opsgenieRule(emu, "Platform", {
    name: "Database alerts",
    criteria: { type: "match-any-condition", conditions: conds([{ field: "tags", operation: "contains", expectedValue: "database" }, { field: "source", operation: "starts-with", expectedValue: "rds" }]) },
    notify: { type: "schedule", id: sched },
  });
  opsgenieRule(emu, "Platform", {
    name: "Night P1 pages",
    criteria: { type: "match-all-conditions", conditions: conds([{ field: "priority", operation: "equals", expectedValue: "P1" }]) },
    timezone: "Europe/Berlin",
    timeRestriction: { type: "time-of-day", restriction: { startHour: 22, startMin: 0, endHour: 6, endMin: 30 } },
    notify: { type: "escalation", id: esc },
  });
  opsgenieRule(emu, "Platform", {
    name: "Weekend EU (quiet)",
    criteria: { type: "match-all-conditions", conditions: conds([{ field: "extra-properties", key: "region", operation: "equals", expectedValue: "eu" }, { field: "message", operation: "contains", expectedValue: "test", not: true }]) },
    timeRestriction: {
      type: "weekday-and-time-of-day",
      restrictions: [{ startDay: "saturday", startHour: 0, startMin: 0, endDay: "sunday", endHour: 23, endMin: 30 }],
    },
    notify: { type: "none" },
  });
  opsgenieRule(emu, "Payments", {
    name: "Card failures",
    criteria: { type: "match-any-condition", conditions: conds([{ field: "message", operation: "contains", expectedValue: "card declined" }, { field: "tags", operation: "is-empty" }]) },
    notify: { type: "schedule", id: payOncall },
  });
  opsgenieRule(emu, "Payments", { name: "Everything else", criteria: { type: "match-all" }, notify: { type: "schedule", id: payOncall } });
  return { platform, payments };
}

const cond = (o: Record<string, unknown>) => ({
  id: randomUUID(),
  property_field_name: null,
  property_field_value: null,
  property_field_values: null,
  alert_urgency_ids: null,
  conditionable_type: null,
  conditionable_id: null,
  ...o,
}) as never;

/** Two routes; "Production" has rules stored out of position order, two condition groups and a fallback rule. */
export function seedRootly(emu: RootlyEmulator): Record<string, string> {
  const ids = {
    datadog: emu.seed("alertSource", "Datadog"),
    grafana: emu.seed("alertSource", "Grafana"),
    sre: emu.seed("team", "SRE"),
    policy: emu.seed("escalationPolicy", "Primary"),
    search: emu.seed("service", "search"),
    platform: emu.seed("group", "Platform"),
  };
  const now = new Date().toISOString();
  const rule = (name: string, position: number, extra: Record<string, unknown>) => ({ id: randomUUID(), name, position, fallback_rule: false, destinations: [], condition_groups: [], ...extra });
  const prod = randomUUID();
  emu.routes.set(prod, {
    id: prod,
    name: "Production",
    enabled: true,
    alerts_source_ids: [ids.grafana, ids.datadog],
    owning_team_ids: [ids.sre],
    rules: [
      rule("everything else", 3, { fallback_rule: true, destinations: [{ id: randomUUID(), target_type: "Group", target_id: ids.platform }] }),
      rule("critical", 1, {
        destinations: [{ id: randomUUID(), target_type: "EscalationPolicy", target_id: ids.policy }],
        condition_groups: [
          { id: randomUUID(), position: 1, conditions: [cond({ property_field_condition_type: "is_one_of", property_field_type: "attribute", property_field_name: "severity", property_field_values: ["sev1", "sev0"] })] },
          {
            id: randomUUID(),
            position: 2,
            conditions: [
              cond({ property_field_condition_type: "contains", property_field_type: "payload", property_field_name: "$.tags", property_field_value: "page" }),
              cond({ property_field_condition_type: "starts_with", property_field_type: "attribute", property_field_name: "summary", property_field_value: "[PROD]" }),
            ],
          },
        ],
      }),
      rule("search", 2, {
        destinations: [{ id: randomUUID(), target_type: "Service", target_id: ids.search }],
        condition_groups: [{ id: randomUUID(), position: 1, conditions: [cond({ property_field_condition_type: "matches_regex", property_field_type: "attribute", property_field_name: "summary", property_field_value: "search|elastic" })] }],
      }),
    ],
    created_at: now,
    updated_at: now,
  } as never);
  const staging = randomUUID();
  emu.routes.set(staging, {
    id: staging,
    name: "Staging",
    enabled: false,
    alerts_source_ids: [ids.datadog],
    owning_team_ids: [],
    rules: [rule("all staging", 1, { fallback_rule: true, destinations: [{ id: randomUUID(), target_type: "Service", target_id: ids.search }] })],
    created_at: now,
    updated_at: now,
  } as never);
  return { ...ids, prod, staging };
}

export const INTEGRATION = 6113996590131;

/** A routing rule with sections, name mapping and fallthrough; a CMDB schema with `rows` rows. */
export function seedFlashduty(emu: FlashdutyEmulator, rows: number): { schemaId: string } {
  emu.seedIntegration(INTEGRATION);
  for (const [id, name] of [[2533748993131, "sre-oncall"], [3521074710131, "default-oncall"], [3521074710132, "payments"]] as const) emu.seedChannel(id, name);
  emu.editRouteOutOfBand(INTEGRATION, (r) => {
    r.cases = [
      { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }, { key: "labels.env", oper: "NOTIN", vals: ["staging", "dev*"] }], channel_ids: [2533748993131], fallthrough: true, routing_mode: "standard" },
      { if: [{ key: "labels.service", oper: "IN", vals: ["/^pay.*/"] }], channel_ids: [3521074710132], fallthrough: false, routing_mode: "" },
      { if: [{ key: "labels.service", oper: "IN", vals: ["*"] }], channel_ids: [], fallthrough: false, routing_mode: "name_mapping", name_mapping_label: "labels.service" },
    ];
    r.sections = [
      { name: "Critical", position: 0 },
      { name: "By service", position: 1 },
    ];
    r.default = { channel_ids: [3521074710131] };
  });
  const schemaId = emu.seedSchema({ id: "665f1a2b3c4d5e6f7a8b9c01", name: "CMDB Lookup", sourceLabels: ["host"], resultLabels: ["owner", "team"] });
  const docs = Array.from({ length: rows }, (_, i) => ({ host: `host-${String(i).padStart(5, "0")}`, owner: `owner-${i % 17}`, team: ["sre", "platform", "payments"][i % 3] }));
  const m = emu.data.get(schemaId) ?? new Map();
  emu.data.set(schemaId, m);
  const t = Math.floor(Date.now() / 1000);
  docs.forEach((d, i) => m.set(d.host, { key: d.host, fields: d, created_at: t, updated_at: t, seq: i + 1 }));
  return { schemaId };
}

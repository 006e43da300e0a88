import type { RootlyEmulator } from "../../../src/rootly/emulator";

export interface Ids {
  source: string;
  source2: string;
  team: string;
  service: string;
  service2: string;
  policy: string;
  group: string;
  field: string;
}

/** Catalog objects a route can point at. With an emulator they are seeded there (stable ids). */
export function ids(emu?: RootlyEmulator): Ids {
  const fixed = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  if (!emu)
    return { source: fixed(1), source2: fixed(2), team: fixed(3), service: fixed(4), service2: fixed(5), policy: fixed(6), group: fixed(7), field: fixed(8) };
  return {
    source: emu.seed("alertSource", "Datadog"),
    source2: emu.seed("alertSource", "Grafana"),
    team: emu.seed("team", "SRE"),
    service: emu.seed("service", "payments-api"),
    service2: emu.seed("service", "search"),
    policy: emu.seed("escalationPolicy", "Primary"),
    group: emu.seed("group", "Platform"),
    field: emu.seed("alertField", "region"),
  };
}

export function routeArgs(i: Ids, name = "payments") {
  return {
    name,
    alertsSourceIds: [i.source],
    owningTeamIds: [i.team],
    rules: [
      {
        name: "critical",
        destinations: [{ targetType: "EscalationPolicy" as const, targetId: i.policy }],
        conditionGroups: [
          {
            conditions: [
              { propertyFieldConditionType: "is_one_of" as const, propertyFieldType: "attribute" as const, propertyFieldName: "severity", propertyFieldValues: ["sev1", "sev0"] },
              { propertyFieldConditionType: "matches_regex" as const, propertyFieldType: "payload" as const, propertyFieldName: "$.host", propertyFieldValue: "^pay-.*" },
            ],
          },
        ],
      },
      {
        name: "search",
        destinations: [{ targetType: "Service" as const, targetId: i.service2 }],
        conditionGroups: [{ conditions: [{ propertyFieldConditionType: "contains" as const, propertyFieldType: "attribute" as const, propertyFieldName: "summary", propertyFieldValue: "search" }] }],
      },
    ],
  };
}

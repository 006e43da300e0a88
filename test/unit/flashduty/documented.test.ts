import { describe, expect, it } from "vitest";
import { validate } from "../../../src/core/kit";
import { MAPPING_LIMITS, SCHEMA_ID, matchValueError, validateDocs, validateKeys, validateRoute } from "../../../src/flashduty/emulator/validation";
import { DELETE_BATCH, MAX_ROWS, MAX_VALUE_CHARS, UPSERT_BATCH, mappingDataSchema } from "../../../src/flashduty/mapping.schema";
import { routeSchema, valueProblem } from "../../../src/flashduty/route.schema";

// The provider (check) and the emulator encode the vendor's rules separately. These tables are
// written out from the docs (../shared/vendor-docs/flashduty-route-upsert.md, flashduty-facts.md,
// flashduty-mapping-data-upsert.md): both sides must agree with them, so a wrong rule on one side shows.

describe("match values (route-upsert: literal, wildcard, /RE2/, cidr:, num:gt|ge|lt|le:N)", () => {
  const table: [value: string, accepted: boolean][] = [
    ["Critical", true],
    ["*", true],
    ["db-?", true],
    ["/^pay/", true],
    ["/(?i)^pay/", true],
    ["/(?P<svc>pay)-\\d+/", true],
    ["/\\Qa.b\\E/", true],
    ["/[[:alpha:]]+/", true],
    ["/a{1000}/", true],
    ["cidr:10.0.0.0/8", true],
    ["cidr:2001:db8::/32", true],
    ["num:lt:100", true],
    ["num:gt:-1.5", true],
    ["num:ge:0", true],
    ["num:le:3", true],
    // RE2 has no lookaround, backreferences or atomic groups, and caps repeats at 1,000.
    ["/(?=x)/", false],
    ["/(?<=x)y/", false],
    ["/(a)\\1/", false],
    ["/(?>a)/", false],
    ["/a{1001}/", false],
    ["/(unclosed/", false],
    ["cidr:10.0.0.0/33", false],
    ["cidr:fe80::/129", false],
    ["cidr:10.0.0/8", false],
    ["num:eq:5", false],
    ["num:lt:abc", false],
    ["num:lt:", false],
  ];
  it.each(table)("%s accepted: %s", (v, accepted) => {
    expect(valueProblem(v) === undefined, "provider").toBe(accepted);
    expect(matchValueError(v) === undefined, "emulator").toBe(accepted);
  });
});

interface ArgsCase {
  if: { key: string; oper: string; vals: string[] }[];
  channelIds?: number[];
  fallthrough?: boolean;
  routingMode?: string;
  nameMappingLabel?: string;
}
const cond = { key: "severity", oper: "IN", vals: ["Critical"] };
const wireCase = (c: ArgsCase) => ({
  if: c.if,
  channel_ids: c.channelIds ?? [],
  fallthrough: c.fallthrough ?? false,
  routing_mode: c.routingMode ?? "",
  ...(c.nameMappingLabel !== undefined ? { name_mapping_label: c.nameMappingLabel } : {}),
});
const both = (rule: { cases?: ArgsCase[]; sections?: { name: string; position: number }[]; default?: { channelIds: number[] } }) => ({
  provider: validate(routeSchema, { integrationId: 1, ...rule }).length === 0,
  emulator:
    typeof validateRoute(
      {
        integration_id: 1,
        ...(rule.cases ? { cases: rule.cases.map(wireCase) } : {}),
        ...(rule.sections ? { sections: rule.sections } : {}),
        ...(rule.default ? { default: { channel_ids: rule.default.channelIds } } : {}),
      },
      () => true,
    ) !== "string",
});

describe("routing rule (route-upsert: operators, routing modes, sections, cases or default)", () => {
  const table: [what: string, rule: Parameters<typeof both>[0], accepted: boolean][] = [
    ["oper IN", { cases: [{ if: [cond], channelIds: [1] }] }, true],
    ["oper NOTIN", { cases: [{ if: [{ ...cond, oper: "NOTIN" }], channelIds: [1] }] }, true],
    ["oper EQ", { cases: [{ if: [{ ...cond, oper: "EQ" }], channelIds: [1] }] }, false],
    ["oper in (lower case)", { cases: [{ if: [{ ...cond, oper: "in" }], channelIds: [1] }] }, false],
    ["a case without conditions", { cases: [{ if: [], channelIds: [1] }] }, false],
    ["a condition without values", { cases: [{ if: [{ ...cond, vals: [] }], channelIds: [1] }] }, false],
    ["routing mode standard", { cases: [{ if: [cond], channelIds: [1], routingMode: "standard" }] }, true],
    ["routing mode empty (= standard)", { cases: [{ if: [cond], channelIds: [1], routingMode: "" }] }, true],
    ["routing mode fixed", { cases: [{ if: [cond], channelIds: [1], routingMode: "fixed" }] }, false],
    ["standard without channels", { cases: [{ if: [cond], channelIds: [] }] }, false],
    ["name_mapping with a label", { cases: [{ if: [cond], routingMode: "name_mapping", nameMappingLabel: "labels.service" }] }, true],
    ["name_mapping without a label", { cases: [{ if: [cond], routingMode: "name_mapping" }] }, false],
    ["name_mapping with channels", { cases: [{ if: [cond], channelIds: [1], routingMode: "name_mapping", nameMappingLabel: "labels.service" }] }, false],
    ["default only", { default: { channelIds: [1] } }, true],
    ["neither cases nor default", {}, false],
    ["section at 0", { cases: [{ if: [cond], channelIds: [1] }], sections: [{ name: "top", position: 0 }] }, true],
    ["section at len(cases)", { cases: [{ if: [cond], channelIds: [1] }], sections: [{ name: "end", position: 1 }] }, true],
    ["section past len(cases)", { cases: [{ if: [cond], channelIds: [1] }], sections: [{ name: "past", position: 2 }] }, false],
    [
      "section names not unique",
      { cases: [{ if: [cond], channelIds: [1] }], sections: [{ name: "s", position: 0 }, { name: "s", position: 1 }] },
      false,
    ],
  ];
  it.each(table)("%s accepted: %s", (_what, rule, accepted) => {
    expect(both(rule)).toEqual({ provider: accepted, emulator: accepted });
  });
});

describe("mapping data (mapping-data-upsert, facts: limits and formats)", () => {
  const SID = "665f1a2b3c4d5e6f7a8b9c01";
  it("values: at most 2,048 characters", () => {
    expect(MAX_VALUE_CHARS).toBe(2048);
    expect(MAPPING_LIMITS.valueChars).toBe(2048);
    for (const [n, accepted] of [
      [2048, true],
      [2049, false],
    ] as const) {
      const row = { host: "h", owner: "o".repeat(n) };
      expect(validate(mappingDataSchema, { schemaId: SID, rows: [row] }).length === 0, `provider ${n}`).toBe(accepted);
      expect(Array.isArray(validateDocs([row], ["host", "owner"])), `emulator ${n}`).toBe(accepted);
    }
  });

  it("at most 1,000 docs per upsert and 100 keys per delete: the provider's batches fit exactly", () => {
    expect(UPSERT_BATCH).toBe(1000);
    expect(Array.isArray(validateDocs(Array.from({ length: UPSERT_BATCH }, (_, i) => ({ host: `h${i}` })), ["host"]))).toBe(true);
    expect(Array.isArray(validateDocs(Array.from({ length: UPSERT_BATCH + 1 }, (_, i) => ({ host: `h${i}` })), ["host"]))).toBe(false);
    expect(DELETE_BATCH).toBe(100);
    expect(Array.isArray(validateKeys(Array.from({ length: DELETE_BATCH }, (_, i) => `k${i}`)))).toBe(true);
    expect(Array.isArray(validateKeys(Array.from({ length: DELETE_BATCH + 1 }, (_, i) => `k${i}`)))).toBe(false);
  });

  it("10,000 rows per schema by default", () => {
    expect(MAX_ROWS).toBe(10_000);
    expect(MAPPING_LIMITS.rowsPerSchema).toBe(10_000);
  });

  it("schema ids are MongoDB ObjectIDs (24 hex characters)", () => {
    for (const [id, accepted] of [
      [SID, true],
      ["665F1A2B3C4D5E6F7A8B9C01", true],
      ["665f1a2b3c4d5e6f7a8b9c0", false],
      ["665f1a2b3c4d5e6f7a8b9c0g", false],
    ] as const) {
      expect(validate(mappingDataSchema, { schemaId: id, rows: [] }).length === 0, `provider ${id}`).toBe(accepted);
      expect(SCHEMA_ID.test(id), `emulator ${id}`).toBe(accepted);
    }
  });
});

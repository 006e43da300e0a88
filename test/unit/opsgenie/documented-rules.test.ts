import { describe, expect, it } from "vitest";
import * as emulator from "../../../src/opsgenie/emulator/validation";
import * as provider from "../../../src/opsgenie/team-routing-rule.schema";

// The provider (check) and the emulator each keep their own copy of Opsgenie's rules.
// Both are held here against the docs (../shared/vendor-docs/opsgenie-team-routing-rule-api.md
// and opsgenie-facts.md), written out again in another shape: a wrong table on one side
// fails here instead of passing on both.

/** Per operation, the field types the docs allow it for ("Available operations changes according to the fields type"). */
const TYPES_OF_OPERATION: Record<string, string[]> = {
  matches: ["String", "Number"],
  contains: ["String", "List", "Map"],
  "starts-with": ["String"],
  "ends-with": ["String"],
  equals: ["String", "Number", "Boolean"],
  "contains-key": ["Map"],
  "contains-value": ["Map"],
  "greater-than": ["Number"],
  "less-than": ["Number"],
  "is-empty": ["String", "List", "Map"],
  "equals-ignore-whitespace": ["String"],
};
/** The docs page's fields; the OpenAPI spec adds details and responders. */
const DOCUMENTED_FIELDS = "message alias description source entity tags actions extra-properties recipients teams priority details responders";

const sorted = (xs: readonly string[]) => [...xs].sort();
const typesOf = (table: Readonly<Record<string, readonly string[]>>, op: string) => Object.keys(table).filter((t) => table[t].includes(op));

describe("opsgenie: provider and emulator agree with the documented rules", () => {
  it("condition fields and operations", () => {
    const fields = sorted(DOCUMENTED_FIELDS.split(" "));
    expect(sorted(provider.FIELDS)).toEqual(fields);
    expect(sorted(emulator.CONDITION_FIELDS)).toEqual(fields);
    const operations = sorted(Object.keys(TYPES_OF_OPERATION));
    expect(sorted(provider.OPERATIONS)).toEqual(operations);
    expect(sorted(emulator.CONDITION_OPERATIONS)).toEqual(operations);
  });

  it("which operations each field type allows", () => {
    for (const [op, types] of Object.entries(TYPES_OF_OPERATION)) {
      expect(sorted(typesOf(provider.OPERATIONS_BY_TYPE, op)), `provider: ${op}`).toEqual(sorted(types));
      expect(sorted(typesOf(emulator.OPERATIONS_OF_TYPE, op)), `emulator: ${op}`).toEqual(sorted(types));
    }
  });

  it("every field and key accepts the same operations on both sides (the field types are NOTES.md's assumption)", () => {
    for (const field of provider.FIELDS)
      for (const key of field === "extra-properties" ? [undefined, "k"] : [undefined])
        expect(sorted(emulator.allowedOperations(field, key)), `${field} key=${key}`).toEqual(sorted(provider.operationsFor(field, key)));
  });

  it("criteria, notify and time-restriction types, weekdays", () => {
    const pairs: [readonly string[], readonly string[], string[]][] = [
      [provider.CRITERIA_TYPES, emulator.CRITERIA, ["match-all", "match-all-conditions", "match-any-condition"]],
      [provider.NOTIFY_TYPES, emulator.NOTIFY_TARGETS, ["escalation", "none", "schedule"]],
      [provider.RESTRICTION_TYPES, emulator.RESTRICTION_KINDS, ["time-of-day", "weekday-and-time-of-day"]],
    ];
    for (const [p, e, documented] of pairs) {
      expect(sorted(p)).toEqual(documented);
      expect(sorted(e)).toEqual(documented);
    }
    const days = "monday tuesday wednesday thursday friday saturday sunday".split(" ");
    expect([...provider.DAYS]).toEqual(days);
    expect([...emulator.WEEKDAYS]).toEqual(days);
  });

  it("a weekday-and-time-of-day restriction holds 1 to 15 intervals", () => {
    const interval = { startDay: "monday", startHour: 8, startMin: 0, endDay: "monday", endHour: 18, endMin: 30 };
    const tr = (n: number) => ({ type: "weekday-and-time-of-day", restrictions: Array.from({ length: n }, () => interval) });
    const args = (n: number) => ({ teamId: "0e4a1c2b-3d5f-4a6b-8c7d-9e0f1a2b3c4d", name: "r", notify: { type: "none" }, timeRestriction: tr(n) });
    for (const [n, ok] of [[0, false], [1, true], [15, true], [16, false]] as const) {
      expect(provider.checkSchema.safeParse(args(n)).success, `provider: ${n}`).toBe(ok);
      if (ok) expect(() => emulator.validTimeRestriction(tr(n))).not.toThrow();
      else expect(() => emulator.validTimeRestriction(tr(n))).toThrow(/1 to 15/);
    }
  });
});

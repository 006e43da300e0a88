import { describe, expect, it } from "vitest";
import { validate } from "../../../src/core/kit";
import { checkRowsAgainstLabels, mappingDataSchema } from "../../../src/flashduty/mapping.schema";

const SID = "665f1a2b3c4d5e6f7a8b9c01";
const labels = { sourceLabels: ["host"], resultLabels: ["owner", "team"] };

describe("FlashdutyMappingData check", () => {
  it("pure: schema id, value length, label names, row count", () => {
    expect(validate(mappingDataSchema, { schemaId: SID, rows: [{ host: "a", owner: "b", team: "c" }] })).toEqual([]);
    expect(validate(mappingDataSchema, { schemaId: "nope", rows: [] }).map((f) => f.property)).toEqual(["schemaId"]);
    const long = validate(mappingDataSchema, { schemaId: SID, rows: [{ host: "a" }, { host: "x".repeat(2049) }] });
    expect(long).toEqual([{ property: "rows[1].host", reason: expect.stringMatching(/2049 characters.*2048/) }]);
    expect(validate(mappingDataSchema, { schemaId: SID, rows: [{ Host: "a" }] }).map((f) => f.property)).toEqual(["rows[0].Host"]);
    expect(validate(mappingDataSchema, { schemaId: SID, rows: [{ host: 5 }] }).map((f) => f.property)).toEqual(["rows[0].host"]);
    const many = Array.from({ length: 10_001 }, (_, i) => ({ host: `h${i}` }));
    expect(validate(mappingDataSchema, { schemaId: SID, rows: many }).map((f) => f.property)).toEqual(["rows"]);
  });

  it("against the schema's labels: missing, unknown, duplicate source keys, with the row index", () => {
    const f = checkRowsAgainstLabels(
      [
        { host: "a", owner: "o", team: "t" },
        { host: "b", owner: "o" },
        { host: "c", owner: "o", team: "t", colour: "red" },
        { host: "a", owner: "other", team: "t" },
        { host: "", owner: "o", team: "t" },
      ],
      labels,
    );
    expect(f.map((x) => x.property)).toEqual(["rows[1].team", "rows[2].colour", "rows[3]", "rows[4].host"]);
    expect(f[0].reason).toMatch(/missing label "team"/);
    expect(f[1].reason).toMatch(/unknown label "colour"/);
    expect(f[2].reason).toMatch(/duplicates rows\[0\].*host="a"/);
  });

  it("caps the failure list", () => {
    const rows = Array.from({ length: 100 }, () => ({ host: "x" }));
    const f = checkRowsAgainstLabels(rows, labels);
    expect(f.length).toBe(26);
    expect(f[25]).toMatchObject({ property: "rows", reason: expect.stringMatching(/more problems/) });
  });
});

import { describe, expect, it } from "vitest";
import { validate } from "../../../src/core/kit";
import { UNKNOWN } from "../../../src/core/unknown";
import { routeSchema, valueProblem } from "../../../src/flashduty/route.schema";

const ok = { integrationId: 1, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [10] }] };
const props = (v: unknown) => validate(routeSchema, v).map((f) => f.property);

describe("FlashdutyRoute check", () => {
  it("accepts a minimal rule and a default-only rule", () => {
    expect(validate(routeSchema, ok)).toEqual([]);
    expect(validate(routeSchema, { integrationId: "6113996590131", default: { channelIds: [1] } })).toEqual([]);
  });

  it("needs at least one of cases or default", () => {
    const f = validate(routeSchema, { integrationId: 1 });
    expect(f).toEqual([{ property: "cases", reason: expect.stringMatching(/at least one of cases or default/) }]);
    expect(props({ integrationId: 1, cases: [] })).toEqual(["cases"]);
  });

  it("names the path of a malformed value: regex, cidr, num", () => {
    const bad = {
      integrationId: 1,
      cases: [
        ok.cases[0],
        ok.cases[0],
        {
          if: [{ key: "labels.host", oper: "IN", vals: ["/ok.*/", "/(unclosed/", "cidr:10.0.0.0/33", "num:eq:5", "num:lt:abc", "cidr:10.0.0.0/8", "num:ge:-1.5", "*"] }],
          channelIds: [1],
        },
      ],
    };
    const f = validate(routeSchema, bad);
    expect(f.map((x) => x.property)).toEqual(["cases[2].if[0].vals[1]", "cases[2].if[0].vals[2]", "cases[2].if[0].vals[3]", "cases[2].if[0].vals[4]"]);
    expect(f[0].reason).toMatch(/not a valid RE2 pattern/);
    expect(f[1].reason).toMatch(/CIDR/);
    expect(f[2].reason).toMatch(/gt\|ge\|lt\|le/);
    expect(f[3].reason).toMatch(/not a number/);
  });

  it("checks value kinds directly", () => {
    expect(valueProblem("cidr:fd00::/8")).toBeUndefined();
    expect(valueProblem("cidr:300.1.1.1/8")).toMatch(/CIDR/);
    expect(valueProblem("num:le:100")).toBeUndefined();
    expect(valueProblem("plain value")).toBeUndefined();
    expect(valueProblem("")).toMatch(/empty/);
  });

  it("routing modes: channelIds for standard, nameMappingLabel and no channels for name_mapping", () => {
    const cond = [{ key: "severity", oper: "IN", vals: ["Warning"] }];
    expect(props({ integrationId: 1, cases: [{ if: cond }] })).toEqual(["cases[0].channelIds"]);
    expect(props({ integrationId: 1, cases: [{ if: cond, routingMode: "", channelIds: [] }] })).toEqual(["cases[0].channelIds"]);
    expect(props({ integrationId: 1, cases: [{ if: cond, routingMode: "name_mapping", channelIds: [3] }] }).sort()).toEqual([
      "cases[0].channelIds",
      "cases[0].nameMappingLabel",
    ]);
    expect(props({ integrationId: 1, cases: [{ if: cond, routingMode: "name_mapping", nameMappingLabel: "labels.service" }] })).toEqual([]);
    expect(props({ integrationId: 1, cases: [{ if: cond, channelIds: [1], nameMappingLabel: "labels.x" }] })).toEqual(["cases[0].nameMappingLabel"]);
    expect(props({ integrationId: 1, cases: [{ if: cond, routingMode: "fancy", channelIds: [1] }] })).toEqual(["cases[0].routingMode"]);
  });

  it("sections: unique names, positions in 0..len(cases)", () => {
    const f = validate(routeSchema, {
      ...ok,
      sections: [
        { name: "a", position: 0 },
        { name: "a", position: 1 },
        { name: "b", position: 2 },
      ],
    });
    expect(f.map((x) => x.property)).toEqual(["sections[1].name", "sections[2].position"]);
    expect(f[1].reason).toMatch(/between 0 and 1/);
  });

  it("rejects bad ids and unknown properties with their paths", () => {
    expect(props({ ...ok, integrationId: -3 })).toEqual(["integrationId"]);
    expect(props({ ...ok, cases: [{ ...ok.cases[0], channelIds: [1.5] }] })).toEqual(["cases[0].channelIds[0]"]);
    expect(props({ ...ok, typo: true })).toEqual(["typo"]);
    expect(props({ ...ok, cases: [{ if: [{ key: "severity", oper: "EQ", vals: ["x"] }], channelIds: [1] }] })).toEqual(["cases[0].if[0].oper"]);
  });

  it("lets unknown preview values through", () => {
    expect(validate(routeSchema, { integrationId: UNKNOWN, cases: [{ if: [{ key: "severity", oper: "IN", vals: [UNKNOWN] }], channelIds: [UNKNOWN] }] })).toEqual([]);
  });

  it("num: grammar: gt|ge|lt|le then an optional minus, digits and a decimal part; nothing else", () => {
    for (const v of ["num:gt:0", "num:ge:-1.5", "num:lt:100", "num:le:0.25"]) expect(valueProblem(v), v).toBeUndefined();
    for (const v of ["num:gt:0x10", "num:gt: 5", "num:gt:5 ", "num:lt:1e3", "num:lt:+5", "num:lt:.5", "num:lt:5.", "num:lt:Infinity", "num:lt:NaN", "num:GT:5", "num:eq:5"])
      expect(valueProblem(v), v).toBeDefined();
    expect(valueProblem("num:gt:0x10")).toMatch(/not a number.*no spaces, hex or exponents/);
  });

  it("regexes: checked by RE2 itself: (?i), (?P<name>), [[:alpha:]], \\Q..\\E, {1000} pass; lookaround, backreferences, \\cX and counts over 1000 do not", () => {
    for (const v of ["/(?i)^billing/", "/(?i)^db-/", "/(?i:prod|stage)-x/", "/(?P<env>prod)-\\d+/", "/(?<env>prod)/", "/[[:alpha:]]+/", "/\\Qa.b\\E/", "/a{1000}/", "/a{2,1000}/", "/[]a]/", "/(?s).*/", "/(?U)a+/", "/(?i-s)a/", "/\\pL+/", "/\\p{Greek}/", "/(?m)^x$/"])
      expect(valueProblem(v), v).toBeUndefined();
    expect(valueProblem("/^db(?=-prod)/")).toMatch(/lookahead.*RE2/);
    expect(valueProblem("/^(?!test)/")).toMatch(/lookahead/);
    expect(valueProblem("/(?<=db)-prod/")).toMatch(/lookbehind/);
    expect(valueProblem("/(a)\\1/")).toMatch(/backreference/);
    expect(valueProblem("/(?<x>a)\\k<x>/")).toMatch(/named backreference/);
    expect(valueProblem("/a{1001}/")).toMatch(/invalid repeat count.*up to 1000/);
    expect(valueProblem("/a{5,2}/")).toMatch(/invalid repeat count.*maximum may not be below the minimum/);
    expect(valueProblem("/(?x)a/")).toMatch(/flags i, m, s, U/);
    expect(valueProblem("/(?>a)/")).toMatch(/atomic/);
    expect(valueProblem("/a++/")).toMatch(/possessive/);
    expect(valueProblem("/\\cX/")).toMatch(/\\cX.*not supported by RE2/); // RE2 has no control escapes (JS does)
    expect(valueProblem("/x{2}{3}/")).toMatch(/nested repetition/);
    expect(valueProblem("/[(?=]/")).toBeUndefined(); // inside a class it is text
    expect(valueProblem("/([a-z/")).toMatch(/missing closing \]/);
  });

  it("names: not blank, no surrounding whitespace, bounded; schema ids only 24 hex", () => {
    const withSection = (name: string) => props({ ...ok, sections: [{ name, position: 0 }] });
    expect(withSection("  ")).toEqual(["sections[0].name"]);
    expect(withSection(" top")).toEqual(["sections[0].name"]);
    expect(withSection("x".repeat(255))).toEqual([]);
    expect(validate(routeSchema, { ...ok, integrationId: "9007199254740993" })).toContainEqual({ property: "integrationId", reason: "integrationId is larger than a safe integer" });
  });
});

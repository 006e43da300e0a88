import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createDispatcher, formatPath, providerShim, validate } from "../../../src/core/kit";
import { UNKNOWN } from "../../../src/core/unknown";
import { registerSecret } from "../../../src/core/errors";

const schema = z
  .object({
    name: z.string().min(1),
    order: z.number().int().min(0).optional(),
    rules: z.array(z.object({ op: z.enum(["eq", "ne"]), value: z.string() })),
    notify: z.object({ id: z.string().optional(), name: z.string().optional() }).refine((n) => !(n.id && n.name), "give id or name, not both"),
  })
  .strict();

describe("validate", () => {
  it("names each unknown key, with the camelCase spelling when a vendor's was used", () => {
    const schema = z.strictObject({ integrationId: z.number(), nested: z.strictObject({ a: z.string() }) });
    const failures = validate(schema, { integrationId: 1, integration_id: 1, nested: { a: "x", b: 1 } });
    expect(failures.sort((x, y) => x.property.localeCompare(y.property))).toEqual([
      { property: "integration_id", reason: "unknown property (inputs are camelCase: integrationId)" },
      { property: "nested.b", reason: "unknown property" },
    ]);
  });
  it("names the property path of each failure", () => {
    const f = validate(schema, { name: "", rules: [{ op: "eq", value: "a" }, { op: "gt", value: "b" }], notify: { id: "1", name: "n" } });
    expect(f.map((x) => x.property).sort()).toEqual(["name", "notify", "rules[1].op"]);
  });
  it("lets unknown preview values through, and only those", () => {
    expect(validate(schema, { name: UNKNOWN, order: UNKNOWN, rules: UNKNOWN, notify: { id: UNKNOWN } })).toEqual([]);
    const f = validate(schema, { name: "x", order: -1, rules: [{ op: UNKNOWN, value: 3 }], notify: {} });
    expect(f.map((x) => x.property).sort()).toEqual(["order", "rules[0].value"]);
  });
  it("formats paths like users write them", () => {
    expect(formatPath(["cases", 2, "if", 0, "vals", 1])).toBe("cases[2].if[0].vals[1]");
  });
});

describe("dispatcher", () => {
  const calls: string[] = [];
  const ok = { name: "a", rules: [{ op: "eq", value: "x" }], notify: {} };
  const dispatch = createDispatcher([
    {
      module: "t",
      type: "Thing",
      schema,
      replaceKeys: ["name"],
      diff: (olds: { name: string; order?: number }, news: { name: string; order?: number }) => ({
        changes: olds.name !== news.name || olds.order !== news.order,
        replaces: olds.name !== news.name ? ["name"] : [],
      }),
      create: async () => {
        calls.push("create");
        throw new Error("failed with GenieKey abc123secret at /x?app_key=topsecret (authorization: Basic Ym90QGV4YW1wbGUuY29tOnRvazEyMw==)");
      },
      read: async () => undefined,
      update: async () => {
        // A bare credential, in no recognisable shape: only registration can catch it.
        throw new Error("vendor echoed zq9-Bare-Credential-77 back");
      },
      delete: async () => undefined,
    },
  ]);
  it("reports a change (and a replace) where a value is unknown", async () => {
    const olds = { name: "a", order: 1, __provider: "p" };
    expect(await dispatch("t:Thing", "diff", ["id", olds, { name: "a", order: 1, __provider: "q" }])).toMatchObject({ changes: false });
    expect(await dispatch("t:Thing", "diff", ["id", olds, { name: "a", order: UNKNOWN }])).toMatchObject({ changes: true, replaces: [] });
    expect(await dispatch("t:Thing", "diff", ["id", olds, { name: UNKNOWN, order: 1 }])).toMatchObject({ changes: true, replaces: ["name"] });
  });
  it("never lets a credential out in an error", async () => {
    const e = await dispatch("t:Thing", "create", [ok]).catch((x: Error) => x);
    expect(String(e)).toMatch(/GenieKey \[redacted\].*app_key=\[redacted\].*Basic \[redacted\]/);
    expect(String(e)).not.toContain("Ym90QGV4YW1wbGUuY29tOnRvazEyMw");
  });
  it("redacts a registered credential wherever it appears, whatever its shape", async () => {
    registerSecret("zq9-Bare-Credential-77");
    const e = await dispatch("t:Thing", "update", ["id", ok, ok]).catch((x: Error) => x);
    expect(String(e)).toContain("vendor echoed [redacted] back");
    expect(String(e)).not.toContain("zq9-Bare");
  });
  it("tells the engine a gone object has no id", async () => {
    expect(await dispatch("t:Thing", "read", ["id", {}])).toEqual({ id: undefined, props: {} });
  });
  it("hands create the parsed inputs, and refuses what check would have refused", async () => {
    await expect(dispatch("t:Thing", "create", [{ name: "" , rules: [], notify: {} }])).rejects.toThrow(/invalid inputs: name:/);
    expect(calls.filter((c) => c === "create")).toHaveLength(1); // only the earlier, valid call got through
  });
  it("refuses an unknown type with a hint", async () => {
    await expect(dispatch("t:Other", "create", [{}])).rejects.toThrow(/unknown resource type t:Other/);
  });
});

describe("check", () => {
  it("redacts a credential quoted in a failure reason", async () => {
    registerSecret("zq9-InUrl-Credential-55");
    const dispatch = createDispatcher([
      {
        module: "t",
        type: "Remote",
        schema: z.object({ id: z.string() }),
        checkRemote: async () => [{ property: "id", reason: "not found at https://x.test/?app_key=zq9-InUrl-Credential-55" }],
        diff: () => ({ changes: false }),
        create: async () => ({ id: "x", outs: {} }),
        read: async () => undefined,
        update: async () => ({}),
        delete: async () => undefined,
      },
    ]);
    const r = (await dispatch("t:Remote", "check", [undefined, { id: "a" }])) as { failures: { reason: string }[] };
    expect(r.failures[0].reason).toBe("not found at https://x.test/?app_key=[redacted]");
  });
});

describe("providerShim", () => {
  it("is one object per resource type, so the SDK serializes its closure once", () => {
    expect(providerShim("pulumi-alert-routing/runtime", "opsgenie:TeamRoutingRule")).toBe(providerShim("pulumi-alert-routing/runtime", "opsgenie:TeamRoutingRule"));
    expect(providerShim("pulumi-alert-routing/runtime", "rootly:AlertRoute")).not.toBe(providerShim("pulumi-alert-routing/runtime", "opsgenie:TeamRoutingRule"));
  });
});

describe("check's wording", () => {
  const schema = z.strictObject({
    name: z.string(),
    order: z.number().int().optional(),
    criteria: z.strictObject({ type: z.enum(["match-all", "match-any-condition"]) }),
    list: z.array(z.strictObject({ field: z.string(), expectedValue: z.string().optional() })).optional(),
  });
  it("a near miss gets a did-you-mean, at any depth", () => {
    const f = validate(schema, { naem: "n", name: "n", ordr: 1, criteria: { type: "match-all" }, list: [{ field: "f", expectedvalue: "x" }] });
    expect(f).toEqual([
      { property: "list[0].expectedvalue", reason: "unknown property (did you mean expectedValue?)" },
      { property: "naem", reason: "unknown property (did you mean name?)" },
      { property: "ordr", reason: "unknown property (did you mean order?)" },
    ]);
  });
  it("a missing value is required, a wrong kind says what it must be: no zod wording", () => {
    const f = validate(schema, { name: 7 });
    expect(f).toEqual([
      { property: "name", reason: "must be a string, not a number" },
      { property: "criteria", reason: "`criteria` is required" },
    ]);
    expect(JSON.stringify(validate(schema, { name: "n", criteria: { type: "x" } }))).not.toMatch(/Invalid (input|option)/);
  });
});

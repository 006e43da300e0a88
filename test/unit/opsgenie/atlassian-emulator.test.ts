import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAtlassianOpsEmulator, DEFAULT_KNOBS, type AtlassianOpsEmulator } from "../../../src/opsgenie/emulator";

// The JSM / Compass Operations emulator against the facts file
// (../shared/vendor-docs/jsm-ops-routing-rules-facts.md), over raw HTTP: paths, auth,
// bodies and status codes, and the knobs for what the facts mark unknown.
let emu: AtlassianOpsEmulator;
const auth = () => `Basic ${Buffer.from(`${emu.email}:${emu.apiToken}`).toString("base64")}`;
async function call(method: string, url: string, body?: unknown, authorization = auth()): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method, headers: { authorization, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  emu = createAtlassianOpsEmulator();
  await emu.server.start();
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  emu.knobs = { ...DEFAULT_KNOBS, status: { ...DEFAULT_KNOBS.status } };
  emu.jsm.teams.clear();
  emu.compass.teams.clear();
});

describe("JSM / Compass Operations emulator", () => {
  it("documented shapes: bases, Basic auth, create 201 with the rule, get/list/PATCH 200, delete and change-order 204, links.next relative to the base", async () => {
    const t = emu.jsm.seedTeam("Ops");
    const base = emu.base("jsm");
    expect(base).toBe(`${emu.server.url}/jsm/ops/api/${emu.cloudId}`);
    expect(emu.base("compass")).toBe(`${emu.server.url}/compass/cloud/${emu.cloudId}/ops`);
    expect((await call("GET", `${base}/v1/teams/${t.id}/routing-rules`, undefined, "GenieKey x")).status).toBe(401);
    expect(await call("GET", `${emu.server.url}/_edge/tenant_info`, undefined, "")).toEqual({ status: 200, body: { cloudId: emu.cloudId } });

    const created = await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: "a", order: 0, criteria: { type: "match-all" }, notify: { type: "none" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "a", order: 0, isDefault: false, notify: { type: "none" } });
    const id = (created.body as { id: string }).id;
    for (let i = 1; i < 5; i++) await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: `r${i}`, order: i, notify: { type: "none" } });
    const page = await call("GET", `${base}/v1/teams/${t.id}/routing-rules?offset=0&size=2`);
    expect(page).toMatchObject({ status: 200, body: { links: { next: `/v1/teams/${t.id}/routing-rules?offset=2&size=2` } } });
    expect((page.body as { values: unknown[] }).values).toHaveLength(2);
    const last = await call("GET", `${base}/v1/teams/${t.id}/routing-rules?offset=4&size=2`);
    expect((last.body as { links: { next?: string } }).links.next).toBeUndefined();
    expect((await call("GET", `${base}/v1/teams/${t.id}/routing-rules/${id}`)).status).toBe(200);
    expect((await call("PATCH", `${base}/v1/teams/${t.id}/routing-rules/${id}`, { name: "a2" })).body).toMatchObject({ name: "a2" });
    expect((await call("PATCH", `${base}/v1/teams/${t.id}/routing-rules/${id}/change-order`, { order: 3 })).status).toBe(204);
    expect(t.rules.findIndex((r) => r.id === id)).toBe(3);
    expect((await call("POST", `${base}/v1/teams/${t.id}/routing-rules/${id}/change-order`, { order: 0 })).status).toBe(404);
    expect((await call("DELETE", `${base}/v1/teams/${t.id}/routing-rules/${id}`)).status).toBe(204);
    // The other product's tenant does not have the team.
    expect((await call("GET", `${emu.base("compass")}/v1/teams/${t.id}/routing-rules`)).status).toBe(404);
  });

  it("notify by id only, no Opsgenie-only condition fields, default rule kept", async () => {
    const t = emu.compass.seedTeam("Ops");
    const s = emu.compass.seedSchedule("Primary");
    const base = emu.base("compass");
    expect((await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: "n", notify: { type: "schedule", name: "Primary" } })).status).toBe(400);
    expect((await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: "n", notify: { type: "schedule", id: s.id } })).body).toMatchObject({ notify: { type: "schedule", id: s.id } });
    const bad = await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: "x", criteria: { type: "match-all-conditions", conditions: [{ field: "recipients", operation: "contains", expectedValue: "a" }] }, notify: { type: "none" } });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringContaining("recipients") } });
    const def = t.rules.at(-1)!;
    expect((await call("DELETE", `${base}/v1/teams/${t.id}/routing-rules/${def.id}`)).status).toBe(400);
    expect((await call("GET", `${base}/v1/schedules`)).body).toEqual({ values: [{ id: s.id, name: "Primary" }], links: {} });
  });

  it("knobs: isDefault as a string, errors as errors[].title, full PATCH, create without order on top, empty create answer", async () => {
    const t = emu.jsm.seedTeam("Ops");
    const base = emu.base("jsm");
    emu.knobs.isDefaultAs = "string";
    emu.knobs.errorShape = "errors";
    const list = (await call("GET", `${base}/v1/teams/${t.id}/routing-rules`)).body as { values: { isDefault: unknown }[] };
    expect(list.values[0].isDefault).toBe("true");
    expect((await call("GET", `${base}/v1/teams/${t.id}/routing-rules/nope`)).body).toEqual({ errors: [{ status: 404, title: "Routing rule nope not found" }] });
    emu.knobs.createWithoutOrder = "top";
    emu.knobs.createBody = "empty";
    emu.knobs.status.create = 204;
    await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: "first", notify: { type: "none" } });
    const r = await call("POST", `${base}/v1/teams/${t.id}/routing-rules`, { name: "top", timezone: "Europe/Berlin", criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "x" }] }, notify: { type: "none" } });
    expect(r).toEqual({ status: 204, body: undefined });
    expect(t.rules.map((x) => x.name)).toEqual(["top", "first", "Default Routing Rule"]);
    emu.knobs.patch = "full";
    await call("PATCH", `${base}/v1/teams/${t.id}/routing-rules/${t.rules[0].id}`, { name: "top2", notify: { type: "none" } });
    expect(t.rules[0]).toMatchObject({ name: "top2", criteria: { type: "match-all" }, timezone: emu.jsm.accountTimezone });
  });
});

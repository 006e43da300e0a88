import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRootlyEmulator } from "../../../src/rootly/emulator";
import { ids, routeArgs } from "./fixtures";

const emu = createRootlyEmulator({ limits: { read: 5, write: 3, windowMs: 60_000 } });
const MEDIA = "application/vnd.api+json";
beforeAll(() => emu.server.start());
afterAll(() => emu.server.stop());

async function call(method: string, path: string, body?: unknown, token = emu.credential, contentType = MEDIA) {
  const res = await fetch(emu.server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": contentType } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, never> };
}

describe("Rootly emulator", () => {
  it("follows the documented envelopes, auth, validation and rate limits", async () => {
    const I = ids(emu);
    expect((await call("GET", "/v1/alert_routes", undefined, "nope")).status).toBe(401);

    const attrs = { name: "r", alerts_source_ids: [I.source], rules: [] as unknown[] };
    expect((await call("POST", "/v1/alert_routes", { data: { type: "alert_routes", attributes: attrs } }, emu.credential, "application/json")).status).toBe(415);

    const two = {
      ...attrs,
      rules: [0, 1].map((n) => ({ name: `f${n}`, fallback_rule: true, destinations: [{ target_type: "Service", target_id: I.service }], condition_groups: [] })),
    };
    const bad = await call("POST", "/v1/alert_routes", { data: { type: "alert_routes", attributes: two } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ status: "422", detail: expect.stringContaining("multiple fallback rules"), source: { pointer: "/data/attributes/rules" } })]);
    expect(bad.headers.get("x-ratelimit-limit")).toBe("3, 3;window=60");
    expect(bad.headers.get("x-ratelimit-remaining")).toBe("1"); // two writes so far (the 415 counts too)
    expect(bad.headers.get("x-ratelimit-used")).toBe("2");
    expect(Number(bad.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);

    const noDest = { ...attrs, rules: [{ name: "x", destinations: [], condition_groups: [] }] };
    const nd = await call("POST", "/v1/alert_routes", { data: { type: "alert_routes", attributes: noDest } });
    expect(nd.body.errors).toEqual([expect.objectContaining({ source: { pointer: "/data/attributes/rules/0/destinations" } })]);
    expect(nd.headers.get("x-ratelimit-remaining")).toBe("0");

    const limited = await call("POST", "/v1/alert_routes", { data: { type: "alert_routes", attributes: attrs } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: "Rate limit exceeded. Try again later." });
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    emu.setLimits({ read: 1000, write: 1000 });

    const created = await call("POST", "/v1/alert_routes", { data: { type: "alert_routes", attributes: { ...attrs, owning_team_ids: [I.team] } } });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toBe(MEDIA);
    const id = (created.body.data as { id: string }).id;

    emu.addToken("other", { teamIds: [emu.seed("team", "other")] });
    expect((await call("GET", `/v1/alert_routes/${id}`, undefined, "other")).status).toBe(404);
    expect((await call("GET", "/v1/alert_routes", undefined, "other")).body.data).toEqual([]);
  });

  it("paginates, filters and shows nested ids on request", async () => {
    const I = ids(emu);
    emu.routes.clear();
    for (let n = 0; n < 5; n++) {
      const a = routeArgs(I, `page-${n}`);
      const r = await call("POST", "/v1/alert_routes", {
        data: { type: "alert_routes", attributes: { name: a.name, alerts_source_ids: a.alertsSourceIds, rules: [{ name: "x", destinations: [{ target_type: "Service", target_id: I.service }], condition_groups: [] }] } },
      });
      expect(r.status).toBe(201);
    }
    const p2 = await call("GET", "/v1/alert_routes?page[number]=2&page[size]=2&filter[name]=PAGE");
    expect((p2.body.data as unknown[]).length).toBe(2);
    expect(p2.body.meta).toMatchObject({ current_page: 2, next_page: 3, total_count: 5, total_pages: 3 });
    expect((p2.body.links as { next: string }).next).toContain("page%5Bnumber%5D=3");
    const id = (p2.body.data as { id: string }[])[0].id;
    const plain = await call("GET", `/v1/alert_routes/${id}`);
    expect(JSON.stringify(plain.body)).not.toContain('"destinations":[{"id"');
    const nested = await call("GET", `/v1/alert_routes/${id}?show_nested_ids=true`);
    expect((nested.body.data as { attributes: { rules: { id: string }[] } }).attributes.rules[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("asynchronous rule processing: the write's response shows the old rules for a while", async () => {
    const I = ids(emu);
    emu.setAsyncRules(200);
    const rules = [{ name: "x", destinations: [{ target_type: "Service", target_id: I.service }], condition_groups: [] }];
    const r = await call("POST", "/v1/alert_routes", { data: { type: "alert_routes", attributes: { name: "async", alerts_source_ids: [I.source], rules } } });
    const id = (r.body.data as { id: string; attributes: { rules: unknown[] } }).id;
    expect((r.body.data as { attributes: { rules: unknown[] } }).attributes.rules).toEqual([]);
    await new Promise((ok) => setTimeout(ok, 250));
    const later = await call("GET", `/v1/alert_routes/${id}`);
    expect((later.body.data as { attributes: { rules: unknown[] } }).attributes.rules).toHaveLength(1);
    emu.setAsyncRules(false);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/core/kit";
import type { FlashdutyEmulator } from "../../../src/flashduty/emulator";
import { mappingDataDefinition as def } from "../../../src/flashduty/mapping.provider";
import { captureStderr } from "../stderr";
import { resetProcessGlobals } from "../../../src/core/registry";
import { APP_KEY, resetBetweenTests, startEmulator } from "./helpers";

let emu: FlashdutyEmulator;
let SID: string;
let MULTI: string;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  resetBetweenTests(emu);
  emu.schemas.clear();
  emu.data.clear();
  SID = emu.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner", "team"] });
  MULTI = emu.seedSchema({ sourceLabels: ["cluster", "ns"], resultLabels: ["owner"] });
});

const rows = (n: number, owner = "alice", from = 0) => Array.from({ length: n }, (_, i) => ({ host: `host-${from + i}`, owner, team: "sre" }));
const count = (path: string) => emu.server.calls({ path: `/enrichment/mapping/data/${path}` }).length;
const foreign = (host: string) =>
  fetch(`${emu.server.url}/enrichment/mapping/data/upsert?app_key=${APP_KEY}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ schema_id: SID, docs: [{ host, owner: "someone", team: "else" }] }),
  });

describe("FlashdutyMappingData provider against the emulator", () => {
  it("scale: 10,000 rows = 10 upserts; 1 changed = 1 upsert; 500 removed = 5 deletes", async () => {
    const all = rows(10_000);
    let t0 = performance.now();
    const c = await def.create({ schemaId: SID, rows: all });
    const tCreate = performance.now() - t0;
    expect(count("upsert")).toBe(10);
    expect(emu.server.calls({ path: "/enrichment/mapping/data/upsert" }).every((e) => (e.body as { docs: unknown[] }).docs.length === 1000)).toBe(true);
    expect(count("list")).toBe(1); // "is the schema empty?" only
    expect(emu.rows(SID)).toHaveLength(10_000);
    expect(c.outs.keys).toHaveLength(10_000);
    expect(c.outs.keys[17]).toBe("host-17");

    resetProcessGlobals(); // each step is a later `pulumi up` (a new provider process)
    emu.server.resetLog();
    const changed = all.map((r) => ({ ...r }));
    changed[4321].owner = "bob";
    expect(def.diff(c.outs, { schemaId: SID, rows: changed }).changes).toBe(true);
    t0 = performance.now();
    const u1 = await def.update(c.id, c.outs, { schemaId: SID, rows: changed });
    const tChange = performance.now() - t0;
    expect(emu.server.log.map((e) => e.path)).toEqual(["/enrichment/mapping/data/upsert"]);
    expect((emu.server.log[0].body as { docs: unknown[] }).docs).toEqual([{ host: "host-4321", owner: "bob", team: "sre" }]);

    resetProcessGlobals();
    emu.server.resetLog();
    const fewer = changed.slice(0, 9_500);
    t0 = performance.now();
    const u2 = await def.update(c.id, u1, { schemaId: SID, rows: fewer });
    const tRemove = performance.now() - t0;
    expect(count("delete")).toBe(5);
    expect(count("upsert")).toBe(0);
    expect(emu.server.log).toHaveLength(5);
    expect(emu.rows(SID)).toHaveLength(9_500);
    expect(u2.rowCount).toBe(9_500);
    expect(def.diff(u2, { schemaId: SID, rows: fewer })).toEqual({ changes: false, replaces: [] });
    console.log(`flashduty mapping scale (in-process emulator): create 10k ${tCreate.toFixed(0)} ms, change 1 ${tChange.toFixed(0)} ms, remove 500 ${tRemove.toFixed(0)} ms`);
  });

  it("check: no API call when inputs equal olds; otherwise the schema's labels, once per process", async () => {
    const dispatch = createDispatcher([def]);
    const news = { schemaId: SID, rows: rows(3) };
    await dispatch("flashduty:MappingData", "check", [news, news]);
    expect(emu.server.log).toHaveLength(0);
    const bad = { schemaId: SID, rows: [...rows(2), { host: "host-0", owner: "x", team: "y" }, { host: "z", owner: "x", color: "red" }] };
    const r = (await dispatch("flashduty:MappingData", "check", [news, bad])) as { failures: { property: string; reason: string }[] };
    expect(r.failures.map((f) => f.property)).toEqual(["rows[2]", "rows[3].team", "rows[3].color"]);
    expect(emu.server.calls({ path: "/enrichment/mapping/schema/info" })).toHaveLength(1);
    await dispatch("flashduty:MappingData", "check", [undefined, { schemaId: SID, rows: rows(4) }]);
    expect(emu.server.calls({ path: "/enrichment/mapping/schema/info" })).toHaveLength(1);
    const missing = (await dispatch("flashduty:MappingData", "check", [undefined, { schemaId: "0123456789abcdef01234567", rows: [] }])) as { failures: { property: string; reason: string }[] };
    expect(missing.failures).toEqual([{ property: "schemaId", reason: expect.stringMatching(/does not exist/) }]);
  });

  it("create over existing rows fails naming adoptExisting; adoptExisting re-sends only differing rows", async () => {
    await foreign("host-1");
    const e = await def.create({ schemaId: SID, rows: rows(3) }).catch((x: Error) => x);
    expect(String(e)).toMatch(/1 declared row\(s\) of mapping schema \w+ already exists \(host="host-1"\).*adoptExisting/);
    expect(count("upsert")).toBe(1); // only the foreign one
    emu.server.resetLog();
    const { result: c, stderr } = await captureStderr(() => def.create({ schemaId: SID, rows: rows(3), adoptExisting: true }));
    expect(stderr).toMatch(/^flashduty: adopted 1 existing row\(s\) of mapping schema \w+ \(host="host-1"\); this update changes result labels of 1 row\(s\) \(host="host-1": .+\)$/m);
    expect((emu.server.calls({ path: "/enrichment/mapping/data/upsert" })[0].body as { docs: unknown[] }).docs).toHaveLength(3);
    expect(c.outs.keys).toEqual(["host-0", "host-1", "host-2"]);
    // Identical rows are not sent again.
    emu.server.resetLog();
    await def.create({ schemaId: SID, rows: rows(3), adoptExisting: true });
    expect(count("upsert")).toBe(0);
  });

  it("owns only its rows; exclusive removes rows nobody declared", async () => {
    await foreign("other");
    const c = await def.create({ schemaId: SID, rows: rows(2) });
    expect(emu.rows(SID).map((r) => r.key).sort()).toEqual(["host-0", "host-1", "other"]);
    resetProcessGlobals();
    await def.delete(c.id, c.outs);
    expect(emu.rows(SID).map((r) => r.key)).toEqual(["other"]);

    const x = await def.create({ schemaId: SID, rows: rows(2), exclusive: true });
    expect(emu.rows(SID).map((r) => r.key).sort()).toEqual(["host-0", "host-1"]);
    await foreign("late");
    const r = await def.read(x.id, x.outs);
    expect(r!.outs.rows.map((row) => row.host)).toContain("late");
    expect(def.diff(r!.outs, { schemaId: SID, rows: rows(2), exclusive: true }).changes).toBe(true);
    await def.update(x.id, r!.outs, { schemaId: SID, rows: rows(2), exclusive: true });
    expect(emu.rows(SID).map((r) => r.key).sort()).toEqual(["host-0", "host-1"]);
  });

  it("turning exclusive on lists the schema and removes foreign rows", async () => {
    const c = await def.create({ schemaId: SID, rows: rows(2) });
    await foreign("stray");
    const u = await def.update(c.id, c.outs, { schemaId: SID, rows: rows(2), exclusive: true });
    expect(emu.rows(SID).map((r) => r.key).sort()).toEqual(["host-0", "host-1"]);
    expect(u.exclusive).toBe(true);
  });

  it("read pages with search_after_ctx, reports drift in owned rows, drops rows deleted out of band, ignores foreign rows", async () => {
    const c = await def.create({ schemaId: SID, rows: rows(250) });
    await foreign("not-mine");
    emu.data.get(SID)!.get("host-7")!.fields.owner = "mallory";
    emu.data.get(SID)!.delete("host-9");
    emu.server.resetLog();
    const r = await def.read(c.id, c.outs);
    // Three pages answered (a busy machine may add a paced 429 and its retry, which is not a page).
    const lists = emu.server.calls({ path: "/enrichment/mapping/data/list" }).filter((l) => l.status === 200);
    expect(lists).toHaveLength(3);
    expect(lists.every((l) => (l.body as Record<string, unknown>).p === undefined)).toBe(true);
    expect((lists[1].body as Record<string, unknown>).search_after_ctx).toEqual(expect.any(String));
    expect(r!.outs.rowCount).toBe(249);
    expect(r!.outs.rows.find((x) => x.host === "host-7")!.owner).toBe("mallory");
    expect(r!.outs.rows.some((x) => x.host === "not-mine")).toBe(false);
    // The next update puts both back with one upsert.
    emu.server.resetLog();
    await def.update(c.id, r!.outs, { schemaId: SID, rows: rows(250) });
    expect(emu.server.log.map((e) => e.path)).toEqual(["/enrichment/mapping/data/upsert"]);
    expect((emu.server.log[0].body as { docs: unknown[] }).docs).toHaveLength(2);
  });

  it("import by schema id takes the schema's rows; a missing schema is gone", async () => {
    await def.create({ schemaId: SID, rows: rows(3) });
    const r = await def.read(SID, {});
    expect(r!.outs).toMatchObject({ schemaId: SID, rowCount: 3, sourceLabels: ["host"], resultLabels: ["owner", "team"], exclusive: false });
    expect(def.diff(r!.outs, { schemaId: SID, rows: rows(3) }).changes).toBe(false);
    expect(await def.read("0123456789abcdef01234567", {})).toBeUndefined();
  });

  it("multi-label schemas: keys come from the server, never composed", async () => {
    const c = await def.create({ schemaId: MULTI, rows: [{ cluster: "a", ns: "x", owner: "o" }, { cluster: "a", ns: "y", owner: "o" }] });
    expect(c.outs.keys).toEqual(emu.rows(MULTI).map((r) => r.key));
    expect(c.outs.keys[0]).toMatch(/^[0-9a-f]{24}$/);
    resetProcessGlobals();
    await def.update(c.id, c.outs, { schemaId: MULTI, rows: [{ cluster: "a", ns: "y", owner: "o" }] });
    expect(emu.rows(MULTI).map((r) => r.fields.ns)).toEqual(["y"]);
  });

  it("writers of one schema are serialized in the process (no RequestTooFrequently)", async () => {
    emu.options.upsertDelayMs = 60;
    try {
      await Promise.all([
        def.create({ schemaId: SID, rows: rows(5, "a", 0) }),
        def.create({ schemaId: SID, rows: rows(5, "b", 100) }),
        def.create({ schemaId: SID, rows: rows(5, "c", 200) }),
      ]);
      expect(emu.server.log.filter((e) => e.status === 429)).toHaveLength(0);
      expect(emu.rows(SID)).toHaveLength(15);
    } finally {
      emu.options.upsertDelayMs = 0;
    }
  });

  it("RequestTooFrequently from another writer's lock is retried with backoff", async () => {
    emu.options.upsertDelayMs = 300;
    try {
      const other = foreign("elsewhere");
      await new Promise((r) => setTimeout(r, 30));
      const c = await def.create({ schemaId: SID, rows: rows(2) });
      await other;
      expect(emu.server.calls({ path: "/enrichment/mapping/data/upsert" }).some((e) => e.status === 429)).toBe(true);
      expect(c.outs.keys).toEqual(["host-0", "host-1"]);
    } finally {
      emu.options.upsertDelayMs = 0;
    }
  });

  it("5xx and resets on upsert/delete are retried (idempotent by key), with no duplicate rows", async () => {
    emu.server.inject({ kind: "error-after", path: "/enrichment/mapping/data/upsert", status: 500 });
    emu.server.inject({ kind: "reset-after", path: "/enrichment/mapping/data/upsert", skip: 1 });
    const c = await def.create({ schemaId: SID, rows: rows(1500) });
    expect(count("upsert")).toBe(4);
    expect(emu.rows(SID)).toHaveLength(1500);
    expect(c.outs.keys).toHaveLength(1500);
    emu.server.inject({ kind: "error-before", path: "/enrichment/mapping/data/delete", status: 503 });
    resetProcessGlobals();
    await def.delete(c.id, c.outs);
    expect(emu.rows(SID)).toHaveLength(0);
  });

  it("an upsert answer cut short: sent again (idempotent by key); when every answer is cut, the error says the answer could not be read", async () => {
    emu.server.inject({ kind: "cut-after", path: "/enrichment/mapping/data/upsert" });
    const c = await def.create({ schemaId: SID, rows: rows(3) });
    expect(count("upsert")).toBe(2);
    expect(c.outs.keys).toEqual(["host-0", "host-1", "host-2"]);
    resetProcessGlobals();
    emu.server.resetLog();
    emu.server.inject({ kind: "cut-after", path: "/enrichment/mapping/data/upsert", times: 20 });
    const e = (await def.create({ schemaId: MULTI, rows: [{ cluster: "c", ns: "n", owner: "o" }] }).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(/flashduty: the answer could not be read \(not JSON\): content type application\/json, body "\{/);
    expect(e.message).not.toMatch(/was upserted but is not in schema/);
    emu.server.clearFaults();
  });

  it("the emulator enforces the documented limits", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emu.server.url}/enrichment/mapping/data/${path}?app_key=${APP_KEY}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string; message: string } } }),
      );
    expect((await post("upsert", { schema_id: SID, docs: rows(1001) })).body.error?.message).toMatch(/at most 1000/);
    expect((await post("upsert", { schema_id: SID, docs: [{ host: "a", owner: "b" }] })).body.error?.message).toMatch(/missing label team/);
    expect((await post("upsert", { schema_id: SID, docs: [{ host: "a", owner: "b", team: "x".repeat(2049) }] })).body.error?.message).toMatch(/2048/);
    expect((await post("delete", { schema_id: SID, keys: Array.from({ length: 101 }, (_, i) => `k${i}`) })).body.error?.message).toMatch(/at most 100/);
    expect((await post("list", { schema_id: SID, p: 101, limit: 100 })).body.error?.message).toMatch(/search_after_ctx/);
    expect((await post("list", { schema_id: SID, query: { owner: "x" } })).body.error?.message).toMatch(/every source label/);
    const missing = await post("list", { schema_id: "0123456789abcdef01234567" });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: "ResourceNotFound" } } });
    const up = await post("upsert", { schema_id: SID, docs: [{ host: "a", owner: "b", team: "c", extra: "dropped" }] });
    expect(up.body).toMatchObject({ data: { keys: ["a"] } });
    expect(emu.rows(SID)[0].fields).toEqual({ host: "a", owner: "b", team: "c" });
    emu.options.maxRows = 2;
    try {
      expect((await post("upsert", { schema_id: SID, docs: rows(2) })).body.error?.message).toMatch(/limit is 2/);
    } finally {
      emu.options.maxRows = 10_000;
    }
  });
});

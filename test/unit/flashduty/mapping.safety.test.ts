import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createDispatcher } from "../../../src/core/kit";
import { resetProcessGlobals } from "../../../src/core/registry";
import type { FlashdutyEmulator } from "../../../src/flashduty/emulator";
import { mappingDataDefinition as def } from "../../../src/flashduty/mapping.provider";
import { APP_KEY, resetBetweenTests, startEmulator } from "./helpers";

// Issue 9 for FlashdutyMappingData, in its own file: its own emulator (and rate-limit budget).
let emu: FlashdutyEmulator;
let SID: string;
beforeAll(async () => {
  // Listing a near-full schema costs 100 calls: room for it under the emulator's per-minute limit.
  emu = await startEmulator({ perMinute: 100_000, perSecond: 10_000 });
  process.env.FLASHDUTY_RATE_LIMITS = "10000/1s";
  // "Gone" is confirmed by a second read after a pause: keep the pause short here.
  process.env.ALERT_ROUTING_GONE_RETRY_MS = "10";
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  resetBetweenTests(emu);
  emu.schemas.clear();
  emu.data.clear();
  SID = emu.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner", "team"] });
});

const rows = (n: number, owner = "alice", from = 0) => Array.from({ length: n }, (_, i) => ({ host: `host-${from + i}`, owner, team: "sre" }));
const foreign = (host: string) =>
  fetch(`${emu.server.url}/enrichment/mapping/data/upsert?app_key=${APP_KEY}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ schema_id: SID, docs: [{ host, owner: "someone", team: "else" }] }),
  });

describe("FlashdutyMappingData: ownership, gone, limits and partial failures (issue 9)", () => {
  const stderr = () => {
    const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let text = "";
    return {
      text: () => text,
      restore: () => {
        text = spy.mock.calls.map((x) => String(x[0])).join("");
        spy.mockRestore();
      },
    };
  };
  const keys = () => emu.rows(SID).map((r) => r.key).sort();

  it("rename with adoptExisting: the old resource's delete leaves the rows the new one took over", async () => {
    const old = await def.create({ schemaId: SID, rows: rows(3) });
    resetProcessGlobals(); // the rename runs in a later `pulumi up`
    const renamed = await def.create({ schemaId: SID, rows: rows(3), adoptExisting: true });
    const err = stderr();
    try {
      await def.delete(old.id, old.outs);
    } finally {
      err.restore();
    }
    expect(keys()).toEqual(["host-0", "host-1", "host-2"]);
    expect(renamed.outs.keys).toEqual(["host-0", "host-1", "host-2"]);
    expect(err.text()).toMatch(/warning: flashduty: not deleting 3 row\(s\) of mapping schema .*declares them in this update/);
    // Rows only the old resource had are still deleted.
    resetProcessGlobals();
    await def.delete(old.id, old.outs);
    expect(keys()).toEqual([]);
  });

  it("an update never removes a row another resource of the run declared (a row moved between resources)", async () => {
    const a = await def.create({ schemaId: SID, rows: rows(3) });
    resetProcessGlobals();
    // B's check runs first and declares host-2; A then drops it.
    const dispatch = createDispatcher([def]);
    await dispatch("flashduty:MappingData", "check", [undefined, { schemaId: SID, rows: rows(1, "bob", 2), adoptExisting: true }]);
    const err = stderr();
    try {
      await def.update(a.id, a.outs, { schemaId: SID, rows: rows(2) });
    } finally {
      err.restore();
    }
    expect(keys()).toEqual(["host-0", "host-1", "host-2"]);
    expect(err.text()).toMatch(/not deleting 1 row\(s\).*removed from this resource/);
  });

  it("a create that claims rows is named in the conflict with the right tool (aliases for a rename, adoptExisting otherwise)", async () => {
    await def.create({ schemaId: SID, rows: rows(2) });
    const e = (await def.create({ schemaId: SID, rows: rows(2) }).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/2 declared row\(s\) of mapping schema \w+ already exists \(host="host-0"; host="host-1"\).*aliases: \[\{ name: .*adoptExisting: true/);
  });

  it("one transient not-found of the schema during refresh: read again, nothing leaves state; a deleted schema is gone", async () => {
    const c = await def.create({ schemaId: SID, rows: rows(3) });
    resetProcessGlobals(); // refresh runs in its own process: no cached labels
    emu.server.resetLog();
    emu.answerMissing("/enrichment/mapping/schema/info", { as: "null" });
    const r = await def.read(c.id, c.outs);
    expect(r?.outs.rowCount).toBe(3);
    expect(emu.server.calls({ path: "/enrichment/mapping/schema/info" })).toHaveLength(2);
    resetProcessGlobals();
    emu.answerMissing("/enrichment/mapping/schema/info", { as: "null", times: 2 });
    expect((await def.read(c.id, c.outs))?.outs.rowCount).toBe(3);
    expect(emu.server.calls({ path: "/enrichment/mapping/schema/list" })).toHaveLength(1);
    resetProcessGlobals();
    emu.schemas.delete(SID);
    expect(await def.read(c.id, c.outs)).toBeUndefined();
  });

  it("check counts the schema's other rows against the 10,000-row limit, naming the limit, the counts and the property", async () => {
    await foreign("pre-1");
    await foreign("pre-2");
    const dispatch = createDispatcher([def]);
    const r = (await dispatch("flashduty:MappingData", "check", [undefined, { schemaId: SID, rows: rows(9_999) }])) as { failures: { property: string; reason: string }[] };
    expect(r.failures).toEqual([
      { property: "rows", reason: expect.stringMatching(/would hold 10001 rows, over Flashduty's limit of 10,000 rows per schema: 9999 declared in rows \+ 2 other row\(s\)/) },
    ]);
    // Declaring the rows that are there is fine; so is exclusive (they would be replaced).
    const mine = [...rows(9_998), { host: "pre-1", owner: "someone", team: "else" }, { host: "pre-2", owner: "someone", team: "else" }];
    expect(((await dispatch("flashduty:MappingData", "check", [undefined, { schemaId: SID, rows: mine, adoptExisting: true }])) as { failures: unknown[] }).failures).toEqual([]);
    expect(((await dispatch("flashduty:MappingData", "check", [undefined, { schemaId: SID, rows: rows(9_999), exclusive: true }])) as { failures: unknown[] }).failures).toEqual([]);
  });

  it("check of a change that adds no row costs no call, even beside 10,000 rows (the limit cannot be crossed)", async () => {
    const dispatch = createDispatcher([def]);
    const { outs } = await def.create({ schemaId: SID, rows: rows(9_999) });
    await foreign("pre-1");
    emu.server.resetLog();
    const changed = rows(9_999).map((r, i) => (i === 7 ? { ...r, owner: "changed" } : r));
    const fewer = rows(9_000);
    for (const news of [changed, fewer]) {
      const r = (await dispatch("flashduty:MappingData", "check", [outs, { schemaId: SID, rows: news }])) as { failures: unknown[] };
      expect(r.failures).toEqual([]);
    }
    expect(emu.server.log).toHaveLength(0);
    // One new row next to 9,999 owned and 1 foreign: the full count runs, and refuses.
    const more = (await dispatch("flashduty:MappingData", "check", [outs, { schemaId: SID, rows: rows(10_000) }])) as { failures: { reason: string }[] };
    expect(more.failures[0]?.reason).toMatch(/would hold 10001 rows/);
  });

  it("a create that fails on its 10th upsert batch removes the rows it added and restores the rows it adopted", async () => {
    await foreign("pre-1");
    await foreign("host-5"); // adopted (and changed) by the create: stays
    // The 10th batch lands and then fails, on every retry: the cleanup must find its rows by listing.
    emu.server.inject({ kind: "error-after", path: "/enrichment/mapping/data/upsert", status: 500, skip: 9, times: 6 });
    const e = (await def.create({ schemaId: SID, rows: rows(9_500), adoptExisting: true }).catch((x: Error) => x)) as Error;
    expect(e.message).toMatch(/failed partway: the 9499 row\(s\) it had added to mapping schema \w+ were removed again and the 1 row\(s\) it had adopted got their previous values back/);
    expect(keys()).toEqual(["host-5", "pre-1"]);
    expect(emu.rows(SID).find((r) => r.key === "host-5")!.fields).toEqual({ host: "host-5", owner: "someone", team: "else" });
    const n = (path: string) => emu.server.calls({ path: `/enrichment/mapping/data/${path}` }).length;
    console.log(`flashduty partial create: ${n("upsert")} upserts (9 ok + retries of the 10th), ${n("list")} lists, ${n("delete")} deletes; rows left: ${emu.rows(SID).length}`);
  });

  it("the server's row limit partway through a create: the error names the limit and no new row remains", async () => {
    await foreign("pre-1");
    emu.options.maxRows = 2_500;
    try {
      const e = (await def.create({ schemaId: SID, rows: rows(3_000) }).catch((x: Error) => x)) as Error;
      expect(e.message).toMatch(/the limit is 2500.*failed partway: the 2000 row\(s\) it had added .* were removed again/);
      expect(keys()).toEqual(["pre-1"]);
    } finally {
      emu.options.maxRows = 10_000;
    }
  });
});


import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { fixtureDir, inlineStack, projectStack } from "./harness";

// Rate budgets across provider processes: each command (and each stack of platform
// tooling) is its own provider process, while the vendor counts calls per key.
// Rootly's documented limits, time shrunk 20x: 5 reads and 3 writes per 3 s.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RootlyAlertRoute } = require(join(fixtureDir, "node_modules", "pulumi-alert-routing")) as typeof import("../../src");

let emu: RootlyEmulator;
let source: string;
let service: string;
beforeAll(async () => {
  emu = createRootlyEmulator({ timeScale: 0.05 });
  await emu.server.start();
  source = emu.seed("alertSource", "Datadog");
  service = emu.seed("service", "search");
});
afterAll(() => emu.server.stop());

const LIMITS = "read=5/3s,write=3/3s";
const routes = (prefix: string, n: number) => async () => {
  for (let i = 0; i < n; i++)
    new RootlyAlertRoute(`${prefix}-${i}`, {
      name: `${prefix} ${i}`,
      alertsSourceIds: [source],
      rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: service }], conditionGroups: [] }],
    });
};
const stackFor = (project: string, program: () => Promise<void>, env: Record<string, string> = {}) =>
  inlineStack({
    project,
    program,
    env,
    config: {
      "rootly:apiToken": { value: emu.credential, secret: true },
      "rootly:apiUrl": { value: emu.server.url },
      "rootly:rateLimits": { value: LIMITS },
    },
  });
const throttled = () => emu.server.log.filter((e) => e.status === 429).length;

describe("one Rootly budget across provider processes", () => {
  it("two `up`s back to back on one token: the second waits for the first's writes, 0 429s", async () => {
    const a = await stackFor("budget-a", routes("a", 3));
    const b = await stackFor("budget-b", routes("b", 3));
    try {
      emu.server.resetLog();
      expect((await a.stack.up()).summary.result).toBe("succeeded");
      expect((await b.stack.up()).summary.result).toBe("succeeded");
      expect(emu.routes.size).toBe(6);
      expect(throttled()).toBe(0);
      await a.stack.destroy();
      await b.stack.destroy();
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it("without the machine-wide budget (another machine), the server's X-RateLimit headers keep it to at most one 429 per command", async () => {
    const off = { ALERT_ROUTING_SHARED_BUDGET: "0" };
    const a = await stackFor("budget-c", routes("c", 3), off);
    const b = await stackFor("budget-d", routes("d", 3), off);
    try {
      emu.server.resetLog();
      expect((await a.stack.up()).summary.result).toBe("succeeded");
      const first = throttled();
      expect((await b.stack.up()).summary.result).toBe("succeeded");
      expect(first).toBe(0);
      expect(throttled() - first).toBeLessThanOrEqual(1);
      await a.stack.destroy();
      await b.stack.destroy();
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it("three stacks in parallel on one token: at most one 429 each, within 1.5x of the write-budget floor", async () => {
    const stacks = await Promise.all(["p", "q", "r"].map((p) => stackFor(`budget-${p}`, routes(p, 2))));
    try {
      emu.server.resetLog();
      // Let the earlier tests' writes leave the window, so the floor below is exact.
      await new Promise((r) => setTimeout(r, 3_100));
      const t0 = Date.now();
      const ups = await Promise.all(stacks.map((s) => s.stack.up()));
      const took = Date.now() - t0;
      for (const u of ups) expect(u.summary.result).toBe("succeeded");
      // 6 creates = 6 POSTs at 3 per 3 s: the second three cannot start before 3 s.
      const floor = 3_000;
      console.log(`3 parallel stacks x 2 Rootly routes: ${took} ms (write floor ${floor} ms + engine), ${throttled()} 429s`);
      expect(throttled()).toBeLessThanOrEqual(3);
      expect(emu.routes.size).toBe(6);
      for (const s of stacks) await s.stack.destroy();
    } finally {
      for (const s of stacks) await s.cleanup();
    }
  });

  it("a long wait for budget is a line the user sees in `pulumi up`", async () => {
    const p = await projectStack({
      project: "budget-visible",
      program: `const { RootlyAlertRoute } = require("pulumi-alert-routing");
for (let i = 0; i < 5; i++) new RootlyAlertRoute("v" + i, { name: "visible " + i, alertsSourceIds: [${JSON.stringify(source)}],
  rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: ${JSON.stringify(service)} }], conditionGroups: [] }] });
`,
      config: {
        "rootly:apiToken": { value: emu.credential, secret: true },
        "rootly:apiUrl": { value: emu.server.url },
        "rootly:rateLimits": { value: LIMITS },
      },
      env: { ALERT_ROUTING_VISIBLE_WAIT_MS: "1000" },
    });
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout + up.stderr).toMatch(/rootly: waiting \d+ s for write budget \(3\/3s\), \d+ queued/);
      expect((await p.run(["destroy", "--yes"])).code).toBe(0);
    } finally {
      p.cleanup();
    }
  });
});

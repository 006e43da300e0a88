import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { processAlive } from "../../src/core/idioms";
import { fixtureDir, inlineStack, projectStack, type ConfigMap } from "./harness";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";

// Issue 9 for RootlyAlertRoute through the real CLI: renames with adoptExisting, a
// killed `pulumi up`, confirmed "gone" and a quiet refresh.
type RouteCtor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & { routeId: pulumi.Output<string> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RootlyAlertRoute } = require(join(fixtureDir, "node_modules", "pulumi-alert-routing")) as { RootlyAlertRoute: RouteCtor };

const TYPE = "pulumi-nodejs:dynamic/rootly:AlertRoute";
let emu: RootlyEmulator;
let ids: Record<string, string>;
beforeAll(async () => {
  emu = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  await emu.server.start();
  ids = { source: emu.seed("alertSource", "Datadog"), team: emu.seed("team", "SRE"), policy: emu.seed("escalationPolicy", "Primary"), service: emu.seed("service", "search"), group: emu.seed("group", "Platform") };
});
afterAll(() => emu.server.stop());

const config = (e: RootlyEmulator, rateLimits = "read=1000/1s,write=1000/1s"): ConfigMap => ({
  "rootly:apiToken": { value: e.credential, secret: true },
  "rootly:apiUrl": { value: e.server.url },
  "rootly:rateLimits": { value: rateLimits },
});
const named = (e: RootlyEmulator, name: string) => [...e.routes.values()].filter((r) => r.name === name);
const fallback = (targetId: string) => ({ name: "rest", fallbackRule: true, destinations: [{ targetType: "Service", targetId }], conditionGroups: [] });

interface StateResource {
  type: string;
  id?: string;
  urn: string;
  outputs: Record<string, unknown>;
}
// A zombie counts as gone: under a container init that never reaps, an exited launcher stays one.
const alive = processAlive;
const procLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").trim();
  } catch {
    return `${pid}: no /proc entry`;
  }
};
const routesInState = (deployment: { resources?: unknown[] }) => ((deployment.resources ?? []) as StateResource[]).filter((r) => r.type === TYPE);

describe("RootlyAlertRoute: ownership, identity and gone (real CLI)", () => {
  it("renaming two routes with adoptExisting: both stay live, state equals live, preview --refresh shows no change", async () => {
    let resourceNames = ["first", "second"];
    let adopt = false;
    const s = await inlineStack({
      project: "rootly-rename",
      program: async () => {
        resourceNames.forEach((n, i) => new RootlyAlertRoute(n, { name: `rename route ${i}`, alertsSourceIds: [ids.source], rules: [fallback(ids.service)], adoptExisting: adopt }));
      },
      config: config(emu),
    });
    try {
      expect((await s.stack.up()).summary.result).toBe("succeeded");
      const before = [0, 1].map((i) => named(emu, `rename route ${i}`).map((r) => r.id));
      expect(before.map((x) => x.length)).toEqual([1, 1]);

      // Renamed without aliases: the new resources adopt, the old ones' deletes let go.
      resourceNames = ["first-renamed", "second-renamed"];
      adopt = true;
      emu.server.resetLog();
      const up = await s.stack.up();
      console.log(`rename up: ${emu.server.log.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/g, ":id")}`).join(", ")}`);
      expect(emu.server.calls({ method: "DELETE" })).toEqual([]);
      expect(up.summary.resourceChanges).toMatchObject({ create: 2, delete: 2 });
      expect(up.stdout + up.stderr).toMatch(/not deleting alert route "rename route 0"/);
      const after = [0, 1].map((i) => named(emu, `rename route ${i}`).map((r) => r.id));
      expect(after).toEqual(before);

      const state = routesInState((await s.exportState()).deployment);
      expect(state.map((r) => r.urn.split("::").pop()).sort()).toEqual(["first-renamed", "second-renamed"]);
      expect(state.map((r) => r.id).sort()).toEqual(before.flat().sort());
      for (const r of state) expect(r.outputs.name).toBe(emu.routes.get(r.id!)?.name);

      const pre = await s.stack.preview({ refresh: true, expectNoChanges: true });
      expect(pre.changeSummary.same).toBeGreaterThanOrEqual(2);
    } finally {
      await s.stack.destroy().catch(() => undefined);
      await s.cleanup();
    }
  });

  it("refresh is quiet after up (defaulted positions, fallback, condition groups) and one 404 drops nothing", async () => {
    const program = `const { RootlyAlertRoute } = require("pulumi-alert-routing");
const ids = JSON.parse(process.env.ROOTLY_IDS);
new RootlyAlertRoute("quiet", {
  name: "quiet route",
  alertsSourceIds: [ids.source],
  owningTeamIds: [ids.team],
  rules: [
    { name: "critical", destinations: [{ targetType: "EscalationPolicy", targetId: ids.policy }, { targetType: "Group", targetId: ids.group }], conditionGroups: [
      { conditions: [
        { propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValues: ["sev1", "sev0"] },
        { propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "$.host", propertyFieldValue: "(?i)^db-" },
      ] },
      { conditions: [{ propertyFieldConditionType: "is_empty", propertyFieldType: "attribute", propertyFieldName: "team" }] },
    ] },
    { name: "search", destinations: [{ targetType: "Service", targetId: ids.service }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "contains", propertyFieldType: "attribute", propertyFieldName: "summary", propertyFieldValue: "search" }] }] },
    { name: "rest", fallbackRule: true, destinations: [{ targetType: "Group", targetId: ids.group }] },
  ],
});
`;
    const p = await projectStack({ project: "rootly-quiet", program, config: config(emu), env: { ROOTLY_IDS: JSON.stringify(ids), ALERT_ROUTING_GONE_RETRY_MS: "200" } });
    const exported = async () => routesInState(JSON.parse((await p.run(["stack", "export"])).stdout).deployment);
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      for (let n = 0; n < 2; n++) {
        const r = await p.run(["refresh", "--yes", "--expect-no-changes"]);
        expect(r.code, `refresh ${n + 1}: ${r.stdout}${r.stderr}`).toBe(0);
      }
      const pre = await p.run(["preview", "--refresh", "--expect-no-changes"]);
      expect(pre.code, pre.stdout + pre.stderr).toBe(0);

      // One transient 404 on the route during refresh: read again, nothing leaves the state.
      const [before] = await exported();
      emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: `/v1/alert_routes/${before.id}` });
      const r = await p.run(["refresh", "--yes", "--skip-preview"]); // a preview would consume the fault first
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(emu.server.unfiredFaults()).toEqual([]);
      expect(await exported()).toEqual([before]);
      expect(named(emu, "quiet route").map((x) => x.id)).toEqual([before.id]);

      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(named(emu, "quiet route")).toEqual([]);
    } finally {
      emu.server.clearFaults();
      p.cleanup();
    }
  });

  it("kill -9 of pulumi up mid-create: no request 2 s after the kill; cancel, up with adoptExisting: one route per name", async () => {
    // Rootly's documented limits with time shrunk 60x on the server; the client paces writes at 1 per second.
    const paced = createRootlyEmulator({ timeScale: 1 / 60 });
    await paced.server.start();
    const source = paced.seed("alertSource", "Datadog");
    const service = paced.seed("service", "search");
    const N = 6;
    const program = `const { RootlyAlertRoute } = require("pulumi-alert-routing");
for (let n = 0; n < ${N}; n++)
  new RootlyAlertRoute("r" + n, {
    name: "Route " + n,
    alertsSourceIds: [process.env.SOURCE],
    rules: [{ name: "rest", fallbackRule: true, destinations: [{ targetType: "Service", targetId: process.env.SERVICE }] }],
    adoptExisting: process.env.ADOPT === "1",
  });
`;
    const env = { SOURCE: source, SERVICE: service };
    const p = await projectStack({ project: "rootly-kill", program, config: config(paced, "read=5/1s,write=1/1s"), env });
    let children: string[] = [];
    try {
      const cli = spawn("pulumi", ["up", "--yes", "--non-interactive", "--color=never"], { cwd: p.box.dir, env: { ...process.env, ...p.box.env, ...env } });
      let out = "";
      cli.stdout.on("data", (d) => (out += d));
      cli.stderr.on("data", (d) => (out += d));
      const exited = new Promise<void>((r) => cli.on("exit", () => r()));
      const posts = () => paced.server.calls({ method: "POST" }).length;
      for (let t = 0; posts() < 2; t++) {
        if (t > 1200) throw new Error(`no second POST within 120 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The CLI's children: the language host and the provider's launcher shell.
      children = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(cli.pid)], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
      cli.kill("SIGKILL");
      const killedAt = Date.now();
      await exited;
      await new Promise((r) => setTimeout(r, 2000));
      const tree = execFileSync("ps", ["-ef", "--forest"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => /pulumi|dynamic-provider|language/.test(l) && !/ps -ef/.test(l));
      console.log(`2 s after kill -9 of pulumi up (${cli.pid}): ${posts()} POSTs; its children were\n${children.join("\n")}\nnow:\n${tree.join("\n")}`);
      const launcher = children.find((c) => c.includes("pulumi-resource-pulumi-nodejs"));
      expect(launcher, "the provider was started under the CLI").toBeDefined();
      const launcherPid = Number(launcher!.trim().split(/\s+/)[0]);
      for (let t = 0; alive(launcherPid) && t < 30; t++) await new Promise((r) => setTimeout(r, 100));
      let left = "";
      try {
        left = execFileSync("ps", ["-o", "pid=,stat=,args=", "--ppid", String(launcherPid)], { encoding: "utf8" }).trim();
      } catch {
        /* ps exits 1 when there are none */
      }
      expect(alive(launcherPid), `the provider (and its launcher) exited; launcher ${procLine(launcherPid)}; its children: ${left || "none"}`).toBe(false);
      await new Promise((r) => setTimeout(r, 3000));
      const late = paced.server.log.filter((e) => e.time >= killedAt + 2000).map((e) => `+${e.time - killedAt}ms ${e.method} ${e.path}`);
      expect(late).toEqual([]);
      expect(paced.routes.size).toBeLessThan(N);

      // The killed update leaves the file backend's lock: a rerun is refused until `pulumi cancel`.
      const locked = await p.run(["up", "--yes"], { ADOPT: "1" });
      expect(locked.code).not.toBe(0);
      expect(locked.stdout + locked.stderr).toMatch(/the stack is currently locked by 1 lock\(s\)[\s\S]*pulumi cancel/);
      const cancel = await p.run(["cancel", "--yes"]);
      expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
      const rerun = await p.run(["up", "--yes"], { ADOPT: "1" });
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      for (let n = 0; n < N; n++) expect(named(paced, `Route ${n}`), `Route ${n}`).toHaveLength(1);
      expect(paced.routes.size).toBe(N);

      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(paced.routes.size).toBe(0);
    } finally {
      // The language host outlives a killed CLI (it does not write): end what this test started.
      for (const c of children) if (alive(Number(c.trim().split(/\s+/)[0]))) process.kill(Number(c.trim().split(/\s+/)[0]), "SIGTERM");
      p.cleanup();
      await paced.server.stop();
    }
  });
});

// `npm run bench`: the package through the real engine (Automation API, inline
// programs, file backend) against the bundled emulators, as installed from
// `npm pack`. Prints a table and writes bench/results/latest.{json,md}.
//   node bench/run.mjs [--sizes=10,100,1000] [--rows=10000] [--quick]
//   node bench/run.mjs --only=simulator [--alerts=100000] [--rules=1000]   (the simulator section alone)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt;
const quick = process.argv.includes("--quick");
const SIZES = arg("sizes", quick ? "10,100" : "10,100,1000").split(",").map(Number);
const ROWS = Number(arg("rows", quick ? "2000" : "10000"));

// The simulator section needs neither the engine nor the packed fixture: the built dist.
if (process.argv.includes("--only=simulator")) {
  const sim = await import("./simulator.mjs");
  const r = sim.runSimulatorBench({ alerts: Number(arg("alerts", "100000")), rules: Number(arg("rules", "1000")) });
  sim.printSimulatorBench(r);
  console.log(`  ${sim.targetNote(r)}`);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "simulator.md"), `# Simulator throughput (${new Date().toISOString()})\n\nnode bench/run.mjs --only=simulator; node ${process.version}\n\n${sim.simulatorMd(r)}\n`);
  writeFileSync(join(root, "bench", "results", "simulator.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, ...r }, null, 2) + "\n");
  process.exit(0);
}

execFileSync(process.execPath, [join(root, "scripts", "prepare-fixture.mjs"), "--quiet"], { stdio: ["ignore", "ignore", "inherit"] });
const bin = execFileSync(process.execPath, [join(root, "scripts", "ensure-pulumi.mjs"), "--print-bin"], { encoding: "utf8" }).trim().split("\n").pop();
const nm = join(root, ".pulumi-test", "fixture", "node_modules");
const require = createRequire(join(nm, "x.js"));
// One copy of @pulumi/pulumi: the one the installed package uses.
const pulumi = require("@pulumi/pulumi");
const automation = require("@pulumi/pulumi/automation");
const ar = require("pulumi-alert-routing");
const emus = require("pulumi-alert-routing/emulators");

process.env.PATH = [bin, join(root, "node_modules", ".bin"), dirname(process.execPath), process.env.PATH].join(":");
const results = [];
const record = (r) => {
  results.push(r);
  console.log(`  ${r.scenario.padEnd(58)} ${String(r.seconds.toFixed(2) + " s").padStart(9)} ${String(r.calls ?? "").padStart(6)} calls ${r.note ?? ""}`);
};

async function stackFor(project, program, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ar-bench-"));
  mkdirSync(join(dir, ".backend"));
  symlinkSync(nm, join(dir, "node_modules"), "dir");
  const envVars = {
    PULUMI_BACKEND_URL: `file://${join(dir, ".backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: join(dir, ".pulumi-home"),
    PATH: process.env.PATH,
    ...env,
  };
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: "bench", projectName: project, program },
    { workDir: dir, envVars, projectSettings: { name: project, runtime: "nodejs", backend: { url: envVars.PULUMI_BACKEND_URL } } },
  );
  const stateBytes = () => {
    let n = 0;
    const walk = (d) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, f.name);
        if (f.isDirectory()) {
          if (f.name !== "history" && f.name !== "backups") walk(p);
        } else if (f.name.endsWith(".json")) n += statSync(p).size;
      }
    };
    walk(join(dir, ".backend", ".pulumi", "stacks"));
    return n;
  };
  return {
    stack,
    stateBytes,
    async providerBytes() {
      const s = await stack.exportStack();
      const ps = s.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => String(r.inputs?.__provider ?? "").length);
      return ps.length ? Math.max(...ps) : 0;
    },
    async destroy() {
      await stack.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

// A dynamic resource that does nothing: what the engine itself costs per resource.
// One provider object for all, so its closure is serialized once (as ours is).
const trivialProvider = {
  async create(inputs) {
    return { id: `t-${Math.random().toString(36).slice(2)}`, outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
};
class Trivial extends pulumi.dynamic.Resource {
  constructor(name, props) {
    super(trivialProvider, name, props);
  }
}

function emuCalls(...es) {
  return es.reduce((n, e) => n + e.server.log.length, 0);
}
function resetLogs(...es) {
  for (const e of es) e.server.resetLog();
}

async function baseline(n, propsFor = () => ({ v: 1 })) {
  const s = await stackFor("bench-baseline", async () => {
    for (let i = 0; i < n; i++) new Trivial(`t${i}`, propsFor(i));
  });
  const up = await timed(() => s.stack.up());
  const pre = await timed(() => s.stack.preview());
  return { up: up.seconds, preview: pre.seconds, stateBytes: s.stateBytes(), providerBytes: await s.providerBytes(), destroy: () => s.destroy() };
}

async function opsgenieScale(n) {
  const og = emus.createOpsgenieEmulator({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  await og.server.start();
  const teams = Array.from({ length: Math.max(1, Math.ceil(n / 100)) }, (_, t) => og.seedTeam(`team-${t}`));
  const env = { OPSGENIE_API_URL: og.server.url, OPSGENIE_API_KEY: og.credential, OPSGENIE_RATE_LIMITS: "1000/1s" };
  const args = (i) => ({
    teamId: teams[i % teams.length].id,
    name: `rule ${i}`,
    criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: `svc-${i}` }] },
    notify: { type: "none" },
  });
  const s = await stackFor("bench-opsgenie", async () => {
    for (let i = 0; i < n; i++) new ar.OpsgenieTeamRoutingRule(`r${i}`, args(i));
  }, env);
  const up = await timed(() => s.stack.up());
  resetLogs(og);
  const pre = await timed(() => s.stack.preview());
  const calls = emuCalls(og);
  // The fair baseline: trivial dynamic resources holding the same inputs (a `{v: 1}` one would hide the state cost).
  const base = await baseline(n, args);
  const out = { n, up: up.seconds, preview: pre.seconds, calls, baselinePreview: base.preview, baselineUp: base.up, stateBytes: s.stateBytes(), providerBytes: await s.providerBytes(), baselineStateBytes: base.stateBytes };
  await base.destroy();
  const down = await timed(() => s.destroy());
  out.destroy = down.seconds;
  await og.server.stop();
  return out;
}

async function opsgenieReorder() {
  const og = emus.createOpsgenieEmulator();
  await og.server.start();
  const team = og.seedTeam("reorder");
  const env = { OPSGENIE_API_URL: og.server.url, OPSGENIE_API_KEY: og.credential };
  let orders = Array.from({ length: 10 }, (_, i) => i);
  const s = await stackFor("bench-reorder", async () => {
    orders.forEach((order, i) => new ar.OpsgenieTeamRoutingRule(`r${i}`, { teamId: team.id, name: `rule ${i}`, order, criteria: { type: "match-all" }, notify: { type: "none" } }));
  }, env);
  await s.stack.up();
  orders = orders.map((o) => (o === 2 ? 7 : o === 7 ? 2 : o));
  resetLogs(og);
  const up = await timed(() => s.stack.up());
  const calls = og.server.log.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/g, ":id")}`);
  const names = team.rules.map((r) => r.name);
  if (names[2] !== "rule 7" || names[7] !== "rule 2") throw new Error(`reorder did not land: ${names.join(", ")}`);
  await s.destroy();
  await og.server.stop();
  return { seconds: up.seconds, calls: calls.length, detail: calls };
}

/** 100 ordered rules of one team: create in one `up`, then reverse them all; requests by kind. */
async function opsgenieOrdered(n = 100) {
  const og = emus.createOpsgenieEmulator({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  await og.server.start();
  const team = og.seedTeam("ordered");
  const env = { OPSGENIE_API_URL: og.server.url, OPSGENIE_API_KEY: og.credential, OPSGENIE_RATE_LIMITS: "1000/1s" };
  let orders = Array.from({ length: n }, (_, i) => i);
  const s = await stackFor("bench-ordered", async () => {
    orders.forEach((order, i) => new ar.OpsgenieTeamRoutingRule(`r${i}`, { teamId: team.id, name: `rule ${i}`, order, criteria: { type: "match-all" }, notify: { type: "none" } }));
  }, env);
  const kinds = () => {
    const k = { post: 0, list: 0, changeOrder: 0, other: 0 };
    for (const e of og.server.log) {
      if (e.method === "POST" && /change-order$/.test(e.path)) k.changeOrder++;
      else if (e.method === "POST") k.post++;
      else if (e.method === "GET" && /routing-rules$/.test(e.path)) k.list++;
      else k.other++;
    }
    return k;
  };
  const names = () => team.rules.filter((r) => !r.isDefault).map((r) => r.name).join();
  resetLogs(og);
  const create = await timed(() => s.stack.up());
  const createKinds = kinds();
  if (names() !== orders.map((i) => `rule ${i}`).join()) throw new Error("ordered create did not land");
  // Reads of one refresh share the team's list.
  resetLogs(og);
  const refresh = await timed(() => s.stack.refresh());
  const refreshKinds = kinds();
  resetLogs(og);
  const previewRefresh = await timed(() => s.stack.preview({ refresh: true }));
  const previewRefreshKinds = kinds();
  orders = orders.map((o) => n - 1 - o);
  resetLogs(og);
  const reverse = await timed(() => s.stack.up());
  const reverseKinds = kinds();
  if (names() !== orders.map((_, i) => `rule ${n - 1 - i}`).join()) throw new Error("reverse did not land");
  await s.destroy();
  await og.server.stop();
  return {
    n,
    create: { seconds: create.seconds, ...createKinds },
    refresh: { seconds: refresh.seconds, ...refreshKinds },
    previewRefresh: { seconds: previewRefresh.seconds, ...previewRefreshKinds },
    reverse: { seconds: reverse.seconds, ...reverseKinds },
  };
}

/**
 * Issue #12: `refresh` and `preview --refresh` of `n` Opsgenie rules of one team, requests by
 * kind (target: at most 2 each: one list of the team serves every rule's read).
 */
async function opsgenieRefresh(n = 100) {
  const og = emus.createOpsgenieEmulator({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  await og.server.start();
  const team = og.seedTeam("refresh");
  const env = { OPSGENIE_API_URL: og.server.url, OPSGENIE_API_KEY: og.credential, OPSGENIE_RATE_LIMITS: "1000/1s" };
  const s = await stackFor("bench-refresh", async () => {
    for (let i = 0; i < n; i++)
      new ar.OpsgenieTeamRoutingRule(`r${i}`, { teamId: team.id, name: `rule ${i}`, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: `svc-${i}` }] }, notify: { type: "none" } });
  }, env);
  await s.stack.up();
  const kinds = () => {
    const k = { list: 0, get: 0, other: 0 };
    for (const e of og.server.log) {
      if (e.method === "GET" && /routing-rules$/.test(e.path)) k.list++;
      else if (e.method === "GET" && /routing-rules\/[^/]+$/.test(e.path)) k.get++;
      else k.other++;
    }
    return k;
  };
  const changed = (summary) => Object.entries(summary.resourceChanges ?? {}).filter(([op, c]) => op !== "same" && c > 0).map(([op, c]) => `${c} ${op}`).join(", ");
  resetLogs(og);
  const refresh = await timed(() => s.stack.refresh());
  const refreshOut = { seconds: refresh.seconds, ...kinds(), changes: changed(refresh.value.summary) };
  resetLogs(og);
  const preview = await timed(() => s.stack.preview({ refresh: true }));
  // A preview's summary is its change summary (counts by op).
  const previewOut = { seconds: preview.seconds, ...kinds(), changes: Object.entries(preview.value.changeSummary ?? {}).filter(([op, c]) => op !== "same" && c > 0).map(([op, c]) => `${c} ${op}`).join(", ") };
  await s.destroy();
  await og.server.stop();
  return { n, refresh: refreshOut, previewRefresh: previewOut };
}

const readKindNote = (k) => `${k.list} list, ${k.get} GET rule${k.other ? `, ${k.other} other` : ""}${k.changes ? `; changes: ${k.changes}` : "; no changes"}`;

function refreshMd(r) {
  return table([
    ["scenario", "seconds", "API calls", "requests by kind (target: at most 2)"],
    [`refresh of ${r.n} Opsgenie rules of one team`, r.refresh.seconds.toFixed(2), r.refresh.list + r.refresh.get + r.refresh.other, readKindNote(r.refresh)],
    [`preview --refresh of ${r.n} Opsgenie rules of one team`, r.previewRefresh.seconds.toFixed(2), r.previewRefresh.list + r.previewRefresh.get + r.previewRefresh.other, readKindNote(r.previewRefresh)],
  ]);
}

/**
 * The same 100 ordered rules of one team on Opsgenie and on JSM Operations (the default
 * account pointed there by OPSGENIE_ACCOUNTS, the program unchanged): create in one `up`,
 * reverse them all, then a refresh; requests by kind and seconds. Self-contained.
 */
async function platformsOrdered(n = 100) {
  const out = {};
  for (const platform of ["opsgenie", "jsm"]) {
    const og = platform === "opsgenie" ? emus.createOpsgenieEmulator({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } }) : undefined;
    const ops = platform === "jsm" ? emus.createAtlassianOpsEmulator({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } }) : undefined;
    const server = (og ?? ops).server;
    await server.start();
    const team = (og ?? ops.jsm).seedTeam("ordered");
    const env = og
      ? { OPSGENIE_API_URL: og.server.url, OPSGENIE_API_KEY: og.credential, OPSGENIE_RATE_LIMITS: "1000/1s" }
      : { OPSGENIE_RATE_LIMITS: "1000/1s", OPSGENIE_ACCOUNTS: JSON.stringify({ default: { platform: "jsm", cloudId: ops.cloudId, email: ops.email, apiToken: ops.apiToken, apiUrl: ops.server.url } }) };
    let orders = Array.from({ length: n }, (_, i) => i);
    const s = await stackFor(`bench-${platform}-ordered`, async () => {
      orders.forEach((order, i) => new ar.OpsgenieTeamRoutingRule(`r${i}`, { teamId: team.id, name: `rule ${i}`, order, criteria: { type: "match-all" }, notify: { type: "none" } }));
    }, env);
    const kinds = () => {
      const k = { post: 0, list: 0, changeOrder: 0, patch: 0, get: 0, other: 0 };
      for (const e of server.log) {
        if (/change-order$/.test(e.path)) k.changeOrder++;
        else if (e.method === "POST") k.post++;
        else if (e.method === "GET" && /routing-rules$/.test(e.path)) k.list++;
        else if (e.method === "PATCH") k.patch++;
        else if (e.method === "GET") k.get++;
        else k.other++;
      }
      return k;
    };
    const names = () => team.rules.filter((r) => !r.isDefault).map((r) => r.name).join();
    const step = async (fn) => {
      server.resetLog();
      const t = await timed(fn);
      return { seconds: t.seconds, ...kinds() };
    };
    const create = await step(() => s.stack.up());
    if (names() !== orders.map((i) => `rule ${i}`).join()) throw new Error(`${platform}: ordered create did not land`);
    orders = orders.map((o) => n - 1 - o);
    const reverse = await step(() => s.stack.up());
    if (names() !== orders.map((_, i) => `rule ${n - 1 - i}`).join()) throw new Error(`${platform}: reverse did not land`);
    const refresh = await step(() => s.stack.refresh());
    await s.destroy();
    await server.stop();
    out[platform] = { n, create, reverse, refresh };
  }
  return out;
}

const platformNote = (k) => `${k.post} POST, ${k.list} list pages, ${k.changeOrder} change-order, ${k.patch} PATCH, ${k.get} other GET${k.other ? `, ${k.other} other` : ""}`;

const kindNote = (k) => `${k.post} POST, ${k.list} list, ${k.changeOrder} change-order${k.other ? `, ${k.other} other` : ""}`;

async function flashdutyRouteCase() {
  const fd = emus.createFlashdutyEmulator();
  await fd.server.start();
  fd.seedIntegration(7001);
  fd.seedChannel(11, "a");
  fd.seedChannel(12, "b");
  const env = { FLASHDUTY_BASE_URL: fd.server.url, FLASHDUTY_APP_KEY: fd.credential };
  let sev = "Critical";
  const s = await stackFor("bench-fd-route", async () => {
    new ar.FlashdutyRoute("route", {
      integrationId: 7001,
      cases: Array.from({ length: 20 }, (_, i) => ({ if: [{ key: "labels.service", oper: "IN", vals: [`svc-${i}`] }, { key: "severity", oper: "IN", vals: [i === 5 ? sev : "Critical"] }], channelIds: [11] })),
      default: { channelIds: [12] },
    });
  }, env);
  await s.stack.up();
  sev = "Warning";
  resetLogs(fd);
  const up = await timed(() => s.stack.up());
  const calls = fd.server.log.map((e) => `${e.method} ${e.path}`);
  await s.destroy();
  await fd.server.stop();
  return { seconds: up.seconds, calls: calls.length, detail: calls };
}

async function mapping(rowsN0) {
  let rowsN = rowsN0;
  const fd = emus.createFlashdutyEmulator({ maxRows: Math.max(10_000, rowsN) });
  await fd.server.start();
  const schemaId = fd.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner", "team"] });
  const env = { FLASHDUTY_BASE_URL: fd.server.url, FLASHDUTY_APP_KEY: fd.credential };
  let changed = 0;
  const rows = () => Array.from({ length: rowsN }, (_, i) => ({ host: `host-${i}`, owner: i < changed ? `new-owner-${i}` : `owner-${i % 50}`, team: `team-${i % 9}` }));
  const s = await stackFor("bench-mapping", async () => {
    new ar.FlashdutyMappingData("cmdb", { schemaId, rows: rows() });
  }, env);
  const up = await timed(() => s.stack.up());
  const createCalls = emuCalls(fd);
  resetLogs(fd);
  const pre = await timed(() => s.stack.preview());
  const steadyCalls = emuCalls(fd);
  const out = { rows: rowsN, up: up.seconds, createCalls, preview: pre.seconds, steadyCalls, stateBytes: s.stateBytes(), changes: [] };
  for (const n of [1, 100, rowsN]) {
    changed = n;
    resetLogs(fd);
    const u = await timed(() => s.stack.up());
    out.changes.push({ changed: n, seconds: u.seconds, calls: emuCalls(fd) });
    changed = 0;
    await s.stack.up(); // back to the original rows
  }
  const pl = rows(); // the baseline holds the same rows as the measured preview
  rowsN -= 500;
  resetLogs(fd);
  const removed = await timed(() => s.stack.up());
  out.changes.push({ changed: -500, seconds: removed.seconds, calls: emuCalls(fd) });
  const base = await baseline(1, () => ({ rows: pl }));
  out.baselinePreview = base.preview;
  await base.destroy();
  await s.destroy();
  await fd.server.stop();
  return out;
}

async function rootlyTenCreates(timeScale) {
  const ro = emus.createRootlyEmulator({ timeScale });
  await ro.server.start();
  ro.seedDemo();
  const secs = () => `${Math.round(60 * timeScale * 1000)}ms`;
  // The documented limits (5 reads and 3 writes per 60 s), on the emulator's clock.
  const env = { ROOTLY_API_URL: ro.server.url, ROOTLY_API_TOKEN: ro.credential, ROOTLY_RATE_LIMITS: `read=5/${secs()},write=3/${secs()}` };
  const source = ro.demoIds["alertSource:Datadog"];
  const target = ro.demoIds["escalationPolicy:Primary escalation"];
  const s = await stackFor("bench-rootly", async () => {
    for (let i = 0; i < 10; i++) new ar.RootlyAlertRoute(`route-${i}`, { name: `Route ${i}`, alertsSourceIds: [source], rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "EscalationPolicy", targetId: target }] }] });
  }, env);
  const up = await timed(() => s.stack.up());
  const log = ro.server.log;
  const rejected = log.filter((e) => e.status === 429).length;
  const out = { seconds: up.seconds, projectedRealSeconds: up.seconds / timeScale, calls: log.length, rateLimited: rejected, routes: ro.routes.size };
  ro.setLimits({ read: 1000, write: 1000 });
  await s.destroy();
  await ro.server.stop();
  return out;
}

/**
 * Fewest seconds from the first call to the last one that `windows` allow for `counts`
 * calls (each window counts one class, or "all"): calls start as early as every window
 * that counts them has room, as a perfect machine-wide limiter would start them.
 */
function budgetFloorSeconds(windows, counts) {
  let floor = 0;
  for (const [cls, n] of Object.entries(counts)) {
    const ws = windows.filter((w) => w.cls === cls);
    const t = [];
    for (let k = 0; k < n; k++) t.push(Math.max(0, ...ws.map((w) => (k >= w.limit ? t[k - w.limit] + w.windowMs : 0))));
    if (n) floor = Math.max(floor, t[n - 1] / 1000);
  }
  return floor;
}

/**
 * Issue #12, "many stacks, one token": `stacks` Automation API stacks up in parallel, each
 * its own provider process, one credential per vendor, `per` resources each, against an
 * emulator whose limits are scaled from the vendor's documented (or, for Opsgenie, the
 * provider's default) limits so that the budget, not the engine, sets the pace. The
 * provider is configured with the same limits (`<vendor>:rateLimits`).
 */
async function parallelStacks(vendor, stacks = 10, per = 3, { shared = true, machines = false, headers = "vendor" } = {}) {
  const emu =
    vendor === "rootly"
      ? emus.createRootlyEmulator({ timeScale: 0.1 }) // 5 reads / 3 writes per 60 s -> per 6 s
      : vendor === "opsgenie"
        ? emus.createOpsgenieEmulator({ rateLimit: { limit: 5, windowMs: 6_000 } })
        : emus.createFlashdutyEmulator({ perSecond: 2, perMinute: 40 });
  // How the emulator shows its limits: its own headers, none (a bare 429), or Retry-After only.
  emu.server.rateLimitHeaders = headers;
  await emu.server.start();
  // The windows the emulator enforces, by the class of call each counts.
  const limits = {
    rootly: { spec: "read=5/6s,write=3/6s", windows: [{ cls: "read", limit: 5, windowMs: 6_000 }, { cls: "write", limit: 3, windowMs: 6_000 }] },
    // Opsgenie publishes no numbers: 5 per 6 s puts its floor beside Rootly's, so the budget sets the pace.
    opsgenie: { spec: "5/6s", windows: [{ cls: "all", limit: 5, windowMs: 6_000 }] },
    // Both of Flashduty's windows scaled by 1/25 (50/s, 1,000/min): as documented, the minute
    // window binds after 20 s of the per-second rate, so the run must pace under both.
    flashduty: { spec: "2/1s,40/60s", windows: [{ cls: "all", limit: 2, windowMs: 1_000 }, { cls: "all", limit: 40, windowMs: 60_000 }] },
  }[vendor];
  const cls = (e) => (limits.windows.some((w) => w.cls === "all") ? "all" : e.method === "GET" ? "read" : "write");
  // Which stack a request came from: Rootly by route name (in the lookup's filter or the body),
  // Opsgenie by team (one per stack), Flashduty by integration id.
  let who;
  let program;
  let config;
  let present;
  if (vendor === "rootly") {
    const source = emu.seed("alertSource", "Datadog");
    const service = emu.seed("service", "search");
    config = { "rootly:apiToken": { value: emu.credential, secret: true }, "rootly:apiUrl": { value: emu.server.url } };
    program = (s) => async () => {
      for (let i = 0; i < per; i++)
        new ar.RootlyAlertRoute(`route-${i}`, { name: `s${s} route ${i}`, alertsSourceIds: [source], rules: [{ name: "all", fallbackRule: true, destinations: [{ targetType: "Service", targetId: service }], conditionGroups: [] }] });
    };
    who = (e) => {
      const m = /\bs(\d+)[ +]route/.exec(decodeURIComponent(`${e.query} ${JSON.stringify(e.body ?? "")}`));
      return m ? Number(m[1]) : undefined;
    };
    present = () => emu.routes.size;
  } else if (vendor === "opsgenie") {
    const teams = Array.from({ length: stacks }, (_, s) => emu.seedTeam(`team-${s}`));
    config = { "opsgenie:apiKey": { value: emu.credential, secret: true }, "opsgenie:apiUrl": { value: emu.server.url } };
    program = (s) => async () => {
      for (let i = 0; i < per; i++)
        new ar.OpsgenieTeamRoutingRule(`rule-${i}`, { teamId: teams[s].id, name: `rule ${i}`, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: `svc-${i}` }] }, notify: { type: "none" } });
    };
    who = (e) => {
      const k = teams.findIndex((t) => e.path.includes(t.id) || e.path.includes(t.name));
      return k < 0 ? undefined : k;
    };
    present = () => teams.reduce((n, t) => n + t.rules.filter((r) => !r.isDefault).length, 0);
  } else {
    emu.seedChannel(11, "oncall");
    const integration = (s, i) => 7000 + s * per + i;
    for (let s = 0; s < stacks; s++) for (let i = 0; i < per; i++) emu.seedIntegration(integration(s, i));
    config = { "flashduty:appKey": { value: emu.credential, secret: true }, "flashduty:baseUrl": { value: emu.server.url } };
    program = (s) => async () => {
      for (let i = 0; i < per; i++)
        new ar.FlashdutyRoute(`route-${i}`, { integrationId: integration(s, i), cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [11] }], default: { channelIds: [11] } });
    };
    who = (e) => {
      const id = Number(e.body?.integration_id ?? e.body?.integration_ids?.[0]);
      return id >= 7000 ? Math.floor((id - 7000) / per) : undefined;
    };
    present = () => emu.routes.size;
  }
  config[`${vendor}:rateLimits`] = { value: limits.spec };

  // Without the machine-wide store each process has only its own counts and the server's headers (as on separate machines).
  // Separate machines: each stack's processes get their own temp dir, so no budget file is shared.
  const ownTmp = (_s, dir) => {
    mkdirSync(join(dir, "tmp"), { recursive: true });
    return { TMPDIR: join(dir, "tmp") };
  };
  const env = machines ? ownTmp : shared ? {} : { ALERT_ROUTING_SHARED_BUDGET: "0" };
  const par = await parallelUps(`bench-par-${vendor}`, stacks, program, config, () => resetLogs(emu), env);
  const { t0, t1, ups } = par;
  const log = emu.server.log;
  const accepted = log.filter((e) => e.status !== 429);
  const rejected = log.filter((e) => e.status === 429);
  const counts = {};
  for (const e of accepted) counts[cls(e)] = (counts[cls(e)] ?? 0) + 1;
  const per429 = Array.from({ length: stacks }, () => 0);
  let unattributed = 0;
  for (const e of rejected) {
    const s = who(e);
    if (s === undefined) unattributed++;
    else per429[s]++;
  }
  const writes = accepted.filter((e) => cls(e) === "write" || (cls(e) === "all" && e.method !== "GET" && !/\/(info|list)$/.test(e.path)));
  const floor = budgetFloorSeconds(limits.windows, counts);
  const span = (es) => (es.length ? (es[es.length - 1].time - es[0].time) / 1000 : 0);
  const out = {
    vendor: machines ? `${vendor}, ${stacks} machines${headers === "vendor" ? "" : `, ${headers === "none" ? "no rate-limit headers" : "Retry-After only"}`}` : shared ? vendor : `${vendor}, no shared budget`,
    headers,
    stacks,
    resources: stacks * per,
    limits: limits.spec,
    seconds: (t1 - t0) / 1000,
    floor,
    ratio: (t1 - t0) / 1000 / floor,
    // Pacing alone: first accepted call to the last one, against the same floor.
    callSpan: span(accepted),
    spanRatio: span(accepted) / floor,
    writeSpan: span(writes),
    firstCallAfter: accepted.length ? (accepted[0].time - t0) / 1000 : undefined,
    lastCallToDone: accepted.length ? (t1 - accepted[accepted.length - 1].time) / 1000 : undefined,
    requests: counts,
    byKind: accepted.reduce((k, e) => {
      const kind = `${e.method} ${e.path.replace(/\/[0-9a-f-]{20,}/g, "/:id")}`;
      k[kind] = (k[kind] ?? 0) + 1;
      return k;
    }, {}),
    rateLimited: rejected.length,
    maxPerStack: Math.max(...per429) + unattributed,
    per429,
    unattributed,
    present: present(),
    allPresent: present() === stacks * per && ups.every((u) => u.ok),
    failures: ups.filter((u) => !u.ok).map((u) => u.error),
    // When the engine first asked a provider to create: what came before is start-up, not pacing.
    firstCreateAfter: (par.firstCreate - t0) / 1000,
  };
  await emu.server.stop();
  par.cleanup();
  return out;
}

/**
 * `stacks` inline-program stacks made before the clock starts, then `up` in parallel. Their
 * state is thrown away with the emulator (a destroy would be paced too).
 */
async function parallelUps(project, stacks, program, config, beforeStart = () => {}, env = {}) {
  const dirs = [];
  const made = await Promise.all(
    Array.from({ length: stacks }, async (_, s) => {
      const dir = mkdtempSync(join(tmpdir(), "ar-bench-par-"));
      dirs.push(dir);
      mkdirSync(join(dir, ".backend"));
      symlinkSync(nm, join(dir, "node_modules"), "dir");
      const envVars = { PULUMI_BACKEND_URL: `file://${join(dir, ".backend")}`, PULUMI_CONFIG_PASSPHRASE: "bench", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: join(dir, ".pulumi-home"), PATH: process.env.PATH, ...(typeof env === "function" ? env(s, dir) : env) };
      const stack = await automation.LocalWorkspace.createOrSelectStack(
        { stackName: `team${s}`, projectName: project, program: program(s) },
        { workDir: dir, envVars, projectSettings: { name: project, runtime: "nodejs", backend: { url: envVars.PULUMI_BACKEND_URL } } },
      );
      if (config) await stack.setAllConfig(config);
      return stack;
    }),
  );
  beforeStart();
  let firstCreate = Infinity;
  const onEvent = (ev) => {
    const m = ev.resourcePreEvent?.metadata;
    if (m?.op === "create" && m.type !== "pulumi:pulumi:Stack" && !m.type.startsWith("pulumi:providers:")) firstCreate = Math.min(firstCreate, Date.now());
  };
  const t0 = Date.now();
  const ups = await Promise.all(made.map((st) => st.up({ onEvent }).then((r) => ({ ok: r.summary.result === "succeeded" }), (e) => ({ ok: false, error: String(e).slice(0, 300) }))));
  const t1 = Date.now();
  return { t0, t1, ups, firstCreate, cleanup: () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })) };
}

/** The same parallel stacks of trivial dynamic resources: what the engine alone costs (start-up, finish). */
async function parallelBaseline(stacks = 10, per = 3) {
  // The same stack config shape as the measured stacks (a secret and a URL): the engine decrypts it alike.
  const config = { "bench:token": { value: "not-a-credential", secret: true }, "bench:url": { value: "http://127.0.0.1:9" } };
  const par = await parallelUps("bench-par-baseline", stacks, (s) => async () => {
    for (let i = 0; i < per; i++) new Trivial(`t${i}`, { s, i });
  }, config);
  par.cleanup();
  if (!par.ups.every((u) => u.ok)) throw new Error(`baseline stacks failed: ${par.ups.map((u) => u.error).join("; ")}`);
  return { stacks, resources: stacks * per, seconds: (par.t1 - par.t0) / 1000, firstCreateAfter: (par.firstCreate - par.t0) / 1000 };
}

const parallelRow = (r) => [
  r.vendor,
  r.limits,
  r.stacks,
  r.resources,
  Object.entries(r.requests).map(([k, v]) => `${v} ${k}`).join(", "),
  r.seconds.toFixed(1),
  r.floor.toFixed(1),
  r.ratio.toFixed(2),
  `${r.callSpan.toFixed(1)} (${r.spanRatio.toFixed(2)})`,
  r.writeSpan.toFixed(1),
  `${r.firstCreateAfter.toFixed(1)} / ${r.firstCallAfter?.toFixed(1) ?? ""}`,
  `${(r.seconds - r.firstCallAfter).toFixed(1)} (${((r.seconds - r.firstCallAfter) / r.floor).toFixed(2)})`,
  r.rateLimited,
  r.maxPerStack,
  r.allPresent ? "yes" : `no (${r.present})`,
];
const PARALLEL_HEAD = ["vendor", "limits (emulator = provider)", "stacks", "resources", "requests (429s excluded)", "seconds", "budget floor s", "ratio", "first->last call s (ratio)", "first->last write s", "first create / first call after s", "first call to done s (ratio)", "429s", "max 429s/stack", "all present"];

function parallelMd({ baseline, rows }) {
  return [
    "Issue #12, many stacks on one token: each stack is its own provider process; the budget is shared through the machine-wide store. " +
      "Emulator limits are the documented ones scaled so that the budget, not the engine, sets the pace (Rootly 5 reads / 3 writes per 60 s at time x0.1; " +
      "Opsgenie, undocumented, 5 per 6 s; Flashduty 50/s and 1,000/min both scaled by 1/25 to 2/s and 40/min, so that the minute window binds as it does at the documented rates); the provider is configured with the same limits. " +
      "Budget floor: fewest seconds from the first call to the last that the limits allow for the requests the run made (429s excluded). " +
      "Targets: at most one 429 per stack, seconds <= 1.2x floor. Start-up (the engines, language hosts and provider processes of every stack) comes before the " +
      "first call and spends no budget: the last columns but two compare the pacing alone with the floor.",
    "",
    table([PARALLEL_HEAD, ...rows.map(parallelRow)]),
    "",
    ...rows.map((r) => {
      const met = (ok) => (ok ? "met" : "MISSED");
      return `- ${r.vendor}: at most one 429 per stack ${met(r.maxPerStack <= 1)} (max ${r.maxPerStack}); wall <= 1.2x floor ${met(r.ratio <= 1.2)} (${r.ratio.toFixed(2)}x); first->last call ${r.spanRatio.toFixed(2)}x floor; ${(r.seconds - r.callSpan).toFixed(1)} s of the wall time is before the first call (${r.firstCallAfter.toFixed(1)} s) or after the last (${r.lastCallToDone.toFixed(1)} s).`;
    }),
    "",
    baseline
      ? `Engine alone: ${baseline.stacks} parallel stacks of ${baseline.resources / baseline.stacks} trivial dynamic resources took ${baseline.seconds.toFixed(1)} s, the first create ${baseline.firstCreateAfter.toFixed(1)} s after the start (start-up of ${baseline.stacks} engines, language hosts and provider processes on this machine; the stacks hold a secret in their config, as the measured ones do).`
      : "",
  ].join("\n");
}

async function runParallel(vendors) {
  const stacks = Number(arg("stacks", "10"));
  const per = Number(arg("per", "3"));
  console.log("Parallel stacks: trivial baseline");
  const baseline = await parallelBaseline(stacks, per);
  console.log(JSON.stringify(baseline));
  const rows = [];
  for (const v of vendors) {
    console.log(`Parallel stacks: ${v}`);
    const r = await parallelStacks(v, stacks, per, { shared: arg("shared", "1") !== "0" });
    console.log(JSON.stringify(r));
    rows.push(r);
  }
  return { baseline, rows };
}

function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r, j) => `| ${r.map((c, i) => String(c).padEnd(w[i])).join(" | ")} |` + (j === 0 ? `\n| ${w.map((n) => "-".repeat(n)).join(" | ")} |` : "")).join("\n");
}

async function main() {
  const started = Date.now();
  const pv = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
  console.log(`pulumi ${pv}, node ${process.version}, sizes ${SIZES.join("/")}, ${ROWS} mapping rows\n`);

  const scale = [];
  for (const n of SIZES) {
    console.log(`Opsgenie rules: ${n}`);
    const r = await opsgenieScale(n);
    scale.push(r);
    record({ scenario: `steady preview, ${n} Opsgenie rules (baseline ${r.baselinePreview.toFixed(2)} s)`, seconds: r.preview, calls: r.calls, note: `ratio ${(r.preview / r.baselinePreview).toFixed(2)}` });
  }
  console.log("Mapping rows");
  const m = await mapping(ROWS);
  record({ scenario: `steady preview, ${m.rows} mapping rows (baseline ${m.baselinePreview.toFixed(2)} s)`, seconds: m.preview, calls: m.steadyCalls, note: `ratio ${(m.preview / m.baselinePreview).toFixed(2)}` });
  record({ scenario: `create ${m.rows} mapping rows`, seconds: m.up, calls: m.createCalls });
  for (const c of m.changes) record({ scenario: c.changed < 0 ? `remove ${-c.changed} of ${m.rows} mapping rows` : `change ${c.changed} of ${m.rows} mapping rows`, seconds: c.seconds, calls: c.calls });
  console.log("Single changes");
  const od = await opsgenieOrdered(100);
  record({ scenario: `create ${od.n} ordered Opsgenie rules of one team`, seconds: od.create.seconds, calls: od.create.post + od.create.list + od.create.changeOrder + od.create.other, note: kindNote(od.create) });
  record({ scenario: `reverse ${od.n} ordered Opsgenie rules of one team`, seconds: od.reverse.seconds, calls: od.reverse.post + od.reverse.list + od.reverse.changeOrder + od.reverse.other, note: kindNote(od.reverse) });
  const pl = await platformsOrdered(100);
  for (const [platform, r] of Object.entries(pl))
    for (const stepName of ["create", "reverse", "refresh"]) {
      const k = r[stepName];
      record({ scenario: `${stepName} ${r.n} ordered rules of one team on ${platform}`, seconds: k.seconds, calls: k.post + k.list + k.changeOrder + k.patch + k.get + k.other, note: platformNote(k) });
    }
  const re = await opsgenieReorder();
  record({ scenario: "one Opsgenie reorder (swap 2 of 10 rules)", seconds: re.seconds, calls: re.calls, note: re.detail.join(", ") });
  const fc = await flashdutyRouteCase();
  record({ scenario: "one changed Flashduty case (of 20)", seconds: fc.seconds, calls: fc.calls, note: fc.detail.join(", ") });
  const rf = await opsgenieRefresh(100);
  record({ scenario: `refresh of ${rf.n} Opsgenie rules`, seconds: rf.refresh.seconds, calls: rf.refresh.list + rf.refresh.get + rf.refresh.other, note: readKindNote(rf.refresh) });
  record({ scenario: `preview --refresh of ${rf.n} Opsgenie rules`, seconds: rf.previewRefresh.seconds, calls: rf.previewRefresh.list + rf.previewRefresh.get + rf.previewRefresh.other, note: readKindNote(rf.previewRefresh) });
  const scaleFactor = Number(arg("rootly-time-scale", "0.05"));
  const rt = await rootlyTenCreates(scaleFactor);
  record({ scenario: `ten Rootly creates, documented limits, time x${scaleFactor}`, seconds: rt.seconds, calls: rt.calls, note: `= ${(rt.projectedRealSeconds / 60).toFixed(1)} min at real speed, ${rt.rateLimited} 429s, ${rt.routes} routes` });

  const par = await runParallel(["rootly", "opsgenie", "flashduty"]);
  const mm = await runManyMachines();

  // The route simulator, through the installed package (no engine): many alerts against many rules.
  const simBench = await import("./simulator.mjs");
  const sim = simBench.runSimulatorBench({ sim: require("pulumi-alert-routing/simulator") });
  simBench.printSimulatorBench(sim);

  const md = [
    `# Benchmarks (${new Date().toISOString()})`,
    "",
    `pulumi ${pv}, node ${process.version}, ${process.platform}/${process.arch}, emulators on 127.0.0.1. Times are wall clock of the Automation API call (engine included).`,
    "",
    "## Steady state and single changes",
    "",
    table([["scenario", "seconds", "API calls", "note"], ...results.map((r) => [r.scenario, r.seconds.toFixed(2), r.calls ?? "", (r.note ?? "").slice(0, 160)])]),
    "",
    "## Growth (Opsgenie rules vs the same count of trivial dynamic resources holding the same inputs)",
    "",
    table([
      ["resources", "up s", "baseline up s", "steady preview s", "baseline preview s", "ratio", "preview API calls", "destroy s", "state bytes", "baseline state bytes", "state bytes/resource (baseline)", "__provider bytes/resource"],
      ...scale.map((r) => [r.n, r.up.toFixed(2), r.baselineUp.toFixed(2), r.preview.toFixed(2), r.baselinePreview.toFixed(2), (r.preview / r.baselinePreview).toFixed(2), r.calls, r.destroy.toFixed(2), r.stateBytes, r.baselineStateBytes, `${Math.round(r.stateBytes / r.n)} (${Math.round(r.baselineStateBytes / r.n)})`, r.providerBytes]),
    ]),
    "",
    "## Parallel stacks, one credential",
    "",
    parallelMd(par),
    "",
    "## Simulator",
    "",
    simBench.simulatorMd(sim),
    "",
    manyMachinesMd(mm, new Date().toISOString()).replace(/^# /, "## "),
    "",
    `Mapping data: ${m.rows} rows, state ${m.stateBytes} bytes; baseline for its preview is one trivial dynamic resource holding the same rows.`,
    `Rootly: ${JSON.stringify(rt)}`,
    "",
    `Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  ].join("\n");
  console.log(`\n${md}`);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "latest.md"), md + "\n");
  writeFileSync(join(root, "bench", "results", "latest.json"), JSON.stringify({ date: new Date().toISOString(), pulumi: pv, node: process.version, results, scale, mapping: m, rootly: rt, refresh: rf, parallel: par, simulator: sim }, null, 2) + "\n");
  const bad = results.filter((r) => r.scenario.startsWith("steady") && r.calls !== 0);
  if (bad.length) {
    console.error(`steady-state previews made API calls: ${bad.map((b) => b.scenario).join("; ")}`);
    process.exitCode = 1;
  }
  // Issue #12: parallel stacks on one token, at most one 429 each (the wall-time ratio is printed, not enforced: start-up depends on the machine).
  const throttled = par.rows.filter((r) => r.maxPerStack > 1 || !r.allPresent);
  if (throttled.length) {
    console.error(`parallel stacks: more than one 429 per stack or resources missing: ${throttled.map((r) => r.vendor).join(", ")}`);
    process.exitCode = 1;
  }
  // Issue #26: separate machines on one token, at most two 429s per stack, every object there.
  const missed = mm.rows.filter((r) => r.maxPerStack > 2 || !r.allPresent);
  if (missed.length) {
    console.error(`many machines: more than two 429s per stack or resources missing: ${missed.map((r) => r.vendor).join(", ")}`);
    process.exitCode = 1;
  }
}

/** Partial runs (--only=parallel, --only=opsgenie-refresh) keep their figures in bench/results/parallel.{json,md}. */
function writeIssue12Results(part) {
  const file = join(root, "bench", "results", "parallel.json");
  let prev = {};
  try {
    prev = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    /* first run */
  }
  const all = { ...prev, ...part, date: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(all, null, 2) + "\n");
  const md = [`# Issue #12 sections, partial bench runs (${all.date})`, ""];
  if (all.parallel) md.push("## Parallel stacks", "", parallelMd(all.parallel), "");
  if (all.parallelUnshared)
    md.push(
      "### Without the machine-wide budget (ALERT_ROUTING_SHARED_BUDGET=0: each process alone, as on separate machines; only the server's X-RateLimit headers)",
      "",
      table([PARALLEL_HEAD, ...all.parallelUnshared.rows.map(parallelRow)]),
      "",
    );
  if (all.notes) md.push(...all.notes.map((n) => `- ${n}`), "");
  if (all.refresh) md.push("## Refresh of Opsgenie rules", "", refreshMd(all.refresh), "");
  md.push(
    "## Where each line of issue #12's table is measured (a full run puts them all in latest.md)",
    "",
    "- create 100 Opsgenie rules in one up, reverse all 100: `create/reverse 100 ordered Opsgenie rules of one team` (opsgenieOrdered, requests by kind)",
    "- swap two orders: `one Opsgenie reorder (swap 2 of 10 rules)` (opsgenieReorder)",
    "- refresh / preview --refresh of 100 rules: the table above (opsgenieRefresh)",
    "- state bytes per resource, up and steady preview at 10 / 100 / 1,000 rules against the trivial baseline: the Growth table (opsgenieScale)",
    "- many stacks, one token: the parallel stacks above (parallelStacks)",
    "",
  );
  writeFileSync(join(root, "bench", "results", "parallel.md"), md.join("\n"));
  console.log(`\n${md.join("\n")}`);
}

/**
 * Issue #26, many machines, one token: the parallel stacks again, but each stack's engine and
 * provider get their own temp dir, so no budget file is shared (a CI job matrix: one runner per
 * stack). They pace by the server's answers alone. Rows: one machine (the issue #12 figures must
 * hold), then 10 machines per vendor, and under a vendor that sends no rate-limit headers at all
 * (Opsgenie's bare 429) and one that sends only Retry-After. `--rows=` picks rows by key.
 */
async function runManyMachines() {
  const stacks = Number(arg("stacks", "10"));
  const per = Number(arg("per", "3"));
  const all = [
    { key: "rootly-one", vendor: "rootly", opts: { shared: true } },
    { key: "rootly", vendor: "rootly", opts: { machines: true } },
    { key: "opsgenie-none", vendor: "opsgenie", opts: { machines: true, headers: "none" } },
    { key: "rootly-retry-after", vendor: "rootly", opts: { machines: true, headers: "retry-after" } },
    { key: "flashduty", vendor: "flashduty", opts: { machines: true } },
  ];
  const pick = arg("rows", all.map((r) => r.key).join(",")).split(",");
  console.log("Many machines: trivial baseline");
  const baseline = await parallelBaseline(stacks, per);
  console.log(JSON.stringify(baseline));
  const rows = [];
  for (const r of all.filter((x) => pick.includes(x.key))) {
    console.log(`Many machines: ${r.key}`);
    const out = await parallelStacks(r.vendor, stacks, per, r.opts);
    out.key = r.key;
    console.log(JSON.stringify(out));
    rows.push(out);
  }
  return { baseline, rows, adaptive: process.env.ALERT_ROUTING_ADAPTIVE_RATE !== "0" };
}

function manyMachinesMd({ baseline, rows, adaptive }, date) {
  const met = (ok) => (ok ? "met" : "MISSED");
  return [
    `# Many machines, one token (issue #26), ${date}`,
    "",
    "`node bench/run.mjs --only=many-machines`" + (adaptive ? "" : " with ALERT_ROUTING_ADAPTIVE_RATE=0 (no adaptive pacing: the behaviour before #26)") + ". " +
      "Each stack is its own engine and provider process; in the rows marked \"machines\" each stack also has its own temp dir (TMPDIR), so no budget file is shared and " +
      "every process knows of the others only from the server's answers, as on separate CI runners. Limits scaled as in the parallel-stacks section (Rootly 5 reads / 3 writes per 6 s, " +
      "Opsgenie 5 per 6 s, Flashduty 2/s and 40/min); the provider is configured with the same limits. Targets: at most two 429s per stack, every up succeeds, one object per name, " +
      "wall time <= 1.3x the budget floor (the first row, one machine with the machine-wide store: 0 429s, about 1.2x).",
    "",
    table([PARALLEL_HEAD, ...rows.map(parallelRow)]),
    "",
    ...rows.map((r) => `- ${r.vendor}: per-stack 429s [${r.per429.join(", ")}]${r.unattributed ? ` + ${r.unattributed} unattributed` : ""}; at most 2 per stack ${met(r.maxPerStack <= 2)} (max ${r.maxPerStack}); every up succeeded and one object per name ${met(r.allPresent)} (${r.present}/${r.resources}); wall <= 1.3x floor ${met(r.ratio <= 1.3)} (${r.ratio.toFixed(2)}x; first call to done ${((r.seconds - r.firstCallAfter) / r.floor).toFixed(2)}x).`),
    "",
    baseline ? `Engine alone: ${baseline.stacks} parallel stacks of ${baseline.resources / baseline.stacks} trivial dynamic resources took ${baseline.seconds.toFixed(1)} s, the first create ${baseline.firstCreateAfter.toFixed(1)} s after the start.` : "",
    "",
  ].join("\n");
}

const fail = (e) => {
  console.error(e);
  process.exit(1);
};
if (process.argv.includes("--only=many-machines")) {
  runManyMachines().then((r) => {
    const date = new Date().toISOString();
    const name = r.adaptive ? "many-machines" : "many-machines-no-adaptive";
    // --rows= reruns some rows: the others are kept from the last run.
    if (arg("rows", "")) {
      try {
        const prev = JSON.parse(readFileSync(join(root, "bench", "results", `${name}.json`), "utf8"));
        const again = new Set(r.rows.map((x) => x.key));
        const order = prev.rows.map((x) => x.key);
        r.rows = [...prev.rows.filter((x) => !again.has(x.key)), ...r.rows].sort((a, b) => (order.indexOf(a.key) + 1 || 99) - (order.indexOf(b.key) + 1 || 99));
      } catch {
        /* no earlier run */
      }
    }
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", `${name}.json`), JSON.stringify({ date, node: process.version, ...r }, null, 2) + "\n");
    const md = manyMachinesMd(r, date);
    writeFileSync(join(root, "bench", "results", `${name}.md`), md);
    console.log(`\n${md}`);
  }, fail);
} else if (process.argv.includes("--only=parallel")) {
  // --shared=0: each provider process on its own (as on separate machines); kept apart from the main rows.
  runParallel(arg("vendors", "rootly,opsgenie,flashduty").split(",")).then((p) => writeIssue12Results(arg("shared", "1") === "0" ? { parallelUnshared: p } : { parallel: p }), fail);
} else if (process.argv.includes("--only=issue12-md")) {
  writeIssue12Results({}); // parallel.md again from parallel.json
} else if (process.argv.includes("--only=opsgenie-refresh")) {
  opsgenieRefresh(Number(arg("n", "100"))).then((refresh) => writeIssue12Results({ refresh }), fail);
} else if (process.argv.includes("--only=jsm")) {
  platformsOrdered(Number(arg("n", "100"))).then((r) => {
    for (const [platform, x] of Object.entries(r)) for (const k of ["create", "reverse", "refresh"]) record({ scenario: `${k} ${x.n} ordered rules of one team on ${platform}`, seconds: x[k].seconds, calls: x[k].post + x[k].list + x[k].changeOrder + x[k].patch + x[k].get + x[k].other, note: platformNote(x[k]) });
    console.log(JSON.stringify(r));
    const md = [
      `# Opsgenie vs JSM Operations: 100 ordered rules of one team (${new Date().toISOString()})`,
      "",
      `node bench/run.mjs --only=jsm; pulumi ${execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim()}, node ${process.version}, emulators on 127.0.0.1, client limit 1000/1s. The same program; JSM through OPSGENIE_ACCOUNTS.`,
      "",
      table([["scenario", "seconds", "requests", "by kind"], ...results.map((x) => [x.scenario, x.seconds.toFixed(2), x.calls, x.note])]),
      "",
      "The platforms differ only in paging: JSM lists are offset/size pages of 100, so the team's 101 rules (with the default) are 2 requests per list. " +
        "Placement plans over the whole team and moves each rule at most once, so a reversal costs n - LIS = 99 change-order calls on both platforms (before whole-team placement it varied between about 100 and 150 with the waves in which the engine hands over the updates).",
      "",
    ].join("\n");
    mkdirSync(join(root, "bench", "results"), { recursive: true });
    writeFileSync(join(root, "bench", "results", "jsm.md"), md);
    writeFileSync(join(root, "bench", "results", "jsm.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, platforms: r }, null, 2) + "\n");
  }, (e) => {
    console.error(e);
    process.exit(1);
  });
} else if (process.argv.includes("--only=opsgenie-order")) {
  opsgenieOrdered(Number(arg("n", "100"))).then((r) => console.log(JSON.stringify(r)), (e) => {
    console.error(e);
    process.exit(1);
  });
} else main().catch((e) => {
  console.error(e);
  process.exit(1);
});

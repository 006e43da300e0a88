// `npm run bench`: the package through the real engine (Automation API, inline
// programs, file backend) against the bundled emulators, as installed from
// `npm pack`. Prints a table and writes bench/results/latest.{json,md}.
//   node bench/run.mjs [--sizes=10,100,1000] [--rows=10000] [--quick]
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
  const s = await stackFor("bench-opsgenie", async () => {
    for (let i = 0; i < n; i++) {
      new ar.OpsgenieTeamRoutingRule(`r${i}`, {
        teamId: teams[i % teams.length].id,
        name: `rule ${i}`,
        criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: `svc-${i}` }] },
        notify: { type: "none" },
      });
    }
  }, env);
  const up = await timed(() => s.stack.up());
  resetLogs(og);
  const pre = await timed(() => s.stack.preview());
  const calls = emuCalls(og);
  const base = await baseline(n);
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
  orders = orders.map((o) => n - 1 - o);
  resetLogs(og);
  const reverse = await timed(() => s.stack.up());
  const reverseKinds = kinds();
  if (names() !== orders.map((_, i) => `rule ${n - 1 - i}`).join()) throw new Error("reverse did not land");
  await s.destroy();
  await og.server.stop();
  return { n, create: { seconds: create.seconds, ...createKinds }, reverse: { seconds: reverse.seconds, ...reverseKinds } };
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
  const scaleFactor = Number(arg("rootly-time-scale", "0.05"));
  const rt = await rootlyTenCreates(scaleFactor);
  record({ scenario: `ten Rootly creates, documented limits, time x${scaleFactor}`, seconds: rt.seconds, calls: rt.calls, note: `= ${(rt.projectedRealSeconds / 60).toFixed(1)} min at real speed, ${rt.rateLimited} 429s, ${rt.routes} routes` });

  const md = [
    `# Benchmarks (${new Date().toISOString()})`,
    "",
    `pulumi ${pv}, node ${process.version}, ${process.platform}/${process.arch}, emulators on 127.0.0.1. Times are wall clock of the Automation API call (engine included).`,
    "",
    "## Steady state and single changes",
    "",
    table([["scenario", "seconds", "API calls", "note"], ...results.map((r) => [r.scenario, r.seconds.toFixed(2), r.calls ?? "", (r.note ?? "").slice(0, 160)])]),
    "",
    "## Growth (Opsgenie rules vs the same count of trivial dynamic resources)",
    "",
    table([
      ["resources", "up s", "baseline up s", "steady preview s", "baseline preview s", "ratio", "preview API calls", "destroy s", "state bytes", "baseline state bytes", "__provider bytes/resource"],
      ...scale.map((r) => [r.n, r.up.toFixed(2), r.baselineUp.toFixed(2), r.preview.toFixed(2), r.baselinePreview.toFixed(2), (r.preview / r.baselinePreview).toFixed(2), r.calls, r.destroy.toFixed(2), r.stateBytes, r.baselineStateBytes, r.providerBytes]),
    ]),
    "",
    `Mapping data: ${m.rows} rows, state ${m.stateBytes} bytes; baseline for its preview is one trivial dynamic resource holding the same rows.`,
    `Rootly: ${JSON.stringify(rt)}`,
    "",
    `Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  ].join("\n");
  console.log(`\n${md}`);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "latest.md"), md + "\n");
  writeFileSync(join(root, "bench", "results", "latest.json"), JSON.stringify({ date: new Date().toISOString(), pulumi: pv, node: process.version, results, scale, mapping: m, rootly: rt }, null, 2) + "\n");
  const bad = results.filter((r) => r.scenario.startsWith("steady") && r.calls !== 0);
  if (bad.length) {
    console.error(`steady-state previews made API calls: ${bad.map((b) => b.scenario).join("; ")}`);
    process.exitCode = 1;
  }
}

if (process.argv.includes("--only=jsm")) {
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
        "The change-order count of a reverse follows how the engine hands the 100 updates over in waves (each wave is one settle), so it varies between runs on both platforms (about 100 to 150).",
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

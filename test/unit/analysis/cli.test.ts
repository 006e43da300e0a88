import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding, ImpactReport } from "../../../src/analysis";
import { impactCommand } from "../../../src/cli/impact";
import { lintCommand } from "../../../src/cli/lint";
import type { Command } from "../../../src/cli/main";
import type { ExportDocument } from "../../../src/export/format";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../../src/flashduty/emulator";
import { createOpsgenieEmulator, type OpsgenieEmulator } from "../../../src/opsgenie/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../../src/rootly/emulator";

// The lint and impact commands as users run them (argv in, stdout/stderr and exit code out), on a
// fixture program; --recent reads the emulators' alert lists through the package's clients.
const program = join(__dirname, "fixtures", "after");
const dir = mkdtempSync(join(tmpdir(), "alert-routing-analysis-"));

async function run(cmd: Command, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await cmd.run(argv);
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = w.out;
    process.stderr.write = w.err;
  }
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe("alert-routing lint", () => {
  it("prints { findings } as JSON and exits 1 on an error finding (default --fail-on error)", async () => {
    const r = await run(lintCommand, "--program", program, "--format", "json", "--at", "2026-03-02T00:00:00Z");
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.out) as { findings: Finding[] };
    expect(findings.map((f) => [f.vendor, f.unit, f.kind, f.severity, f.rules])).toEqual([
      ["opsgenie", "Platform", "shadowed", "error", ["DB replica", "DB"]],
      ["opsgenie", "Platform", "coverage-gap", "warning", ["Noise"]],
      ["flashduty", "integration 7 (checkout)", "coverage-gap", "warning", []],
    ]);
    expect(findings[0].resources).toEqual(["db-replica", "db"]);
    expect(findings[0].why).toMatch(/can never match/);
  });

  it("--fail-on decides the exit code: never -> 0, warning -> 1", async () => {
    expect((await run(lintCommand, "--program", program, "--fail-on", "never")).code).toBe(0);
    expect((await run(lintCommand, "--program", program, "--fail-on", "warning")).code).toBe(1);
    const bad = await run(lintCommand, "--program", program, "--fail-on", "sometimes");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--fail-on must be one of");
  });

  it("--routing lints an export document (what is live) instead of a program", async () => {
    const doc = { ...base, resources: [...base.resources, { ...base.resources[0], name: "db-again", args: { ...base.resources[0].args, name: "DB again", order: 1 } }] };
    const r = await run(lintCommand, "--routing", file("live.json", JSON.stringify(doc)), "--format", "json");
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { findings: Finding[] }).findings.map((f) => [f.kind, f.rules])).toEqual([["shadowed", ["DB again", "DB"]]]);
  });

  it("text and markdown forms name the rule and say why", async () => {
    const t = await run(lintCommand, "--program", program);
    expect(t.out).toContain('error   shadowed        opsgenie Platform: "DB replica": can never match: earlier rules "DB" take every alert it would take');
    expect(t.out).toContain("3 findings: 1 error, 2 warning, 0 info");
    const m = await run(lintCommand, "--program", program, "--format", "markdown");
    expect(m.out).toContain("| severity | kind | vendor | unit | rules | why |");
    expect(m.out).toContain("| error | shadowed | opsgenie | Platform | DB replica, DB |");
  });
});

// The routing before the change, as `alert-routing export --format json` writes it.
const base: ExportDocument = {
  formatVersion: 1,
  unsupported: [],
  resources: [
    { type: "OpsgenieTeamRoutingRule", name: "db", describes: "", comments: {}, args: { teamName: "Platform", name: "DB", order: 0, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "db" }] }, notify: { type: "schedule", name: "DB_schedule" }, adoptExisting: true } },
    { type: "RootlyAlertRoute", name: "payments", describes: "", comments: {}, args: { name: "Payments", alertsSourceIds: ["11111111-1111-4111-8111-111111111111"], rules: [{ name: "Everything", fallbackRule: true, destinations: [{ targetType: "Service", targetId: "svc-default" }] }], adoptExisting: true } },
    { type: "FlashdutyRoute", name: "checkout", describes: "", comments: {}, args: { integrationId: 7, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [1] }], default: { channelIds: [2] }, adoptExisting: true } },
  ],
};
const corpus = [
  { opsgenie: { message: "primary down", tags: ["db"], priority: "P1" } },
  { opsgenie: { message: "slow query", tags: ["db"] } },
  { opsgenie: { message: "flapping", tags: ["noise"] } },
  { flashduty: { integrationId: 7, severity: "Info", title: "disk 80%" } },
  { flashduty: { integrationId: 7, severity: "Critical", title: "disk full" } },
  { rootly: { payload: { service: "api" } } },
  { opsgenie: { message: "again", tags: ["noise"] } },
];

describe("alert-routing impact --alerts, with an export as the base", () => {
  const baseFile = file("base.json", JSON.stringify(base));
  const alerts = file("alerts.jsonl", `${corpus.map((a) => JSON.stringify(a)).join("\n")}\n`);

  it("reports counts and from -> to groups as JSON, and exits 2 when an alert would now reach nobody", async () => {
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--alerts", alerts, "--format", "json");
    expect(r.code).toBe(2);
    expect(r.err).toContain("3 alerts would now reach nobody (--allow-unrouted to accept)");
    const rep = JSON.parse(r.out) as ImpactReport;
    expect({ ...rep, groups: undefined }).toEqual({ total: 7, unchanged: 2, changed: 5, nowUnrouted: 3, nowRouted: 0, groups: undefined });
    expect(rep.groups.map((g) => [g.vendor, g.unit, g.from, g.to, g.count])).toEqual([
      ["opsgenie", "Platform", "default rule -> the team's default routing rule", "nobody", 2],
      ["flashduty", "integration 7 (checkout)", "default -> channel 2", "nobody", 1],
      ["opsgenie", "Platform", "DB -> schedule DB_schedule", "DB P1 -> escalation Critical_esc", 1],
      ["rootly", '"Payments" (payments)', "fallback Everything -> Service svc-default", "API -> Service svc-api", 1],
    ]);
    expect(rep.groups[0].sample).toEqual(corpus[2]);
  });

  it("--allow-unrouted exits 0; markdown lists the alerts now reaching nobody first, then the table", async () => {
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--alerts", alerts, "--format", "markdown", "--allow-unrouted");
    expect(r.code).toBe(0);
    expect(r.out).toContain("7 alerts replayed: 2 unchanged, 5 changed, **3 now reach nobody**, 0 now reach someone.");
    const lost = r.out.indexOf("#### Now reaching nobody");
    const table = r.out.indexOf("| vendor | unit | from | to | alerts |");
    expect(lost).toBeGreaterThan(0);
    expect(table).toBeGreaterThan(lost);
    expect(r.out).toContain("- 2 alerts at opsgenie Platform (was: default rule -> the team's default routing rule)");
    expect(r.out).toContain("| opsgenie | Platform | DB -> schedule DB_schedule | DB P1 -> escalation Critical_esc | 1 |");
  });

  it("the same routing on both sides changes nothing and exits 0", async () => {
    const same = file("same.jsonl", JSON.stringify(corpus[1]));
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--alerts", same, "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ total: 1, unchanged: 1, changed: 0, groups: [] });
  });

  it("a renamed Rootly route or Flashduty integration resource is the same unit: no change", async () => {
    const renamed = { ...base, resources: base.resources.map((r) => ({ ...r, name: `old-${r.name}` })) };
    const r = await run(impactCommand, "--base", file("renamed.json", JSON.stringify(renamed)), "--program", program, "--alerts", file("two.jsonl", [corpus[4], corpus[1]].map((a) => JSON.stringify(a)).join("\n")), "--format", "json");
    expect(JSON.parse(r.out)).toMatchObject({ total: 2, unchanged: 2, changed: 0 });
  });

  it("refuses a line without vendor keys unless one --vendor is given, naming the line", async () => {
    const bare = file("bare.jsonl", `${JSON.stringify({ tags: ["noise"] })}\n`);
    await expect(run(impactCommand, "--base", baseFile, "--program", program, "--alerts", bare)).rejects.toThrow(/bare\.jsonl:1: put the alert under/);
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--alerts", bare, "--vendor", "opsgenie", "--format", "json");
    expect(JSON.parse(r.out)).toMatchObject({ total: 1, nowUnrouted: 1 });
  });
});

describe("alert-routing impact --recent, against the emulators", () => {
  let og: OpsgenieEmulator;
  let ro: RootlyEmulator;
  let fd: FlashdutyEmulator;
  const saved = { ...process.env };
  beforeAll(async () => {
    og = createOpsgenieEmulator();
    // Rootly's documented read limit (5 per window), on a window scaled down to 1 s.
    ro = createRootlyEmulator({ limits: { read: 5, windowMs: 1000 } });
    fd = createFlashdutyEmulator();
    await Promise.all([og.server.start(), ro.server.start(), fd.server.start()]);
    og.seedTeam("Platform");
    Object.assign(process.env, {
      OPSGENIE_API_KEY: og.credential,
      OPSGENIE_API_URL: og.server.url,
      OPSGENIE_RATE_LIMITS: "1000/1s",
      ROOTLY_API_TOKEN: ro.credential,
      ROOTLY_API_URL: ro.server.url,
      ROOTLY_RATE_LIMITS: "read=5/1s,write=3/1s",
      FLASHDUTY_APP_KEY: fd.credential,
      FLASHDUTY_BASE_URL: fd.server.url,
    });
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([og.server.stop(), ro.server.stop(), fd.server.stop()]);
  });

  it("reads the last N alerts of each vendor (newest first), paced, with progress on stderr", async () => {
    const team = [...og.teams.values()].find((t) => t.name === "Platform");
    og.addAlerts([
      { message: "old", tags: ["db"] },
      { message: "flapping", tags: ["noise"], ...(team ? { responders: [{ type: "team" as const, id: team.id }] } : {}) },
      { message: "primary down", tags: ["db"], priority: "P1", details: { region: "eu" } },
    ]);
    // 12 Rootly alerts, pages of 2: 6 GETs against 5 reads a second.
    ro.addAlerts(Array.from({ length: 12 }, (_, i) => ({ attributes: { summary: `a${i}`, data: { service: i % 2 ? "api" : "web" } } })));
    fd.addAlerts([{ title: "disk", alert_severity: "Info", integration_id: 7 }, { title: "down", alert_severity: "Critical", integration_id: 7 }]);

    const baseFile = file("base-recent.json", JSON.stringify(base));
    const t0 = Date.now();
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--recent", "2", "--format", "json", "--allow-unrouted");
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as ImpactReport;
    // 2 per vendor: the newest Opsgenie alerts are "primary down" and "flapping".
    expect(rep.total).toBe(6);
    expect(rep.groups.find((g) => g.vendor === "opsgenie" && g.to === "nobody")?.sample).toMatchObject({ opsgenie: { message: "flapping" } });
    expect(rep.groups.find((g) => g.vendor === "opsgenie" && g.to.startsWith("DB P1"))?.sample).toMatchObject({ opsgenie: { message: "primary down", details: { region: "eu" } } });
    expect(r.err).toContain("opsgenie: listed 2 alerts");
    expect(r.err).toContain("rootly: read 2 alerts (page 1)");
    expect(r.err).toContain("flashduty: read 2 alerts (page 1)");
    expect(r.err).toContain("6 recent alerts read");
    // Newest first, and no credential on stderr.
    expect(og.server.log.find((e) => e.path === "/v2/alerts")?.query).toContain("order=desc");
    for (const k of [og.credential, ro.credential, fd.credential]) expect(r.err).not.toContain(k);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it("paces Rootly at its read limit: pages wait for the window instead of meeting a 429", async () => {
    // 2 reads a second on both sides (Rootly's documented 5 per 60 s, scaled): 3 pages of 100 need a second wait.
    ro.setLimits({ read: 2 });
    process.env.ROOTLY_RATE_LIMITS = "read=2/1s,write=3/1s";
    ro.addAlerts(Array.from({ length: 250 }, (_, i) => ({ attributes: { summary: `b${i}`, data: { service: "api" } } })));
    ro.server.resetLog();
    const baseFile = file("base-recent2.json", JSON.stringify(base));
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--recent", "250", "--vendor", "rootly", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ total: 250, changed: 250, nowUnrouted: 0 });
    const calls = ro.server.calls({ path: "/v1/alerts" });
    expect(calls.map((e) => e.status)).toEqual([200, 200, 200]);
    expect(calls[2].time - calls[0].time).toBeGreaterThanOrEqual(900);
    expect(r.err).toContain("rootly: read 250 alerts (page 3)");
  });

  it("survives a fault on the alert list (a 5xx is retried) and fails with a redacted error on a 401", async () => {
    fd.server.inject({ kind: "error-before", path: "/alert/list", times: 1 });
    const baseFile = file("base-recent3.json", JSON.stringify(base));
    const r = await run(impactCommand, "--base", baseFile, "--program", program, "--recent", "2", "--vendor", "flashduty", "--format", "json", "--allow-unrouted");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ total: 2 });
    expect(fd.server.unfiredFaults()).toEqual([]);
    process.env.FLASHDUTY_APP_KEY = "wrong-key-123456";
    await expect(run(impactCommand, "--base", baseFile, "--program", program, "--recent", "2", "--vendor", "flashduty")).rejects.toThrow(/Unauthorized|unauthorized/);
    process.env.FLASHDUTY_APP_KEY = fd.credential;
  });

  it("the demo-seeded emulators serve a few alerts of each vendor", async () => {
    const demo = { og: createOpsgenieEmulator(), ro: createRootlyEmulator({ limits: { read: 100, windowMs: 1000 } }), fd: createFlashdutyEmulator() };
    await Promise.all([demo.og.server.start(), demo.ro.server.start(), demo.fd.server.start()]);
    try {
      for (const e of [demo.og, demo.ro, demo.fd]) e.seedDemo();
      const env = { OPSGENIE_API_KEY: demo.og.credential, OPSGENIE_API_URL: demo.og.server.url, ROOTLY_API_TOKEN: demo.ro.credential, ROOTLY_API_URL: demo.ro.server.url, FLASHDUTY_APP_KEY: demo.fd.credential, FLASHDUTY_BASE_URL: demo.fd.server.url };
      const keep = { ...process.env };
      Object.assign(process.env, env, { ROOTLY_RATE_LIMITS: "read=100/1s,write=3/1s" });
      try {
        const r = await run(impactCommand, "--base", file("base-demo.json", JSON.stringify(base)), "--program", program, "--recent", "10", "--format", "json", "--allow-unrouted");
        expect(r.code, r.err).toBe(0);
        expect(JSON.parse(r.out)).toMatchObject({ total: 9 });
        expect(r.err).toContain("9 recent alerts read");
      } finally {
        process.env = keep;
      }
    } finally {
      await Promise.all([demo.og.server.stop(), demo.ro.server.stop(), demo.fd.server.stop()]);
    }
  });
});

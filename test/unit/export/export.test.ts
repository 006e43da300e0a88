import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { exportCommand } from "../../../src/cli/export";
import { resetProcessGlobals } from "../../../src/core/registry";
import { exportRouting, printProgram, type ExportDocument } from "../../../src/export";
import { resourceName, slug, uniqueNames } from "../../../src/export/names";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../../src/flashduty/emulator";
import { createAtlassianOpsEmulator, createOpsgenieEmulator, emulatorAccount, type AtlassianOpsEmulator, type OpsgenieEmulator } from "../../../src/opsgenie/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../../src/rootly/emulator";
import { captureStderr } from "../stderr";
import { INTEGRATION, opsgenieRule, seedFlashduty, seedOpsgenie, seedRootly } from "./seed";

const repo = resolve(__dirname, "..", "..", "..");
let og: OpsgenieEmulator;
let ro: RootlyEmulator;
let fd: FlashdutyEmulator;

beforeAll(async () => {
  og = createOpsgenieEmulator();
  ro = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  fd = createFlashdutyEmulator();
  await Promise.all([og.server.start(), ro.server.start(), fd.server.start()]);
});
afterAll(() => Promise.all([og.server.stop(), ro.server.stop(), fd.server.stop()]));

let schemaId: string;
let rootlyIds: Record<string, string>;
beforeEach(() => {
  resetProcessGlobals();
  Object.assign(process.env, {
    OPSGENIE_API_KEY: og.credential,
    OPSGENIE_API_URL: og.server.url,
    OPSGENIE_RATE_LIMITS: "1000/1s",
    ROOTLY_API_TOKEN: ro.credential,
    ROOTLY_API_URL: ro.server.url,
    ROOTLY_RATE_LIMITS: "read=1000/1s,write=1000/1s",
    FLASHDUTY_APP_KEY: fd.credential,
    FLASHDUTY_BASE_URL: fd.server.url,
  });
  og.teams.clear();
  ro.routes.clear();
  fd.routes.clear();
  fd.data.clear();
  fd.schemas.clear();
  seedOpsgenie(og);
  rootlyIds = seedRootly(ro);
  schemaId = seedFlashduty(fd, 50).schemaId;
  for (const e of [og, ro, fd]) e.server.resetLog();
});

const everything = (): Parameters<typeof exportRouting>[0] => ({
  opsgenie: { teams: ["Platform", og.team("Payments")!.id], allTeams: false },
  rootly: { names: [], all: true },
  flashduty: { integrations: [String(INTEGRATION)], schemas: [schemaId] },
});
const byName = (doc: ExportDocument, name: string) => doc.resources.find((r) => r.name === name)!;
const writes = () => [og, ro, fd].flatMap((e) => e.server.log.filter((l) => l.method !== "GET" && !/\/(info|list)$/.test(l.path)));

describe("export readers against the emulators", () => {
  it("reads Opsgenie rules in live order without the default rule, notify by id with the name in a comment", async () => {
    const doc = await exportRouting({ opsgenie: everything().opsgenie });
    expect(doc.unsupported).toEqual([]);
    expect(doc.resources.map((r) => [r.name, r.args.order])).toEqual([
      ["platform-database-alerts", 0],
      ["platform-night-p1-pages", 1],
      ["platform-weekend-eu-quiet", 2],
      ["payments-card-failures", 0],
      ["payments-everything-else", 1],
    ]);
    const night = byName(doc, "platform-night-p1-pages");
    expect(night.args).toEqual({
      teamId: og.team("Platform")!.id,
      name: "Night P1 pages",
      order: 1,
      criteria: { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: "P1", order: 0 }] },
      timezone: "Europe/Berlin",
      timeRestriction: { type: "time-of-day", restriction: { startHour: 22, startMin: 0, endHour: 6, endMin: 30 } },
      notify: { type: "escalation", id: og.seeded()["escalation:Platform_escalation"] },
      adoptExisting: true,
    });
    expect(night.comments).toEqual({ teamId: 'team "Platform"', "notify.id": 'escalation "Platform_escalation"' });
    expect(byName(doc, "platform-weekend-eu-quiet").args.notify).toEqual({ type: "none" });
    expect(writes()).toEqual([]);
  });

  it("reads Rootly routes with rules in position order, condition groups and the fallback rule", async () => {
    const doc = await exportRouting({ rootly: { names: ["Production"], all: false } });
    expect(doc.unsupported).toEqual([]);
    const [prod] = doc.resources;
    expect(prod).toMatchObject({ type: "RootlyAlertRoute", name: "production" });
    const rules = prod.args.rules as { name: string; position: number; fallbackRule?: boolean; conditionGroups: unknown[] }[];
    expect(rules.map((r) => [r.name, r.position, r.fallbackRule ?? false, r.conditionGroups.length])).toEqual([
      ["critical", 1, false, 2],
      ["search", 2, false, 1],
      ["everything else", 3, true, 0],
    ]);
    expect(prod.args.owningTeamIds).toEqual([rootlyIds.sre]);
    expect(prod.args.adoptExisting).toBe(true);
    await expect(exportRouting({ rootly: { names: ["Nope"], all: false } })).rejects.toThrow(/no alert route named "Nope"/);
  });

  it("reads a Flashduty route (sections, name mapping, fallthrough, default) and every row of a mapping schema", async () => {
    const doc = await exportRouting({ flashduty: everything().flashduty });
    expect(doc.unsupported).toEqual([]);
    const route = byName(doc, "flashduty-route-6113996590131");
    expect(route.args).toEqual({
      integrationId: INTEGRATION,
      cases: [
        { if: [{ key: "severity", oper: "IN", vals: ["Critical"] }, { key: "labels.env", oper: "NOTIN", vals: ["staging", "dev*"] }], channelIds: [2533748993131], fallthrough: true },
        { if: [{ key: "labels.service", oper: "IN", vals: ["/^pay.*/"] }], channelIds: [3521074710132] },
        { if: [{ key: "labels.service", oper: "IN", vals: ["*"] }], routingMode: "name_mapping", nameMappingLabel: "labels.service" },
      ],
      sections: [
        { name: "Critical", position: 0 },
        { name: "By service", position: 1 },
      ],
      default: { channelIds: [3521074710131] },
      adoptExisting: true,
    });
    const mapping = byName(doc, "mapping-cmdb-lookup");
    const rows = mapping.args.rows as Record<string, string>[];
    expect(rows).toHaveLength(50);
    expect(rows[0]).toEqual({ host: "host-00000", owner: "owner-0", team: "sre" });
    expect(mapping.comments).toEqual({ schemaId: 'schema "CMDB Lookup"' });
    expect(writes()).toEqual([]);
  });

  describe("a named account on JSM Operations (--opsgenie-account)", () => {
    let ops: AtlassianOpsEmulator;
    beforeAll(async () => {
      ops = createAtlassianOpsEmulator();
      await ops.server.start();
    });
    afterAll(() => ops.server.stop());
    beforeEach(() => {
      ops.jsm.teams.clear();
      ops.jsm.schedules.clear();
      ops.jsm.escalations.clear();
      seedOpsgenie(ops.jsm);
      process.env.OPSGENIE_ACCOUNTS = JSON.stringify({ ops: emulatorAccount(ops, "jsm") });
      ops.server.resetLog();
    });
    afterEach(() => void delete process.env.OPSGENIE_ACCOUNTS);

    it("reads the teams there, by name or id, and every rule carries the account", async () => {
      const payments = ops.jsm.team("Payments")!.id;
      const doc = await exportRouting({ opsgenie: { teams: ["Platform", payments], allTeams: false, account: "ops" } });
      expect(doc.unsupported).toEqual([]);
      expect(doc.resources.map((r) => [r.name, r.args.account, r.args.teamId, r.args.order])).toEqual([
        ["platform-database-alerts", "ops", ops.jsm.team("Platform")!.id, 0],
        ["platform-night-p1-pages", "ops", ops.jsm.team("Platform")!.id, 1],
        ["platform-weekend-eu-quiet", "ops", ops.jsm.team("Platform")!.id, 2],
        ["payments-card-failures", "ops", payments, 0],
        ["payments-everything-else", "ops", payments, 1],
      ]);
      const night = byName(doc, "platform-night-p1-pages");
      const seeded = ops.jsm.team("Platform")!.rules.find((r) => r.name === "Night P1 pages")!;
      expect(night.args.notify).toEqual({ type: "escalation", id: seeded.notify.id });
      expect(night.describes).toMatch(/^JSM Operations \(account "ops"\) team "Platform"/);
      expect(printProgram(doc)).toContain('account: "ops",');
      // Read only, and only from the account's platform.
      expect(ops.server.log.filter((l) => l.method !== "GET")).toEqual([]);
      expect(og.server.log).toEqual([]);
    });

    it("--opsgenie-all-teams lists the account's teams", async () => {
      const doc = await exportRouting({ opsgenie: { teams: [], allTeams: true, account: "ops" } });
      expect(doc.resources).toHaveLength(5);
      expect(new Set(doc.resources.map((r) => r.args.account))).toEqual(new Set(["ops"]));
    });

    it("a team the account does not have is named with the flag", async () => {
      await expect(exportRouting({ opsgenie: { teams: ["Nope"], allTeams: false, account: "ops" } })).rejects.toThrow(/--opsgenie-team "Nope": account "ops" has no team with that name/);
      await expect(exportRouting({ opsgenie: { teams: ["00000000-0000-4000-8000-000000000000"], allTeams: false, account: "ops" } })).rejects.toThrow(/has no team with that id/);
    });

    it("an account that is not configured fails before any call, naming it", async () => {
      await expect(exportRouting({ opsgenie: { teams: ["Platform"], allTeams: false, account: "nope" } })).rejects.toThrow(/nope/);
      expect(ops.server.log).toEqual([]);
    });
  });

  it("--opsgenie-all-teams lists the account's teams", async () => {
    og.server.route("GET", "/v2/teams", () => ({ status: 200, body: { data: [...og.teams.values()].map((t) => ({ id: t.id, name: t.name })) } }) as never);
    const doc = await exportRouting({ opsgenie: { teams: [], allTeams: true } });
    expect(doc.resources).toHaveLength(5);
  });
});

describe("names", () => {
  it("are readable slugs, unique", () => {
    expect(slug("Platform / DB alerts!")).toBe("platform-db-alerts");
    expect(slug("Ünïcode  ")).toBe("unicode");
    expect(slug("!!!")).toBe("unnamed");
    expect(resourceName("Team A", "Rule 1")).toBe("team-a-rule-1");
    expect(uniqueNames(["a", "b", "a", "a"])).toEqual(["a", "b", "a-2", "a-3"]);
  });
});

describe("the TypeScript program", () => {
  it("compiles with tsc --noEmit against the package's types", async () => {
    const doc = await exportRouting(everything());
    const text = printProgram(doc, { generatedAt: "2026-01-01T00:00:00Z", command: "alert-routing export --rootly-all" });
    expect(text).toContain('new OpsgenieTeamRoutingRule("platform-database-alerts", {');
    expect(text).toContain('// schedule "Platform_schedule"');
    expect(text.match(/^  adoptExisting: true,$/gm)).toHaveLength(doc.resources.length);
    const dir = mkdtempSync(join(tmpdir(), "ar-export-tsc-"));
    try {
      writeFileSync(join(dir, "index.ts"), text);
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "commonjs",
            moduleResolution: "node10",
            strict: true,
            noUnusedLocals: true,
            noEmit: true,
            skipLibCheck: true,
            esModuleInterop: true,
            types: ["node"],
            typeRoots: [join(repo, "node_modules", "@types")],
            paths: { "pulumi-alert-routing": [join(repo, "src", "index.ts")] },
          },
          files: ["index.ts"],
        }),
      );
      execFileSync(process.execPath, [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { encoding: "utf8" });
    } catch (e) {
      throw new Error(`tsc failed: ${(e as { stdout?: string }).stdout ?? e}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("unsupported objects", () => {
  const seedUnsupported = () => {
    opsgenieRule(og, "Payments", {
      name: "By integration",
      criteria: { type: "match-all-conditions", conditions: [{ field: "integration-name", not: false, operation: "equals", expectedValue: "Datadog", order: 0 }] },
      notify: { type: "none" },
    });
    const prod = ro.routes.get(rootlyIds.prod)!;
    (prod.rules[1].condition_groups[0].conditions[0] as unknown as Record<string, unknown>).property_field_condition_type = "fuzzy_matches";
    fd.routes.get(INTEGRATION)!.cases[0] = { ...fd.routes.get(INTEGRATION)!.cases[0], priority_boost: 2 } as never;
  };

  it("are listed with why, and the rest still exported", async () => {
    seedUnsupported();
    const doc = await exportRouting(everything());
    expect(doc.unsupported.map((u) => [u.vendor, u.object.replace(/ \(.*$/, "")])).toEqual([
      ["opsgenie", 'team "Payments", routing rule "By integration"'],
      ["rootly", 'alert route "Production"'],
      ["flashduty", "routing rule of integration 6113996590131"],
    ]);
    expect(doc.unsupported[0].reasons.join("\n")).toMatch(/criteria\.conditions\.0\.field: must be one of/);
    expect(doc.unsupported[1].reasons.join("\n")).toMatch(/propertyFieldConditionType: must be one of/);
    expect(doc.unsupported[2].reasons.join("\n")).toMatch(/cases\.0\.priority_boost: a field the resource does not manage/);
    expect(doc.resources.map((r) => r.name)).toContain("payments-everything-else");
    expect(doc.resources.map((r) => r.name)).not.toContain("production");
  });

  it("make the command exit 1 with nothing written, unless --skip-unsupported", async () => {
    seedUnsupported();
    const args = ["--opsgenie-team", "Payments", "--rootly-all", "--flashduty-integration", String(INTEGRATION)];
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string) => (out.push(String(c)), true)) as typeof process.stdout.write;
    try {
      const refused = await captureStderr(() => exportCommand.run(args));
      expect(refused.result).toBe(1);
      expect(refused.stderr).toMatch(/unsupported: opsgenie team "Payments", routing rule "By integration"/);
      expect(refused.stderr).toMatch(/nothing was written/);
      expect(out.join("")).toBe("");
      resetProcessGlobals();
      const skipped = await captureStderr(() => exportCommand.run([...args, "--skip-unsupported", "--format", "json"]));
      expect(skipped.result).toBe(0);
      const doc = JSON.parse(out.join("")) as ExportDocument;
      expect(doc.formatVersion).toBe(1);
      expect(doc.unsupported).toHaveLength(3);
      expect(doc.resources.map((r) => r.name)).toEqual(["payments-card-failures", "payments-everything-else", "staging"]);
    } finally {
      process.stdout.write = write;
    }
  });

  it("Opsgenie rules that share a name in a team: each listed with every id and position, none exported (each would adopt the first)", async () => {
    const p1 = opsgenieRule(og, "Payments", {
      name: "Escalate",
      criteria: { type: "match-all-conditions", conditions: [{ field: "priority", not: false, operation: "equals", expectedValue: "P1", order: 0 }] },
      notify: { type: "none" },
    });
    const p2 = opsgenieRule(og, "Payments", {
      name: "Escalate",
      criteria: { type: "match-all-conditions", conditions: [{ field: "priority", not: false, operation: "equals", expectedValue: "P2", order: 0 }] },
      notify: { type: "none" },
    });
    const doc = await exportRouting({ opsgenie: { teams: ["Payments"], allTeams: false } });
    expect(doc.unsupported.map((u) => u.object)).toEqual([`team "Payments", routing rule "Escalate" (${p1})`, `team "Payments", routing rule "Escalate" (${p2})`]);
    for (const u of doc.unsupported)
      expect(u.reasons).toEqual([`2 routing rules of this team are named "Escalate" (${p1} at position 2, ${p2} at position 3): the resource finds its rule by name, so rename all but one in Opsgenie and export again (or declare each by hand with \`adoptRuleId\` set to its id)`]);
    expect(doc.resources.map((r) => r.args.name)).toEqual(["Card failures", "Everything else"]);
  });

  it("refuses bad usage with exit 2", async () => {
    const r = await captureStderr(() => exportCommand.run(["--format", "yaml", "--rootly-all"]));
    expect(r.result).toBe(2);
    const none = await captureStderr(() => exportCommand.run([]));
    expect(none.result).toBe(2);
    expect(none.stderr).toMatch(/say what to read/);
  });
});

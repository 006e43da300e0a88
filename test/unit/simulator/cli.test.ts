import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// The built command, run with the repo's Node 24 (npm run build first; npm test's pretest does).
const root = join(__dirname, "..", "..", "..");
const main = join(root, "dist", "cli", "main.js");
const node = join(root, "node_modules", ".bin", "node");
const fixture = join(__dirname, "fixtures", "program");
const dir = mkdtempSync(join(tmpdir(), "alert-routing-cli-"));

function alertFile(name: string, body: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(body));
  return f;
}

function run(...args: string[]) {
  const r = spawnSync(node, [main, ...args], { cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, PULUMI_CONFIG: JSON.stringify({ "fixture:team": "Platform" }) } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
});

describe("alert-routing simulate (the built CLI)", () => {
  it("prints the explanation and exits 0 with --expect-match when a declared rule matches", () => {
    const f = alertFile("db.json", { opsgenie: { message: "replica lag", tags: ["database"] } });
    const r = run("simulate", "--program", fixture, "--alert", f, "--at", "2026-11-25T10:00:00Z", "--expect-match");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Opsgenie team Platform:");
    expect(r.out).toContain('MATCH #0 "Database" (db): matched: match-all-conditions');
    expect(r.out).toContain('[x] tags contains "database" -> holds (alert has ["database"])');
    expect(r.out).toContain('-> schedule "DB_schedule"');
  });

  it("exits 1 with --expect-match when only the default or fallback takes the alert", () => {
    const f = alertFile("noise.json", { opsgenie: { tags: ["web"] }, rootly: { payload: {} }, flashduty: { severity: "Info" } });
    const r = run("simulate", "--program", fixture, "--alert", f, "--expect-match");
    expect(r.code).toBe(1);
    expect(r.out).toContain("no declared rule matched -> default");
    expect(r.out).toContain("no earlier rule matched -> fallback rule: Service 22222222-2222-4222-8222-222222222222");
    expect(r.out).toContain("-> no declared rule matched -> default: default channel 2");
    expect(r.err).toContain("--expect-match: no declared rule matched");
    // Without --expect-match the same alert is not an error.
    expect(run("simulate", "--program", fixture, "--alert", f).code).toBe(0);
  });

  it("takes a single vendor's alert with --vendor, and --json", () => {
    const f = alertFile("fd.json", { severity: "Critical" });
    const r = run("simulate", "--program", fixture, "--alert", f, "--vendor", "flashduty", "--json", "--expect-match");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { units: { vendor: string; matched: string[]; targetIds: string[] }[] };
    expect(result.units.map((u) => [u.vendor, u.matched, u.targetIds])).toEqual([["flashduty", ["0"], ["1"]]]);
  });

  it("--config overrides PULUMI_CONFIG and reaches the program", () => {
    const f = alertFile("team.json", { opsgenie: { tags: ["database"] } });
    expect(run("simulate", "--program", fixture, "--alert", f, "--config", "fixture:team=Search").out).toContain("Opsgenie team Search:");
  });

  it("--stack-outputs gives a referenced stack's outputs; bare --config keys are in the project of Pulumi.yaml", () => {
    const refs = join(__dirname, "fixtures", "ref-program");
    const outputs = alertFile("prod-outputs.json", { escalation: "Shared_esc", rootlyEscalationId: "esc-9" });
    const f = alertFile("p1.json", { opsgenie: { priority: "P1" }, rootly: { payload: {} } });
    const r = run("simulate", "--program", refs, "--alert", f, "--config", "team=Payments", "--config", "refs:sharedStack=acme/shared/prod", "--stack-outputs", `acme/shared/prod=${outputs}`);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Opsgenie team Payments:");
    expect(r.out).toContain('-> escalation "Shared_esc"');
    expect(r.out).toContain("fallback rule: EscalationPolicy esc-9");
    // An output the file lacks is an error naming it, not a crash or a silent undefined.
    const partial = alertFile("partial-outputs.json", { escalation: "Shared_esc" });
    const bad = run("simulate", "--program", refs, "--alert", f, "--config", "team=Payments", "--config", "sharedStack=acme/shared/prod", "--stack-outputs", `acme/shared/prod=${partial}`);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('stack "acme/shared/prod" has no output "rootlyEscalationId"');
    expect(run("simulate", "--program", refs, "--alert", f, "--stack-outputs", "acme/shared/prod").err).toContain("--stack-outputs wants org/project/stack=outputs.json");
  });

  it("a command-line mistake exits 2 with the command's help (1 means a finding or no match), in every command", () => {
    const f = alertFile("any.json", { opsgenie: { tags: ["database"] } });
    const typo = run("lint", "--program", fixture, "--failon", "warning");
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("alert-routing lint: Unknown option '--failon'");
    expect(typo.err).toContain("usage: alert-routing lint");
    const vendor = run("simulate", "--program", fixture, "--alert", f, "--vendor", "opsgenei", "--expect-match");
    expect(vendor.code).toBe(2);
    expect(vendor.err).toContain('alert-routing simulate: --vendor must be one of opsgenie, rootly, flashduty, got "opsgenei"');
    expect(run("simulate", "--program", fixture, "--alert", f, "--stack-outputs", "acme/shared/prod").code).toBe(2);
  });

  it("lint reads a StackReference program's outputs from --stack-outputs, as simulate does", () => {
    const refs = join(__dirname, "fixtures", "ref-program");
    const outputs = alertFile("lint-outputs.json", { escalation: "Shared_esc", rootlyEscalationId: "esc-9" });
    const r = run("lint", "--program", refs, "--config", "team=Payments", "--config", "refs:sharedStack=acme/shared/prod", "--stack-outputs", `acme/shared/prod=${outputs}`, "--format", "json", "--fail-on", "never");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveProperty("findings");
  });

  it("--opsgenie-case-sensitive flips the assumed case-insensitive comparison, and the explanation says which applies", () => {
    const f = alertFile("db-upper.json", { opsgenie: { tags: ["DATABASE"] } });
    const insensitive = run("simulate", "--program", fixture, "--alert", f);
    expect(insensitive.out).toContain('MATCH #0 "Database"');
    expect(insensitive.out).toContain("are case-insensitive (docs silent; --opsgenie-case-sensitive or opsgenieCaseSensitive: true flips it)");
    const sensitive = run("simulate", "--program", fixture, "--alert", f, "--opsgenie-case-sensitive");
    expect(sensitive.out).not.toContain('MATCH #0 "Database"');
    expect(sensitive.out).toContain("string comparisons are case-sensitive (as asked");
  });

  it("reads the routing from an `alert-routing export --format json` document with --routing", () => {
    const doc = {
      formatVersion: 1,
      unsupported: [],
      resources: [
        { type: "FlashdutyMappingData", name: "cmdb", describes: "schema", args: { schemaId: "665f1a2b3c4d5e6f7a8b9c01", rows: [], adoptExisting: true }, comments: {} },
        {
          type: "OpsgenieTeamRoutingRule",
          name: "platform-database",
          describes: 'team "Platform", rule "Database"',
          args: { teamName: "Platform", name: "Database", order: 0, adoptExisting: true, criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "database" }] }, notify: { type: "schedule", name: "DB_schedule" } },
          comments: {},
        },
      ],
    };
    const routingFile = alertFile("export.json", doc);
    const f = alertFile("db-export.json", { opsgenie: { message: "replica lag", tags: ["database"] } });
    const r = run("simulate", "--routing", routingFile, "--alert", f, "--expect-match");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain('MATCH #0 "Database" (platform-database)');
    expect(r.out).toContain('-> schedule "DB_schedule"');
  });

  it("reports usage errors with exit code 2 and unknown commands", () => {
    expect(run("simulate").code).toBe(2);
    const u = run("frobnicate");
    expect(u.code).toBe(2);
    expect(u.err).toContain('unknown command "frobnicate"');
    expect(u.err).toContain("simulate");
    const bad = run("simulate", "--program", fixture, "--alert", alertFile("bare.json", { severity: "Critical" }));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('put the alert under "opsgenie", "rootly" or "flashduty" keys, or pass one --vendor');
  });
});

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `alert-routing simulate --stack`: the stack's config (a secret included) and a
// referenced stack's outputs, read from a real file backend through the pulumi CLI.
const root = resolve(__dirname, "..", "..");
const main = join(root, "dist", "cli", "main.js");
const node = join(root, "node_modules", ".bin", "node");
const dir = mkdtempSync(join(tmpdir(), "ar-sim-stack-"));
const prog = join(dir, "prog");
const shared = join(dir, "shared");
let env: NodeJS.ProcessEnv;

function pulumi(cwd: string, ...args: string[]): string {
  return execFileSync("pulumi", [...args, "--non-interactive"], { cwd, env, encoding: "utf8" });
}

function simulate(...args: string[]) {
  const r = spawnSync(node, [main, "simulate", "--program", prog, "--alert", join(dir, "alert.json"), ...args], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  const bin = execFileSync(process.execPath, [join(root, "scripts", "ensure-pulumi.mjs"), "--print-bin"], { encoding: "utf8" }).trim().split("\n").pop()!;
  mkdirSync(join(dir, "backend"));
  env = {
    ...process.env,
    PATH: [bin, resolve(process.execPath, ".."), process.env.PATH].join(":"),
    PULUMI_BACKEND_URL: `file://${join(dir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "simulate-test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: join(dir, ".pulumi-home"),
  };
  delete env.PULUMI_CONFIG;
  // The referenced stack (project "shared"): outputs put in its state with `pulumi stack import`.
  mkdirSync(shared);
  writeFileSync(join(shared, "Pulumi.yaml"), "name: shared\nruntime: nodejs\n");
  const outputs = { escalation: "Platform_critical", rootlyEscalationId: "esc-from-state" };
  const deployment = { version: 3, deployment: { manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "" }, resources: [{ urn: "urn:pulumi:prod::shared::pulumi:pulumi:Stack::shared-prod", custom: false, type: "pulumi:pulumi:Stack", outputs }] } };
  writeFileSync(join(shared, "state.json"), JSON.stringify(deployment));
  pulumi(shared, "stack", "init", "prod");
  pulumi(shared, "stack", "import", "--file", "state.json", "--stack", "prod");
  // The program (project "refs"): its dev stack holds the team as a secret.
  cpSync(join(__dirname, "..", "unit", "simulator", "fixtures", "ref-program"), prog, { recursive: true });
  symlinkSync(join(root, "node_modules"), join(prog, "node_modules"), "dir");
  pulumi(prog, "stack", "init", "dev");
  pulumi(prog, "config", "set", "--secret", "team", "Payments", "--stack", "dev");
  pulumi(prog, "config", "set", "sharedStack", "organization/shared/prod", "--stack", "dev");
  writeFileSync(join(dir, "alert.json"), JSON.stringify({ opsgenie: { priority: "P1" }, rootly: { payload: {} } }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("alert-routing simulate --stack (file backend, real pulumi CLI)", () => {
  it("runs the program as its project and stack: the stack's secret config and the referenced stack's outputs from state", () => {
    const r = simulate("--stack", "dev", "--expect-match");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Opsgenie team Payments:");
    expect(r.out).toContain('-> escalation "Platform_critical"');
    expect(r.out).toContain('Rootly route "Payments (dev)"');
    expect(r.out).toContain("fallback rule: EscalationPolicy esc-from-state");
  });

  it("--config overrides the stack's config, --stack-outputs the referenced stack's state", () => {
    const file = join(dir, "outputs.json");
    writeFileSync(file, JSON.stringify({ escalation: "From_file", rootlyEscalationId: "esc-from-file" }));
    const r = simulate("--stack", "dev", "--config", "team=Search", "--stack-outputs", `organization/shared/prod=${file}`);
    expect(r.err).toBe("");
    expect(r.out).toContain("Opsgenie team Search:");
    expect(r.out).toContain('-> escalation "From_file"');
    expect(r.out).toContain("EscalationPolicy esc-from-file");
  });

  it("a stack the backend does not have, or an output the referenced stack lacks, is an error naming it", () => {
    const missingStack = simulate("--stack", "nope");
    expect(missingStack.code).toBe(1);
    expect(missingStack.err).toContain('cannot read the config of stack "nope"');
    const noOutput = simulate("--stack", "dev", "--config", "sharedStack=organization/refs/dev");
    expect(noOutput.code).toBe(1);
    expect(noOutput.err).toContain('stack "organization/refs/dev" has no output "escalation" (outputs from the backend)');
  });
});

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type * as Automation from "@pulumi/pulumi/automation";

export const repoRoot = resolve(__dirname, "..", "..");
export const fixtureDir = join(repoRoot, ".pulumi-test", "fixture");
export const PASSPHRASE = "alert-routing-test-passphrase";

// Inline programs register resources through the fixture's copy of @pulumi/pulumi
// (the one the packed package uses); the Automation API must be that same copy,
// or the two copies' protobuf classes do not match.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const automation = require(join(fixtureDir, "node_modules", "@pulumi", "pulumi", "automation")) as typeof Automation;
/** The packed package as users install it. */
export function installed<T = typeof import("../../src")>(name = "pulumi-alert-routing"): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(fixtureDir, "node_modules", name)) as T;
}

let binDir: string | undefined;
/** The directory holding `pulumi`, the language host and the launcher (built or found by scripts/ensure-pulumi.mjs). */
export function pulumiBinDir(): string {
  binDir ??= execFileSync(process.execPath, [join(repoRoot, "scripts", "ensure-pulumi.mjs"), "--print-bin"], { encoding: "utf8" }).trim().split("\n").pop()!;
  return binDir;
}

/** PATH for the CLI and every process it starts: the engine binaries, then the Node that runs this test. */
export function enginePath(): string {
  return [pulumiBinDir(), join(repoRoot, "node_modules", ".bin"), resolve(process.execPath, ".."), process.env.PATH ?? ""].join(":");
}

export interface Sandbox {
  dir: string;
  backendDir: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** A temp dir with node_modules from the installed fixture and its own file backend. */
export function sandbox(prefix = "ar-"): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const backendDir = join(dir, ".backend");
  mkdirSync(backendDir);
  symlinkSync(join(fixtureDir, "node_modules"), join(dir, "node_modules"), "dir");
  const env: Record<string, string> = {
    PATH: enginePath(),
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: join(dir, ".pulumi-home"),
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  return { dir, backendDir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Everything the file backend holds (state, history, backups), as text. */
export function backendText(box: Sandbox): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, f.name);
      if (f.isDirectory()) walk(p);
      else out.push(readFileSync(p, "utf8"));
    }
  };
  walk(box.backendDir);
  return out.join("\n");
}

/** `pulumi stack export` as a user runs it (secrets stay encrypted). */
export function cliExport(box: Sandbox, stackName: string): string {
  return execFileSync("pulumi", ["stack", "export", "--stack", stackName, "--non-interactive"], { cwd: box.dir, env: { ...process.env, ...box.env }, encoding: "utf8" });
}

export type ConfigMap = Record<string, { value: string; secret?: boolean }>;

export interface InlineStack {
  stack: Automation.Stack;
  box: Sandbox;
  exportState(): Promise<Automation.Deployment>;
  /** `pulumi stack export` output plus the backend's files: what must never hold a credential. */
  persistedText(): string;
  cleanup(): Promise<void>;
}

/** An Automation API stack running `program` inline, as platform tooling does. */
export async function inlineStack(opts: {
  project?: string;
  stackName?: string;
  program: Automation.PulumiFn;
  config?: ConfigMap;
  env?: Record<string, string>;
}): Promise<InlineStack> {
  const box = sandbox("ar-inline-");
  const project = opts.project ?? "alert-routing-test";
  process.env.PATH = box.env.PATH;
  const pulumiCommand = await automation.PulumiCommand.get({ root: undefined, skipVersionCheck: false });
  const stack = await automation.LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName ?? "test", projectName: project, program: opts.program },
    {
      workDir: box.dir,
      pulumiCommand,
      envVars: { ...box.env, ...(opts.env ?? {}) },
      projectSettings: { name: project, runtime: "nodejs", backend: { url: box.env.PULUMI_BACKEND_URL } },
    },
  );
  if (opts.config) await stack.setAllConfig(opts.config);
  return {
    stack,
    box,
    exportState: () => stack.exportStack(),
    persistedText: () => cliExport(box, stack.name) + backendText(box),
    cleanup: async () => {
      try {
        await stack.workspace.removeStack(stack.name, { force: true });
      } catch {
        /* already gone */
      }
      box.cleanup();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProjectStack {
  box: Sandbox;
  run(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Replaces the program (index.js) in place. */
  writeProgram(source: string): void;
  cleanup(): void;
}

/** A project directory run with the `pulumi` CLI, depending on the package as installed. */
export async function projectStack(opts: { project?: string; program: string; config?: ConfigMap; env?: Record<string, string> }): Promise<ProjectStack> {
  const box = sandbox("ar-project-");
  const project = opts.project ?? "alert-routing-project";
  writeFileSync(join(box.dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\nbackend:\n  url: ${box.env.PULUMI_BACKEND_URL}\n`);
  writeFileSync(join(box.dir, "package.json"), JSON.stringify({ name: project, private: true, main: "index.js" }));
  writeFileSync(join(box.dir, "index.js"), opts.program);
  const env = { ...process.env, ...box.env, ...(opts.env ?? {}) } as Record<string, string>;
  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<CliResult>((resolveRun) => {
      const p = spawn("pulumi", [...args, "--non-interactive", "--color=never"], { cwd: box.dir, env: { ...env, ...extraEnv } });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      p.on("close", (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
    });
  const init = await run(["stack", "init", "test"]);
  if (init.code !== 0) throw new Error(`pulumi stack init failed: ${init.stderr}${init.stdout}`);
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    const r = await run(["config", "set", ...(v.secret ? ["--secret"] : []), k, v.value]);
    if (r.code !== 0) throw new Error(`pulumi config set ${k} failed: ${r.stderr}`);
  }
  return { box, run, writeProgram: (s) => writeFileSync(join(box.dir, "index.js"), s), cleanup: box.cleanup };
}

/** The `__provider` inputs of every dynamic resource in a deployment. */
export function providerStrings(state: Automation.Deployment): string[] {
  const resources = (state.deployment as { resources?: { type: string; inputs?: Record<string, unknown> }[] }).resources ?? [];
  return resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => String(r.inputs?.__provider ?? ""));
}

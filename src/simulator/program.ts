import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { addRegistered, emptyRouting } from "./routing";
import { installTypeScriptHook } from "./ts-hook";
import type { Routing } from "./types";

// Runs a Pulumi program in this process under Pulumi's mocks (no engine, no
// vendor calls) and records the inputs of every routing resource it registers.

interface OutputLike {
  apply<U>(f: (v: unknown) => U): OutputLike;
}

interface PulumiLike {
  runtime: {
    setMocks(
      mocks: {
        newResource(a: { type: string; name: string; inputs: Record<string, unknown> }): { id: string; state: Record<string, unknown> } | Promise<{ id: string; state: Record<string, unknown> }>;
        call(a: { inputs: Record<string, unknown> }): Record<string, unknown>;
      },
      project?: string,
      stack?: string,
      preview?: boolean,
    ): Promise<void> | void;
    setAllConfig(c: Record<string, string>, secretKeys?: string[]): void;
  };
  all(xs: unknown[]): OutputLike;
  output(x: unknown): OutputLike;
  StackReference?: { prototype: StackReferenceProto };
}

interface StackReferenceProto {
  name: unknown;
  outputs: unknown;
  getOutput(name: unknown): OutputLike;
  requireOutput(name: unknown): OutputLike;
  [PATCHED]?: boolean;
}

const PATCHED = Symbol.for("pulumi-alert-routing.simulator.stackReference");

/** Outputs of a referenced stack (as `pulumi stack output --json --show-secrets` prints them), or a JSON file holding them. */
export type StackOutputs = Record<string, unknown> | string;

export interface LoadOptions {
  /**
   * Config the program reads, over the stack's (`--config`): full `ns:key` names
   * (e.g. `demo:sreChannelId`), or bare keys for the project's own namespace.
   */
  config?: Record<string, string>;
  /** The project name; default: `name` in the program's Pulumi.yaml. */
  project?: string;
  /**
   * A stack of the program: its config (secrets included) is read from the
   * program's backend through the Automation API (the `pulumi` CLI), and
   * `pulumi.getStack()` returns it.
   */
  stack?: string;
  /**
   * Outputs of the stacks the program references (`new StackReference("org/proj/stack")`),
   * by stack name; each an object or the path of a JSON file. A reference not given here
   * is read from the backend (`pulumi stack output`).
   */
  stackOutputs?: Record<string, StackOutputs>;
}

/** The nearest Pulumi.yaml at or above `dir` (a program folder may sit below its project file). */
function projectFile(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    const yaml = ["Pulumi.yaml", "Pulumi.yml"].map((f) => join(d, f)).find(existsSync);
    if (yaml) return yaml;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The project name in the Pulumi.yaml of a program directory (or above it), if any. */
export function projectName(dir: string): string | undefined {
  const yaml = projectFile(dir);
  if (!yaml) return undefined;
  return /^name:\s*["']?([^"'\n#]+?)["']?\s*(?:#.*)?$/m.exec(readFileSync(yaml, "utf8"))?.[1];
}

/** The entry file: Pulumi.yaml `main`, else package.json exports/main, else index.ts / index.js. */
export function programEntry(dir: string): string {
  const root = resolve(dir);
  const yaml = ["Pulumi.yaml", "Pulumi.yml"].map((f) => join(root, f)).find(existsSync);
  const mainDir = yaml ? /^main:\s*["']?([^"'\n#]+?)["']?\s*$/m.exec(readFileSync(yaml, "utf8"))?.[1] : undefined;
  const base = mainDir ? resolve(root, mainDir) : root;
  if (existsSync(base) && statSync(base).isFile()) return base;
  const pkgFile = join(base, "package.json");
  if (existsSync(pkgFile)) {
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { main?: string; exports?: unknown };
    const exp = typeof pkg.exports === "string" ? pkg.exports : undefined;
    const main = exp ?? pkg.main;
    if (main && existsSync(resolve(base, main))) return resolve(base, main);
  }
  for (const f of ["index.ts", "index.js", "index.mts", "index.mjs"]) if (existsSync(join(base, f))) return join(base, f);
  throw new Error(`no Pulumi program found in ${root}: expected Pulumi.yaml main, package.json main, index.ts or index.js`);
}

const cache = new Map<string, Promise<Routing>>();

/**
 * The routing a program declares. A program runs once per process (Node caches
 * modules), so results are cached per entry file and options.
 */
export function loadProgramRouting(dir: string, opts: LoadOptions = {}): Promise<Routing> {
  const entry = programEntry(dir);
  const key = `${entry}\n${JSON.stringify(opts)}`;
  let p = cache.get(key);
  if (!p) {
    p = runProgram(resolve(dir), entry, opts);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function runProgram(dir: string, entry: string, opts: LoadOptions): Promise<Routing> {
  const req = createRequire(entry);
  // The program's own @pulumi/pulumi: mocks must be set on the instance its resources use.
  const pulumiPath = resolveFrom(req, "@pulumi/pulumi") ?? require.resolve("@pulumi/pulumi");
  const project = opts.project ?? projectName(dir) ?? projectName(dirname(entry)) ?? "simulation";
  return captureWith(pulumiPath, { ...opts, project }, dir, async () => {
    if (/\.[mc]?ts$/.test(entry)) installTypeScriptHook(dirname(entry), req);
    forgetProgramModules(dirname(entry), req);
    const exported = await importProgram(entry, req);
    // A program may export a function (Pulumi runs it and awaits its result).
    if (typeof exported === "function") await (exported as () => unknown)();
  });
}

/**
 * The routing declared by `run` (which constructs resources, e.g. imports a
 * program module or calls a function that builds the stack), under Pulumi's mocks.
 * A `stack` is read from the backend of the current directory's project.
 */
export function captureRouting(run: () => unknown, opts: LoadOptions = {}): Promise<Routing> {
  return captureWith(require.resolve("@pulumi/pulumi"), { project: projectName(process.cwd()), ...opts }, process.cwd(), run);
}

/** Config as `pulumi.runtime.setAllConfig` takes it: the stack's (from the backend), then `opts.config` over it. */
async function resolveConfig(opts: LoadOptions, project: string, workDir: string): Promise<{ config: Record<string, string>; secretKeys: string[] }> {
  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  if (opts.stack) {
    const stackConfig = await backend.stackConfig(workDir, opts.stack);
    for (const [k, v] of Object.entries(stackConfig)) {
      config[k] = v.value;
      if (v.secret) secretKeys.add(k);
    }
  }
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    // A bare key is in the project's namespace, as `pulumi config set key value` stores it.
    const full = k.includes(":") ? k : `${project}:${k}`;
    config[full] = v;
    secretKeys.delete(full);
  }
  return { config, secretKeys: [...secretKeys] };
}

async function captureWith(pulumiPath: string, opts: LoadOptions, workDir: string, run: () => unknown): Promise<Routing> {
  const pulumi = require(pulumiPath) as PulumiLike;
  const project = opts.project ?? "simulation";
  const { config, secretKeys } = await resolveConfig(opts, project, workDir);
  const refs = new StackReferences(opts.stackOutputs ?? {}, workDir);
  patchStackReference(pulumi);
  const routing = emptyRouting();
  await pulumi.runtime.setMocks(
    {
      async newResource(a) {
        if (a.type === "pulumi:pulumi:StackReference") {
          const name = String(a.inputs?.name ?? a.name);
          const outputs = await refs.outputs(name);
          return { id: name, state: { name, outputs: outputs.values, secretOutputNames: outputs.secret } };
        }
        // Secret inputs (config.requireSecret, secret stack outputs) arrive wrapped: the simulator wants their values.
        addRegistered(routing, a.type, a.name, unwrapSecrets(a.inputs ?? {}) as Record<string, unknown>);
        return { id: `${a.name}-id`, state: a.inputs ?? {} };
      },
      call: (a) => a.inputs,
    },
    project,
    opts.stack ?? "simulation",
    false,
  );
  pulumi.runtime.setAllConfig(config, secretKeys);
  const previous = current;
  current = refs;
  try {
    await run();
    await drain(pulumiPath);
  } finally {
    current = previous;
  }
  refs.throwIfFailed();
  return routing;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
}

/** Reads a stack's config and outputs through the Automation API (the `pulumi` CLI on PATH, the program's backend). */
export const backend = {
  async stackConfig(workDir: string, stack: string): Promise<Record<string, { value: string; secret?: boolean }>> {
    const ws = await workspace(workDir);
    try {
      return await ws.getAllConfig(stack);
    } catch (e) {
      throw new Error(`cannot read the config of stack "${stack}" from the program's backend: ${firstLine(e)}`);
    }
  },
  async stackOutputs(workDir: string, stack: string): Promise<Record<string, { value: unknown; secret: boolean }>> {
    const ws = await workspace(workDir);
    return ws.stackOutputs(stack);
  },
};

async function workspace(workDir: string) {
  // Loaded on demand: the Automation API is only needed with a stack or a stack reference.
  const auto = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  try {
    return await auto.LocalWorkspace.create({ workDir });
  } catch (e) {
    throw new Error(`cannot use the Automation API (is the pulumi CLI on PATH?): ${firstLine(e)}`);
  }
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // The CLI's stderr carries the reason; the command line and stdout around it are noise.
  const stderr = /stderr:\s*([\s\S]*?)(?:\n\s*err\?:|$)/.exec(msg)?.[1]?.trim();
  return (stderr || msg).split("\n").filter((l) => l.trim()).slice(0, 3).join(" ").slice(0, 500);
}

interface ReferencedOutputs {
  values: Record<string, unknown>;
  secret: string[];
}

/** Outputs of the stacks a program references: from the user's files, else the backend; failures are collected, not thrown mid-run. */
class StackReferences {
  private readonly errors: string[] = [];
  private readonly read = new Map<string, Promise<ReferencedOutputs>>();
  /** Where each stack's outputs came from, for error text. */
  readonly source = new Map<string, string>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly given: Record<string, StackOutputs>,
    private readonly workDir: string,
  ) {}

  /** The given entry for a stack: the exact name, else the one name that ends with it or that it ends with (org/proj/stack vs proj/stack). */
  private givenFor(name: string): [string, StackOutputs] | undefined {
    if (Object.hasOwn(this.given, name)) return [name, this.given[name]];
    const near = Object.keys(this.given).filter((k) => k.endsWith(`/${name}`) || name.endsWith(`/${k}`));
    return near.length === 1 ? [near[0], this.given[near[0]]] : undefined;
  }

  outputs(name: string): Promise<ReferencedOutputs> {
    let p = this.read.get(name);
    if (!p) {
      p = this.load(name);
      this.read.set(name, p);
    }
    return p;
  }

  private async load(name: string): Promise<ReferencedOutputs> {
    const given = this.givenFor(name);
    if (given) {
      const [key, v] = given;
      if (typeof v === "string") {
        this.source.set(name, v);
        try {
          const parsed = JSON.parse(readFileSync(resolve(v), "utf8")) as unknown;
          if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object of outputs");
          return { values: parsed as Record<string, unknown>, secret: [] };
        } catch (e) {
          this.fail(name, `cannot read the outputs of stack "${key}" from ${v}: ${firstLine(e)}`);
          return { values: {}, secret: [] };
        }
      }
      this.source.set(name, "the given outputs");
      return { values: v, secret: [] };
    }
    this.source.set(name, "the backend");
    try {
      const outs = await backend.stackOutputs(this.workDir, name);
      const values: Record<string, unknown> = {};
      const secret: string[] = [];
      for (const [k, o] of Object.entries(outs)) {
        values[k] = o.value;
        if (o.secret) secret.push(k);
      }
      return { values, secret };
    } catch (e) {
      this.fail(name, `cannot read the outputs of stack "${name}" from the backend (${firstLine(e)}); give them with --stack-outputs ${name}=outputs.json (stackOutputs in loadProgramRouting)`);
      return { values: {}, secret: [] };
    }
  }

  private fail(stack: string, msg: string): void {
    this.failed.add(stack);
    this.errors.push(msg);
  }

  missing(stack: string, output: string): void {
    // The stack itself could not be read: that error says it all.
    if (this.failed.has(stack)) return;
    const msg = `stack "${stack}" has no output "${output}" (outputs from ${this.source.get(stack) ?? "the backend"}); the program reads it with a StackReference`;
    if (!this.errors.includes(msg)) this.errors.push(msg);
  }

  throwIfFailed(): void {
    if (this.errors.length) throw new Error(this.errors.join("\n"));
  }
}

/** The stack references of the capture in progress (one at a time: a program runs under one set of mocks). */
let current: StackReferences | undefined;

/**
 * getOutput/requireOutput report a missing output by name once the run ends,
 * instead of an undefined value (getOutput) or an error inside an Output that
 * surfaces as an unrelated failure (requireOutput).
 */
function patchStackReference(pulumi: PulumiLike): void {
  const proto = pulumi.StackReference?.prototype;
  if (!proto || proto[PATCHED]) return;
  proto[PATCHED] = true;
  const read = function (this: StackReferenceProto, name: unknown): OutputLike {
    return pulumi.all([this.name, name, this.outputs]).apply((v) => {
      const [stack, n, outs] = v as [string, string, Record<string, unknown> | undefined];
      if (!outs || !Object.prototype.hasOwnProperty.call(outs, n)) {
        current?.missing(stack, n);
        return undefined;
      }
      return outs[n];
    });
  };
  proto.getOutput = read;
  proto.requireOutput = read;
}

function resolveFrom(req: NodeJS.Require, id: string): string | undefined {
  try {
    return req.resolve(id);
  } catch {
    return undefined;
  }
}

/** Drops the program's own modules (not its node_modules) from the require cache, so it runs again with other options. */
function forgetProgramModules(dir: string, req: NodeJS.Require): void {
  const root = resolve(dir) + sep;
  for (const f of Object.keys(req.cache)) if (f.startsWith(root) && !f.includes(`${sep}node_modules${sep}`)) delete req.cache[f];
}

let esmRun = 0;

async function importProgram(entry: string, req: NodeJS.Require): Promise<unknown> {
  try {
    const mod = req(entry) as { default?: unknown };
    return mod?.default ?? mod;
  } catch (e) {
    // ESM programs ("type": "module", .mjs): Node's loader (type stripping for .ts).
    if ((e as { code?: string }).code !== "ERR_REQUIRE_ESM" && (e as { code?: string }).code !== "ERR_REQUIRE_ASYNC_MODULE") throw e;
    // A fresh URL per run: Node caches ES modules by URL (modules the entry imports still run once).
    const mod = (await import(`${pathToFileURL(entry).href}?run=${esmRun++}`)) as { default?: unknown };
    return mod.default ?? mod;
  }
}

/** Waits until Pulumi has no registration in flight (its internal RPC queue), so every resource reached the mocks. */
async function drain(pulumiPath: string): Promise<void> {
  const settingsPath = join(dirname(pulumiPath), "runtime", "settings.js");
  const settings = (existsSync(settingsPath) ? require(settingsPath) : {}) as { waitForRPCs?: () => Promise<void> };
  for (let i = 0; i < 3; i++) {
    if (settings.waitForRPCs) await settings.waitForRPCs();
    await new Promise((r) => setTimeout(r, 10));
  }
}

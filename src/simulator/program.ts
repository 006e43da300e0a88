import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { addRegistered, emptyRouting } from "./routing";
import { installTypeScriptHook } from "./ts-hook";
import type { Routing } from "./types";

// Runs a Pulumi program in this process under Pulumi's mocks (no engine, no
// vendor calls) and records the inputs of every routing resource it registers.

interface PulumiLike {
  runtime: {
    setMocks(mocks: { newResource(a: { type: string; name: string; inputs: Record<string, unknown> }): { id: string; state: Record<string, unknown> }; call(a: { inputs: Record<string, unknown> }): Record<string, unknown> }, project?: string, stack?: string, preview?: boolean): Promise<void> | void;
    setAllConfig(c: Record<string, string>, secretKeys?: string[]): void;
  };
}

export interface LoadOptions {
  /** Stack config the program reads, full `ns:key` names (e.g. `demo:sreChannelId`). */
  config?: Record<string, string>;
  project?: string;
  stack?: string;
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
 * modules), so results are cached per entry file and config.
 */
export function loadProgramRouting(dir: string, opts: LoadOptions = {}): Promise<Routing> {
  const entry = programEntry(dir);
  const key = `${entry}\n${JSON.stringify(opts)}`;
  let p = cache.get(key);
  if (!p) {
    p = runProgram(entry, opts);
    cache.set(key, p);
  }
  return p;
}

async function runProgram(entry: string, opts: LoadOptions): Promise<Routing> {
  const req = createRequire(entry);
  // The program's own @pulumi/pulumi: mocks must be set on the instance its resources use.
  const pulumiPath = resolveFrom(req, "@pulumi/pulumi") ?? require.resolve("@pulumi/pulumi");
  return captureWith(pulumiPath, opts, async () => {
    if (/\.[mc]?ts$/.test(entry)) installTypeScriptHook(dirname(entry), req);
    const exported = await importProgram(entry, req);
    // A program may export a function (Pulumi runs it and awaits its result).
    if (typeof exported === "function") await (exported as () => unknown)();
  });
}

/**
 * The routing declared by `run` (which constructs resources, e.g. imports a
 * program module or calls a function that builds the stack), under Pulumi's mocks.
 */
export function captureRouting(run: () => unknown, opts: LoadOptions = {}): Promise<Routing> {
  return captureWith(require.resolve("@pulumi/pulumi"), opts, run);
}

async function captureWith(pulumiPath: string, opts: LoadOptions, run: () => unknown): Promise<Routing> {
  const pulumi = require(pulumiPath) as PulumiLike;
  const routing = emptyRouting();
  await pulumi.runtime.setMocks(
    {
      newResource(a) {
        addRegistered(routing, a.type, a.name, a.inputs ?? {});
        return { id: `${a.name}-id`, state: a.inputs ?? {} };
      },
      call: (a) => a.inputs,
    },
    opts.project ?? "simulation",
    opts.stack ?? "simulation",
    false,
  );
  if (opts.config) pulumi.runtime.setAllConfig(opts.config);
  await run();
  await drain(pulumiPath);
  return routing;
}

function resolveFrom(req: NodeJS.Require, id: string): string | undefined {
  try {
    return req.resolve(id);
  } catch {
    return undefined;
  }
}

async function importProgram(entry: string, req: NodeJS.Require): Promise<unknown> {
  try {
    const mod = req(entry) as { default?: unknown };
    return mod?.default ?? mod;
  } catch (e) {
    // ESM programs ("type": "module", .mjs): Node's loader (type stripping for .ts).
    if ((e as { code?: string }).code !== "ERR_REQUIRE_ESM" && (e as { code?: string }).code !== "ERR_REQUIRE_ASYNC_MODULE") throw e;
    const mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
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

import { existsSync, readFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join, resolve, sep } from "node:path";

// TypeScript programs are transpiled the way Pulumi runs them (ts-node with
// transpileOnly): syntax only, no type check, to CommonJS. We use the program's
// own `typescript` (a TypeScript program has it), else the one @pulumi/pulumi
// vendors. Node's type stripping is not enough: it refuses `import` in a
// package whose type is commonjs, which is how Pulumi TypeScript projects look.

interface TsLike {
  transpileModule(src: string, o: { fileName: string; compilerOptions: Record<string, unknown> }): { outputText: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2020?: number; ES2017: number };
}

interface CompilableModule {
  _compile(code: string, file: string): void;
}

const hooked = new Set<string>();

/** The TypeScript copy @pulumi/pulumi vendors (what its own shim falls back to): a file, not a package entry. */
export function vendoredTypeScript(req: NodeJS.Require): string | undefined {
  for (const r of [req, require]) {
    try {
      const file = join(dirname(r.resolve("@pulumi/pulumi/package.json")), "vendor", "typescript@3.8.3", "typescript.js");
      if (existsSync(file)) return file;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

export function loadTypeScript(req: NodeJS.Require): TsLike {
  try {
    return req("typescript") as TsLike;
  } catch {
    // no typescript in the program: Pulumi's vendored copy
  }
  const vendored = vendoredTypeScript(req);
  if (vendored) return require(vendored) as TsLike;
  throw new Error("cannot run a TypeScript program: install typescript in the program (npm i -D typescript)");
}

/** Transpiles `.ts` files under `dir` (not under node_modules) when Node requires them. */
export function installTypeScriptHook(dir: string, req: NodeJS.Require): void {
  const root = resolve(dir) + sep;
  if (hooked.has(root)) return;
  hooked.add(root);
  const ts = loadTypeScript(req);
  const exts = (Module as unknown as { _extensions: Record<string, (m: CompilableModule, file: string) => void> })._extensions;
  for (const ext of [".ts", ".cts", ".mts"]) {
    const previous = exts[ext];
    exts[ext] = (m, file) => {
      if (!file.startsWith(root) || file.includes(`${sep}node_modules${sep}`)) {
        if (previous) return previous(m, file);
        throw new Error(`cannot load ${file}: no TypeScript loader`);
      }
      const out = ts.transpileModule(readFileSync(file, "utf8"), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 ?? ts.ScriptTarget.ES2017, esModuleInterop: true, sourceMap: false, inlineSourceMap: true },
      });
      m._compile(out.outputText, file);
    };
  }
}

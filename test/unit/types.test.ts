// Type tests: the consumer programs in test/types/consumer/ are compiled with
// `tsc --noEmit` against the packed package, as installed into the engine
// tests' fixture (scripts/prepare-fixture.mjs, run by test/global-setup.ts).
// A passing compile proves both what compiles and, through its
// `@ts-expect-error` lines, what must not.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "..", "..");
const fixtureModules = join(root, ".pulumi-test", "fixture", "node_modules");
const installed = join(fixtureModules, "pulumi-alert-routing");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const dirs: string[] = [];

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh project outside the repository (no ancestor node_modules/@types): the consumer files and the fixture's node_modules. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "alert-routing-types-"));
  dirs.push(dir);
  cpSync(join(root, "test", "types", "consumer"), dir, { recursive: true });
  symlinkSync(fixtureModules, join(dir, "node_modules"), "dir");
  return dir;
}

describe("types of the packed package", () => {
  it.each([
    // `pulumi new typescript` today: ES2022+, nodenext.
    ["nodenext", "tsconfig.nodenext.json"],
    // The older Pulumi TypeScript template: commonjs, moduleResolution node, target es2020, strict, no skipLibCheck.
    ["commonjs (older Pulumi template)", "tsconfig.commonjs.json"],
  ])("a consumer compiles under %s, and each @ts-expect-error line fails", (_name, config) => {
    expect(existsSync(installed), `the fixture is not installed at ${installed} (run without ALERT_ROUTING_SKIP_FIXTURE)`).toBe(true);
    const dir = project();
    const r = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], { cwd: dir, encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.status).toBe(0);
  });

  it("the consumer has the failing cases it claims (misspelled, snake_case, wrong enum)", () => {
    const src = readFileSync(join(root, "test", "types", "consumer", "index.ts"), "utf8");
    for (const why of ["misspelled field", "snake_case field", "wrong enum value", "an Output of a wider type", "the kit is not exported from the root"]) expect(src).toContain(`@ts-expect-error ${why}`);
  });

  it("the public declarations reference no zod type, only @pulumi/pulumi", () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const stack = [join(installed, "dist", "index.d.ts")];
    while (stack.length) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/\bzod\b|\bZod[A-Z]/);
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        if (!m[1].startsWith(".")) external.add(m[1]);
        else {
          const base = resolve(dirname(file), m[1]);
          const next = [`${base}.d.ts`, join(base, "index.d.ts")].find((p) => existsSync(p));
          expect(next, `${m[1]} from ${file}`).toBeDefined();
          stack.push(next!);
        }
      }
    }
    expect([...external]).toEqual(["@pulumi/pulumi"]);
    expect(seen.size).toBeGreaterThan(5);
  });
});

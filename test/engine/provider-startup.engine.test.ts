import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir } from "./harness";

// What a provider process loads before its first call is start-up on the critical path:
// ten parallel stacks start ten of them at once on a few cores (issue #12). The provider
// host runs the shim, which loads the installed runtime from the project directory.
const probe = (key: string) => `
  const shim = require("pulumi-alert-routing/dist/shims/${key.replace(":", ".")}.js");
  const before = new Set(Object.keys(require.cache));
  shim.configure({ config: { get: () => undefined }, rawConfig: {} })
    .then(() => shim.check({}, { name: 1 }))
    .then((r) => {
      const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
      process.stdout.write(JSON.stringify({ failures: r.failures.length, loaded }));
    });
`;

function load(key: string): { failures: number; loaded: string[] } {
  const out = execFileSync(process.execPath, ["-e", probe(key)], { cwd: fixtureDir, encoding: "utf8", env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1" } });
  return JSON.parse(out) as { failures: number; loaded: string[] };
}

describe("provider process start-up", () => {
  it.each([
    ["rootly:AlertRoute", "rootly", ["opsgenie", "flashduty"]],
    ["opsgenie:TeamRoutingRule", "opsgenie", ["rootly", "flashduty"]],
    ["flashduty:Route", "flashduty", ["rootly", "opsgenie"]],
  ])("%s loads its vendor's runtime only: no emulator, no other vendor's runtime, not undici's index", (key, own, others) => {
    const { failures, loaded } = load(key);
    const ours = (p: string) => p.includes(join("node_modules", "pulumi-alert-routing", "dist"));
    expect(failures, "check ran (and rejected the bad input)").toBeGreaterThan(0);
    expect(loaded.filter(ours).some((p) => p.endsWith(join(own, "runtime.js")))).toBe(true);
    expect(loaded.filter((p) => ours(p) && /[\\/]emulator[\\/]/.test(p))).toEqual([]);
    for (const o of others) expect(loaded.filter((p) => ours(p) && p.endsWith(join(o, "runtime.js")))).toEqual([]);
    expect(loaded.filter((p) => p.endsWith(join("node_modules", "undici", "index.js")))).toEqual([]);
  });
});

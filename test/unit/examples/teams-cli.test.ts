import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// The Automation API example's command line as users run it (Node 24 runs the .mts directly).
const root = resolve(__dirname, "..", "..", "..");
const script = join(root, "examples", "teams", "deploy-teams.mts");
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8" });

describe("examples/teams/deploy-teams.mts command line", () => {
  it("bad flags and bad values are usage errors: a clear message and exit 2", () => {
    for (const args of [["--parallel", "x"], ["--parallel", "0"], ["--bogus"], ["a.json", "b.json"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^deploy-teams: .+\nusage: /);
    }
  });

  it("a routing file that does not fit its schema is refused with the path, before any stack is touched", () => {
    const dir = mkdtempSync(join(tmpdir(), "ar-teams-cli-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ teams: [{ team: "", rules: [] }] }));
    const r = run(join(dir, "bad.json"), "--parallel", "3");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("teams.0.team");
  });

  it("the committed JSON Schema is the one generated from the zod schema", () => {
    const generated = execFileSync(process.execPath, [script, "--print-schema"], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(readFileSync(join(root, "examples", "teams", "routing.schema.json"), "utf8"))).toEqual(JSON.parse(generated));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { enginePath, PASSPHRASE, repoRoot } from "./harness";
import { createOpsgenieEmulator } from "../../src/opsgenie/emulator";
import type { TeamDefinition } from "../../examples/teams/deploy-teams.mts" with { "resolution-mode": "import" };

// The examples as users run them, against the emulators: the top-level demo
// (Pulumi.yaml + examples/program through `pulumi up`) and the Automation API
// tooling that deploys one stack per team.

describe("examples", () => {
  it("npm run demo: up, outputs, a 0-call steady preview, a previewed change, destroy", async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [join(repoRoot, "examples", "demo.mjs")], { cwd: repoRoot, env: { ...process.env, PATH: enginePath() }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(r.code, r.out.slice(-4000)).toBe(0);
    expect(r.out).toContain("API calls during the preview: 0");
    expect(r.out).toMatch(/Opsgenie team Platform: 0\. P1 in business hours, 1\. Database alerts, 2\. Drop test alerts, 3\. Default Routing Rule \(default\)/);
    expect(r.out).toContain("302 rows");
    expect(r.out).toMatch(/endHour\s*:\s*18 => 19/);
    expect(r.out).toContain("Demo finished.");
  });

  describe("Automation API: one stack per team", () => {
    const og = createOpsgenieEmulator();
    let work: string;
    let home: string;
    beforeAll(async () => {
      await og.server.start();
      og.seedDemo();
      // Inside the repo, so the provider process resolves the package by self-reference, as users' tooling resolves it from node_modules.
      mkdirSync(join(repoRoot, ".pulumi-test"), { recursive: true });
      work = mkdtempSync(join(repoRoot, ".pulumi-test", "teams-"));
      copyFileSync(join(repoRoot, "examples", "teams", "Pulumi.yaml"), join(work, "Pulumi.yaml"));
      home = mkdtempSync(join(tmpdir(), "ar-teams-"));
      process.env.PATH = enginePath();
    });
    afterAll(async () => {
      await og.server.stop();
      rmSync(work, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    });

    it("previews and updates every team; one team's error does not hide the others", async () => {
      const { deployTeams, readDefinition, report } = await import("../../examples/teams/deploy-teams.mts");
      const teams: TeamDefinition[] = [
        ...readDefinition(join(repoRoot, "examples", "teams", "routing.json")),
        // No such team in Opsgenie: this stack fails, the others still land.
        { team: "Search", rules: [{ name: "all", order: 0, criteria: { type: "match-all" }, notify: { type: "none" } }] },
      ];
      const lines: string[] = [];
      const env = {
        PULUMI_BACKEND_URL: `file://${home}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_HOME: join(home, ".pulumi-home"),
        OPSGENIE_API_URL: og.server.url,
        OPSGENIE_API_KEY: og.credential,
        PATH: enginePath(),
      };
      const results = await deployTeams(teams, { workDir: work, env, parallel: 2, log: (team, line) => lines.push(`[${team}] ${line}`) });
      console.log(report(results));
      const byTeam = Object.fromEntries(results.map((r) => [r.team, r]));
      expect(byTeam.Platform.ok, byTeam.Platform.error).toBe(true);
      expect(byTeam.Payments.ok, byTeam.Payments.error).toBe(true);
      expect(byTeam.Platform.applied?.create).toBe(3); // the stack and two rules
      expect(byTeam.Search.ok).toBe(false);
      expect(byTeam.Search.error).toMatch(/Search/);
      expect(lines.some((l) => l.startsWith("[Platform]"))).toBe(true);
      const platform = [...og.teams.values()].find((t) => t.name === "Platform")!;
      expect(platform.rules.map((r) => r.name)).toEqual(["P1 pages the escalation", "Kubernetes alerts", "Default Routing Rule"]);
      const payments = [...og.teams.values()].find((t) => t.name === "Payments")!;
      expect(payments.rules.map((r) => r.name)).toEqual(["Business hours", "Default Routing Rule"]);

      // Progress comes from engine events: one line per resource operation, and the error once.
      expect(lines).toContain("[Platform] create opsgenie:TeamRoutingRule platform-kubernetes-alerts");
      expect(byTeam.Search.error!.match(/Search/g)!.length).toBeLessThanOrEqual(2);
      expect(lines.filter((l) => l.startsWith("[Search] failed:")).length).toBe(1);

      // A second run plans nothing and calls no API.
      og.server.resetLog();
      const again = await deployTeams(teams.slice(0, 2), { workDir: work, env, previewOnly: true, log: () => undefined });
      expect(again.every((r) => r.ok && !r.planned?.create && !r.planned?.update)).toBe(true);
      expect(og.server.log).toHaveLength(0);

      // Payments leaves the routing file: --prune destroys its stack, and only its rules go.
      const pruned = await deployTeams(teams.slice(0, 1), { workDir: work, env, prune: true, log: () => undefined });
      const gone = pruned.find((r) => r.stack === "payments");
      expect(gone?.ok, gone?.error).toBe(true);
      expect(gone?.action).toBe("destroyed");
      expect(pruned.some((r) => r.stack === "search")).toBe(true);
      expect(payments.rules.map((r) => r.name)).toEqual(["Default Routing Rule"]);
      expect(platform.rules.map((r) => r.name)).toEqual(["P1 pages the escalation", "Kubernetes alerts", "Default Routing Rule"]);
    });
  });
});

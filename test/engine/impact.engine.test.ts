import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImpactReport } from "../../src/analysis";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";
import { createOpsgenieEmulator, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { projectStack, repoRoot } from "./harness";

// `alert-routing impact --base <stack>`: the routing before is read from a real stack's state
// (deployed with `pulumi up` against the emulators), the routing after from a program.
let og: OpsgenieEmulator;
let fd: FlashdutyEmulator;

beforeAll(async () => {
  og = createOpsgenieEmulator();
  fd = createFlashdutyEmulator();
  await Promise.all([og.server.start(), fd.server.start()]);
  og.seedTeam("Platform");
  og.seedSchedule("DB_schedule");
  fd.seedIntegration(7);
  fd.seedChannel(1);
  fd.seedChannel(2);
});
afterAll(() => Promise.all([og.server.stop(), fd.server.stop()]));

const deployed = `
const ar = require("pulumi-alert-routing");
new ar.OpsgenieTeamRoutingRule("db", { teamName: "Platform", name: "DB", order: 0,
  criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: "db" }] },
  notify: { type: "schedule", name: "DB_schedule" } });
new ar.FlashdutyRoute("checkout", { integrationId: 7, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [1] }], default: { channelIds: [2] } });
`;

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(repoRoot, "dist", "cli", "main.js"), ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

describe("alert-routing impact --base <stack>", () => {
  it("replays a corpus against the stack's state and the program: changes grouped, exit 2 for an alert now reaching nobody", async () => {
    const p = await projectStack({
      project: "impact-base",
      program: deployed,
      config: {
        "opsgenie:apiKey": { value: og.credential, secret: true },
        "opsgenie:apiUrl": { value: og.server.url },
        "opsgenie:rateLimits": { value: "200/1s" },
        "flashduty:appKey": { value: fd.credential, secret: true },
        "flashduty:baseUrl": { value: fd.server.url },
      },
      env: { OPSGENIE_ORDER_SETTLE_MS: "30" },
    });
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const dir = mkdtempSync(join(tmpdir(), "ar-impact-"));
      const alerts = join(dir, "alerts.jsonl");
      writeFileSync(
        alerts,
        [
          { opsgenie: { tags: ["db"], priority: "P1" } },
          { opsgenie: { tags: ["db"] } },
          { flashduty: { integrationId: 7, severity: "Info" } },
          { flashduty: { integrationId: 7, severity: "Critical" } },
        ]
          .map((a) => JSON.stringify(a))
          .join("\n"),
      );
      const program = join(repoRoot, "test", "unit", "analysis", "fixtures", "after");
      const r = await cli(["impact", "--base", "test", "--cwd", p.box.dir, "--program", program, "--alerts", alerts, "--vendor", "opsgenie", "--vendor", "flashduty", "--format", "json"], p.box.env);
      expect(r.code, r.stderr).toBe(2);
      const rep = JSON.parse(r.stdout) as ImpactReport;
      expect({ ...rep, groups: undefined }).toEqual({ total: 4, unchanged: 2, changed: 2, nowUnrouted: 1, nowRouted: 0, groups: undefined });
      expect(rep.groups.map((g) => [g.vendor, g.from, g.to, g.count])).toEqual([
        ["flashduty", "default -> channel 2", "nobody", 1],
        ["opsgenie", "DB -> schedule DB_schedule", "DB P1 -> escalation Critical_esc", 1],
      ]);
      expect(r.stdout + r.stderr).not.toContain(og.credential);
    } finally {
      p.cleanup();
    }
  });
});

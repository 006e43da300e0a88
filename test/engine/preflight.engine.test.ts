import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpsgenieEmulator, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { projectStack } from "./harness";

// The existence checks at preview, through the real CLI on one stack: a mistyped team fails
// `pulumi preview` with a did-you-mean and no write; a steady preview makes no call; the
// `opsgenie:preflight` opt-out skips them; without a credential preview still works and says
// it skipped them.

const KEY = "genie-preflight-engine-key-3e7a";
let emu: OpsgenieEmulator;

beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY });
  await emu.server.start();
  emu.seedTeam("Payments");
  emu.seedTeam("Platform");
  emu.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
});
afterAll(() => emu.server.stop());

// Two rules on the same team: one list of teams serves both.
const program = (team: string) => `
const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");
for (const name of ["preflight a", "preflight b"])
  new OpsgenieTeamRoutingRule(name.replace(" ", "-"), { teamName: ${JSON.stringify(team)}, name, notify: { type: "schedule", name: "Primary" } });
`;

const calls = () => emu.server.log.map((e) => `${e.method} ${e.path}`);
const writes = () => emu.server.log.filter((e) => e.method !== "GET");

describe("preflight through the real CLI", () => {
  it("mistyped team: preview fails with a did-you-mean, no write; steady preview: 0 calls; opt-out; offline notice", async () => {
    const p = await projectStack({
      project: "preflight",
      program: program("Payments"),
      config: { "opsgenie:apiKey": { value: KEY, secret: true }, "opsgenie:apiUrl": { value: emu.server.url }, "opsgenie:rateLimits": { value: "200/1s" } },
    });
    try {
      emu.server.resetLog();
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      // `up` checks in its preview and again in its update (another provider process): the
      // update reads the preview's lists from the machine-wide cache instead of listing again.
      expect(calls().filter((c) => c === "GET /v2/teams")).toHaveLength(1);
      expect(calls().filter((c) => c === "GET /v2/schedules")).toHaveLength(1);

      emu.server.resetLog();
      // Without the shared lists, so a check that ran would show as a call, not a cache read.
      const steady = await p.run(["preview"], { ALERT_ROUTING_SHARED_BUDGET: "0" });
      expect(steady.code, steady.stdout + steady.stderr).toBe(0);
      expect(calls()).toEqual([]);

      p.writeProgram(program("Paymnts"));
      emu.server.resetLog();
      const typo = await p.run(["preview"]);
      const out = typo.stdout + typo.stderr;
      expect(typo.code, out).not.toBe(0);
      expect(out).toMatch(/team "Paymnts" \(teamName\) does not exist on account default \([^)]+\); did you mean "Payments"\?/);
      expect(writes()).toEqual([]);
      expect(calls().filter((c) => c === "GET /v2/teams")).toHaveLength(1);
      expect(emu.team("Payments")?.rules.map((r) => r.name).sort()).toEqual(["Default Routing Rule", "preflight a", "preflight b"]);

      // Opted out: the same preview passes and lists nothing.
      expect((await p.run(["config", "set", "opsgenie:preflight", "false"])).code).toBe(0);
      emu.server.resetLog();
      const optedOut = await p.run(["preview"]);
      expect(optedOut.code, optedOut.stdout + optedOut.stderr).toBe(0);
      expect(calls()).not.toContain("GET /v2/teams");
      expect(optedOut.stdout + optedOut.stderr).not.toMatch(/does not exist|skipped checking/);
      expect((await p.run(["config", "rm", "opsgenie:preflight"])).code).toBe(0);

      // No credential: preview works offline and says once what it skipped.
      expect((await p.run(["config", "rm", "opsgenie:apiKey"])).code).toBe(0);
      emu.server.resetLog();
      const offline = await p.run(["preview"]);
      const said = offline.stdout + offline.stderr;
      expect(offline.code, said).toBe(0);
      expect(said).toMatch(/opsgenie: preview skipped checking that teams, schedules and escalations exist: no Opsgenie API key configured/);
      // Once for the run (the CLI shows it in the progress and again under Diagnostics).
      expect(said.slice(said.indexOf("Diagnostics:")).match(/preview skipped checking/g)).toHaveLength(1);
      expect(calls()).toEqual([]);
    } finally {
      p.cleanup();
    }
  });
});

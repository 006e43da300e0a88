import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../../..");
const cli = join(root, "dist", "emulator", "cli.js");

/** Runs the built `npm run emulators` command with `args` and returns its first stdout line; the process is killed after it. */
async function firstLine(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const rl = createInterface({ input: child.stdout });
    const line = await new Promise<string>((res, rej) => {
      rl.once("line", res);
      child.once("exit", (code) => rej(new Error(`emulators exited (${code}) before printing a line`)));
    });
    rl.close();
    return line;
  } finally {
    child.kill("SIGTERM");
  }
}

describe("npm run emulators", () => {
  it("--json prints the seeded ids (teams, schedules, escalations, alert sources, policies, integrations, channels, schemas) and a config snippet", async () => {
    expect(existsSync(cli), "dist is built by the test setup (npm run build)").toBe(true);
    const out = JSON.parse(await firstLine(["--json"])) as {
      urls: Record<string, string>;
      seeded: Record<string, Record<string, string>>;
      config: string[];
    };
    const uuid = expect.stringMatching(/^[0-9a-f-]{36}$/);
    expect(out.seeded.opsgenie).toMatchObject({ "team:Platform": uuid, "team:Payments": uuid, "schedule:Platform_schedule": uuid, "escalation:Platform_critical": uuid });
    expect(out.seeded.rootly).toMatchObject({ "alertSource:Datadog": uuid, "escalationPolicy:Primary escalation": uuid, "team:SRE": uuid, "service:payments-api": uuid });
    expect(out.seeded.flashduty).toMatchObject({
      "integration:6113996590131": "6113996590131",
      "channel:sre-oncall": "2533748993131",
      "schema:CMDB Lookup": "665f1a2b3c4d5e6f7a8b9c01",
    });
    const { "jsm-ops": opsUrl, ...vendors } = out.urls;
    for (const [vendor, url] of Object.entries(vendors)) expect(out.config).toContainEqual(expect.stringMatching(new RegExp(`^pulumi config set ${vendor}:\\w+ ${url}$`)));
    expect(out.config).toContain("pulumi config set --secret opsgenie:apiKey opsgenie-emulator-key-0000");
    // JSM / Compass Operations: named accounts of the Opsgenie resource, the token a secret leaf.
    expect(out.seeded["jsm-ops"]).toMatchObject({ "jsm.team:Platform": uuid, "compass.team:Payments": uuid, "jsm.schedule:Platform_schedule": uuid });
    for (const product of ["jsm", "compass"]) {
      expect(out.config).toContain(`pulumi config set --path opsgenie:accounts.${product}.apiUrl ${opsUrl}`);
      expect(out.config).toContain(`pulumi config set --path opsgenie:accounts.${product}.platform ${product}`);
      expect(out.config).toContain(`pulumi config set --secret --path opsgenie:accounts.${product}.apiToken atlassian-emulator-token-0000`);
    }
    expect(out.config.filter((l) => l.includes("--secret"))).toHaveLength(5);
  });

  it("--no-seed: nothing seeded beyond what the emulators start with", async () => {
    const out = JSON.parse(await firstLine(["--json", "--no-seed"])) as { seeded: Record<string, Record<string, string>> };
    expect(out.seeded.opsgenie).toEqual({});
    expect(out.seeded.rootly).toEqual({});
    expect(out.seeded["jsm-ops"]).toEqual({});
  });
});

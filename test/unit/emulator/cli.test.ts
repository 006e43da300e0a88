import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/emulator/cli";

const root = resolve(__dirname, "../../..");
const cli = join(root, "dist", "emulator", "cli.js");

/** Runs the built `npm run emulators` command with `args` and returns its first stdout line; the process is killed (and awaited) after it. */
async function firstLine(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
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
    await exited; // its ports are free again for the next run
  }
}

/** Runs the command to its end (for flags that exit): status and output. */
function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  return new Promise((res) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    }),
  );
}

interface JsonOut {
  env: Record<string, string>;
  urls: Record<string, string>;
  seeded: Record<string, Record<string, string>>;
  schemas: Record<string, { id: string; sourceLabels: string[]; resultLabels: string[] }>;
  config: string[];
}

/** A base port unlikely to be taken, so that parallel runs of the suite do not collide. */
const basePort = () => 20_000 + Math.floor(Math.random() * 20_000);

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

  it("--help prints the usage (every option) and exits 0 without starting anything", async () => {
    const r = await runToEnd(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: alert-routing-emulators \[options\]/);
    for (const flag of ["--port <n>", "--seed <text>", "--no-seed", "--json", "--rootly-time-scale <x>", "-h, --help"]) expect(r.stdout).toContain(flag);
    expect(r.stdout).not.toContain("Emulators running");
  });

  it("an unknown option or a bad value is refused with status 2, never ignored", async () => {
    const unknown = await runToEnd(["--prot", "4000"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option --prot");
    expect(unknown.stderr).toContain("--help");
    // The rest in-process: the same parser.
    expect(() => parseArgs(["--port=http"])).toThrow("--port: http is not a port");
    expect(() => parseArgs(["--port", "65535"])).toThrow("is not a port from 1 to 65532");
    expect(() => parseArgs(["--seed"])).toThrow("--seed needs a value");
    expect(() => parseArgs(["--rootly-time-scale=0"])).toThrow("not a positive number");
    expect(parseArgs(["--port", "4000", "--seed=x", "--json"])).toEqual({ port: 4000, seed: "x", json: true, help: false });
  });

  it("--port and --seed: the same ports, ids and credentials on every run; another seed, other ids", async () => {
    const port = basePort();
    const a = JSON.parse(await firstLine(["--json", "--port", String(port), "--seed", "team-a"])) as JsonOut;
    const b = JSON.parse(await firstLine(["--json", `--port=${port}`, "--seed=team-a"])) as JsonOut;
    expect(Object.values(a.urls)).toEqual(Object.keys(a.urls).map((_, i) => `http://127.0.0.1:${port + i}`));
    expect(b).toEqual(a); // urls, env (keys, cloud id), seeded ids, config lines
    expect(a.seeded.opsgenie["team:Platform"]).toMatch(/^[0-9a-f-]{36}$/);
    const c = JSON.parse(await firstLine(["--json", "--seed", "team-b"])) as JsonOut;
    expect(c.seeded.opsgenie["team:Platform"]).not.toBe(a.seeded.opsgenie["team:Platform"]);
    expect(c.seeded["jsm-ops"]["jsm.team:Platform"]).not.toBe(a.seeded["jsm-ops"]["jsm.team:Platform"]);
    // jsm and compass are separate tenants: the same team name, two ids.
    expect(a.seeded["jsm-ops"]["jsm.team:Platform"]).not.toBe(a.seeded["jsm-ops"]["compass.team:Platform"]);
  });

  it("a taken port fails with the emulator and port named, and exits 1", async () => {
    const port = basePort();
    const holder = createServer();
    await new Promise<void>((res) => holder.listen(port + 1, "127.0.0.1", res));
    try {
      const r = await runToEnd(["--port", String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`emulator: cannot listen on port ${port + 1} \\(EADDRINUSE\\)`));
    } finally {
      holder.close();
    }
  });

  it("prints the Flashduty mapping schemas' labels, what FlashdutyMappingData rows need", async () => {
    const out = JSON.parse(await firstLine(["--json"])) as JsonOut;
    expect(out.schemas["CMDB Lookup"]).toEqual({ id: "665f1a2b3c4d5e6f7a8b9c01", sourceLabels: ["host"], resultLabels: ["owner", "team", "service"] });
    const text = await new Promise<string>((res) => {
      const child = spawn(process.execPath, [cli], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
      let all = "";
      child.stdout.on("data", (d) => {
        all += d;
        if (all.includes("/__emulator/log")) child.kill("SIGTERM");
      });
      child.once("exit", () => res(all));
    });
    expect(text).toContain("source labels: host");
    expect(text).toContain("result labels: owner, team, service");
    expect(text).toContain('a row: {"host":"...","owner":"...","team":"...","service":"..."}');
  });
});

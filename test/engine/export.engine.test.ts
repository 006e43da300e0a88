import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { projectStack, repoRoot, type ConfigMap } from "./harness";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";
import { createAtlassianOpsEmulator, createOpsgenieEmulator, emulatorAccount, type AtlassianOpsEmulator, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { INTEGRATION, seedFlashduty, seedOpsgenie, seedRootly } from "../unit/export/seed";

// Round trip through the real CLI: seeded accounts -> `alert-routing export` (the built bin) ->
// `pulumi up` of the generated program -> adoption only, and a refresh that finds no change.
let og: OpsgenieEmulator;
let ro: RootlyEmulator;
let fd: FlashdutyEmulator;
let schemaId: string;

beforeAll(async () => {
  og = createOpsgenieEmulator();
  ro = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  fd = createFlashdutyEmulator();
  await Promise.all([og.server.start(), ro.server.start(), fd.server.start()]);
  seedOpsgenie(og);
  seedRootly(ro);
  schemaId = seedFlashduty(fd, 2000).schemaId;
});
afterAll(() => Promise.all([og.server.stop(), ro.server.stop(), fd.server.stop()]));

const config = (): ConfigMap => ({
  "opsgenie:apiKey": { value: og.credential, secret: true },
  "opsgenie:apiUrl": { value: og.server.url },
  "opsgenie:rateLimits": { value: "200/1s" },
  "rootly:apiToken": { value: ro.credential, secret: true },
  "rootly:apiUrl": { value: ro.server.url },
  "rootly:rateLimits": { value: "read=1000/1s,write=1000/1s" },
  "flashduty:appKey": { value: fd.credential, secret: true },
  "flashduty:baseUrl": { value: fd.server.url },
});

/** Every vendor's content, to compare before and after. */
const snapshot = () =>
  JSON.parse(
    JSON.stringify({
      opsgenie: [...og.teams.values()].map((t) => t.rules.map((r) => og.render(t, r))),
      rootly: [...ro.routes.values()].map((r) => ({ ...r, updated_at: undefined })),
      flashduty: [...fd.routes.values()],
      rows: fd.rows(schemaId).map((r) => [r.key, r.fields, r.updated_at]),
    }),
  ) as Record<string, unknown>;
/** Same content as before, vendor by vendor (key order aside). */
function unchanged(before: Record<string, unknown>): void {
  const now = snapshot();
  for (const k of Object.keys(before)) expect(now[k], k).toEqual(before[k]);
}

function cli(args: string[], stackEnv?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = stackEnv ? { ...process.env, ...stackEnv } : {
    ...process.env,
    OPSGENIE_API_KEY: og.credential,
    OPSGENIE_API_URL: og.server.url,
    ROOTLY_API_TOKEN: ro.credential,
    ROOTLY_API_URL: ro.server.url,
    ROOTLY_RATE_LIMITS: "read=1000/1s,write=1000/1s",
    FLASHDUTY_APP_KEY: fd.credential,
    FLASHDUTY_BASE_URL: fd.server.url,
  };
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(repoRoot, "dist", "cli", "main.js"), "export", ...args], { env });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

describe("alert-routing export round trip", () => {
  it("export -> pulumi up adopts everything with no vendor create, delete or content write -> refresh finds no change", async () => {
    const out = mkdtempSync(join(tmpdir(), "ar-export-"));
    try {
      const ex = await cli([
        ...["--opsgenie-team", "Platform", "--opsgenie-team", "Payments", "--rootly-all"],
        ...["--flashduty-integration", String(INTEGRATION), "--flashduty-schema", schemaId, "--out", out],
      ]);
      expect(ex.code, ex.stderr).toBe(0);
      expect(ex.stderr).toMatch(/rootly: reading alert routes, page 1/);
      expect(ex.stderr).toMatch(/2,000 rows/);
      const source = readFileSync(join(out, "index.ts"), "utf8");
      expect(source.match(/^new /gm)).toHaveLength(5 + 2 + 2);
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;

      const before = snapshot();
      for (const e of [og, ro, fd]) e.server.resetLog();
      const p = await projectStack({ project: "export-round-trip", program: js, config: config(), env: { OPSGENIE_ORDER_SETTLE_MS: "30" } });
      try {
        const up = await p.run(["up", "--yes"]);
        expect(up.code, up.stdout + up.stderr).toBe(0);
        expect(up.stdout).toMatch(/\+ 10 created/); // 9 resources and the stack
        // Adoption only: the exported rules match what is live, so no vendor gets a single write.
        expect(og.server.log.filter((l) => l.method !== "GET")).toEqual([]);
        expect(ro.server.log.filter((l) => l.method !== "GET")).toEqual([]);
        expect(fd.server.log.filter((l) => /upsert|delete|truncate/.test(l.path))).toEqual([]);
        unchanged(before);

        const pre = await p.run(["preview", "--refresh", "--expect-no-changes"]);
        expect(pre.code, pre.stdout + pre.stderr).toBe(0);
        unchanged(before);

        // --stack: the same objects, credentials and endpoints from the stack's config (secrets) alone.
        const again = await cli(["--stack", "test", "--cwd", p.box.dir, "--rootly-all", "--opsgenie-team", "Platform", "--opsgenie-team", "Payments",
          "--flashduty-integration", String(INTEGRATION), "--flashduty-schema", schemaId, "--format", "json"], p.box.env);
        expect(again.code, again.stderr).toBe(0);
        const names = [...source.matchAll(/^new \w+\("([^"]+)"/gm)].map((m) => m[1]);
        expect((JSON.parse(again.stdout) as { resources: { name: string }[] }).resources.map((r) => r.name).sort()).toEqual(names.sort());
        expect(again.stdout + again.stderr).not.toContain(og.credential);
      } finally {
        p.cleanup();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("a JSM Operations account (--opsgenie-account): export -> pulumi up adopts with no write -> preview --refresh finds no change", async () => {
    const ops: AtlassianOpsEmulator = createAtlassianOpsEmulator();
    await ops.server.start();
    const out = mkdtempSync(join(tmpdir(), "ar-export-jsm-"));
    try {
      seedOpsgenie(ops.jsm);
      const accounts = { OPSGENIE_ACCOUNTS: JSON.stringify({ ops: emulatorAccount(ops, "jsm") }), OPSGENIE_RATE_LIMITS: "200/1s" };
      const ex = await cli(["--opsgenie-account", "ops", "--opsgenie-all-teams", "--out", out], { ...accounts });
      expect(ex.code, ex.stderr).toBe(0);
      const source = readFileSync(join(out, "index.ts"), "utf8");
      expect(source.match(/^new OpsgenieTeamRoutingRule\(/gm)).toHaveLength(5);
      expect(source.match(/^ {2}account: "ops",$/gm)).toHaveLength(5);
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const rules = () => JSON.stringify([...ops.jsm.teams.values()].map((t) => t.rules.map((r) => ops.jsm.render(t, r))));
      const before = rules();
      ops.server.resetLog();
      const p = await projectStack({ project: "export-round-trip-jsm", program: js, config: {}, env: { ...accounts, OPSGENIE_ORDER_SETTLE_MS: "30" } });
      try {
        const up = await p.run(["up", "--yes"]);
        expect(up.code, up.stdout + up.stderr).toBe(0);
        expect(up.stdout).toMatch(/\+ 6 created/);
        expect(ops.server.log.filter((l) => l.method !== "GET")).toEqual([]);
        expect(rules()).toBe(before);
        const pre = await p.run(["preview", "--refresh", "--expect-no-changes"]);
        expect(pre.code, pre.stdout + pre.stderr).toBe(0);
        expect(rules()).toBe(before);
      } finally {
        p.cleanup();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
      await ops.server.stop();
    }
  });
});

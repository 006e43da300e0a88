import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAtlassianOpsEmulator, createOpsgenieEmulator, type AtlassianOpsEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { backendText, cliExport, projectStack, type CliResult, type ProjectStack } from "./harness";

// Accounts of OpsgenieTeamRoutingRule through the real CLI: Opsgenie and JSM Operations
// in one stack (secret `--path` config), teamName and notify by name on JSM, the errors
// for a missing account or credential, and the migration path: a stack on Opsgenie
// switches its default account to JSM after Atlassian migrated the team, and one `up`
// with adoptExisting takes over the migrated rules (new ids) with 0 creates, 0 deletes
// and no reordering anywhere.
const KEY = "genie-accounts-key-2b7f9e";
const TOKEN = "atl-accounts-token-8d3a51";
const EMAIL = "routing-bot@example.com";
const TYPE = "pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule";

let og: OpsgenieEmulator;
let ops: AtlassianOpsEmulator;
let ogTeam: EmuTeam;

beforeAll(async () => {
  og = createOpsgenieEmulator({ apiKey: KEY });
  ops = createAtlassianOpsEmulator({ email: EMAIL, apiToken: TOKEN });
  await Promise.all([og.server.start(), ops.server.start()]);
});
afterAll(() => Promise.all([og.server.stop(), ops.server.stop()]));
beforeEach(() => {
  og.teams.clear();
  ops.jsm.teams.clear();
  ops.jsm.schedules.clear();
  ops.jsm.escalations.clear();
  og.server.clearFaults();
  ops.server.clearFaults();
  ogTeam = og.seedTeam("Ops");
  og.seedSchedule("Primary");
});

const ok = (r: CliResult) => expect(r.code, r.stdout + r.stderr).toBe(0);
const opsgenieConfig = () => ({
  "opsgenie:apiKey": { value: KEY, secret: true },
  "opsgenie:apiUrl": { value: og.server.url },
  "opsgenie:rateLimits": { value: "200/1s" },
});

/** The JSM account under `opsgenie:accounts.<name>` with `--path`, the token as a secret leaf. */
async function setJsmAccount(p: ProjectStack, name: string, withToken = true): Promise<void> {
  const entries: [string, string, boolean][] = [
    ["platform", "jsm", false],
    ["cloudId", ops.cloudId, false],
    ["email", EMAIL, false],
    ["apiUrl", ops.server.url, false],
  ];
  if (withToken) entries.push(["apiToken", TOKEN, true]);
  for (const [k, v, secret] of entries) ok(await p.run(["config", "set", "--path", ...(secret ? ["--secret"] : []), `opsgenie:accounts.${name}.${k}`, v]));
}

const rule = (resource: string, a: { name: string; order: number; account?: string; notify: string; adopt?: boolean }) =>
  `new OpsgenieTeamRoutingRule(${JSON.stringify(resource)}, { ${a.account ? `account: ${JSON.stringify(a.account)}, ` : ""}teamName: "Ops", name: ${JSON.stringify(a.name)}, order: ${a.order}${a.adopt ? ", adoptExisting: true" : ""},
  criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "contains", expectedValue: ${JSON.stringify(a.name)} }] },
  notify: ${a.notify} });`;

async function stateRules(p: ProjectStack): Promise<{ urn: string; outputs: Record<string, unknown> }[]> {
  const r = await p.run(["stack", "export"]);
  ok(r);
  const resources = (JSON.parse(r.stdout) as { deployment: { resources?: { type: string; urn: string; outputs: Record<string, unknown> }[] } }).deployment.resources ?? [];
  return resources.filter((x) => x.type === TYPE);
}

describe("OpsgenieTeamRoutingRule accounts through the real CLI", () => {
  it("Opsgenie and JSM in one stack: secret --path config, teamName and notify by name on JSM, errors for a missing account or credential", async () => {
    const jsmTeam = ops.jsm.seedTeam("Ops");
    const esc = ops.jsm.seedEscalation("Ops on-call");
    const sched = ops.jsm.seedSchedule("Primary");
    const program = `const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");
${rule("us-0", { name: "us-0", order: 0, notify: `{ type: "schedule", name: "Primary" }` })}
${rule("us-1", { name: "us-1", order: 1, notify: `{ type: "none" }` })}
${rule("jsm-0", { name: "jsm-0", order: 0, account: "jsm", notify: `{ type: "escalation", name: "Ops on-call" }` })}
${rule("jsm-1", { name: "jsm-1", order: 1, account: "jsm", notify: `{ type: "schedule", name: "Primary" }` })}
if (process.env.WITH_EU) ${rule("eu-0", { name: "eu-0", order: 0, account: "eu", notify: `{ type: "none" }` })}
`;
    const p = await projectStack({ project: "og-accounts", program, config: opsgenieConfig() });
    const seen: string[] = [];
    try {
      // The JSM account without its token: the error names every way to give it.
      await setJsmAccount(p, "jsm", false);
      const noToken = await p.run(["up", "--yes"]);
      seen.push(noToken.stdout, noToken.stderr);
      expect(noToken.code).not.toBe(0);
      expect(noToken.stdout + noToken.stderr).toMatch(/account "jsm" has no Atlassian API token/);
      expect(noToken.stdout + noToken.stderr).toContain("pulumi config set --secret --path 'opsgenie:accounts.jsm.apiToken'");
      expect(noToken.stdout + noToken.stderr).toContain("OPSGENIE_JSM_API_TOKEN");
      expect(noToken.stdout + noToken.stderr).toContain("OPSGENIE_ACCOUNTS");
      // A wrong token: the 401 names the account, JSM, the host, the config keys and the env var.
      ok(await p.run(["config", "set", "--path", "--secret", "opsgenie:accounts.jsm.apiToken", "not-the-token"]));
      const badToken = await p.run(["up", "--yes"]);
      seen.push(badToken.stdout, badToken.stderr);
      expect(badToken.code).not.toBe(0);
      // The CLI wraps long diagnostics.
      const bad = (badToken.stdout + badToken.stderr).replace(/\s+/g, " ");
      expect(bad).toContain(`account "jsm" (JSM Operations, cloud id ${ops.cloudId}) at ${ops.server.url}: check the credential in opsgenie:accounts.jsm.apiToken with opsgenie:accounts.jsm.email (or OPSGENIE_JSM_API_TOKEN)`);
      expect(bad).toContain("JSM Operations takes an Atlassian API token with its account's email (HTTP basic auth), not an Opsgenie API key");
      expect(bad).not.toContain("not-the-token");
      ok(await p.run(["config", "set", "--path", "--secret", "opsgenie:accounts.jsm.apiToken", TOKEN]));

      // An account that is not configured at all.
      const noAccount = await p.run(["up", "--yes"], { WITH_EU: "1" });
      seen.push(noAccount.stdout, noAccount.stderr);
      expect(noAccount.code).not.toBe(0);
      expect(noAccount.stdout + noAccount.stderr).toMatch(/no account "eu" is configured \(opsgenie:accounts has "jsm"\)/);

      const up = await p.run(["up", "--yes"]);
      seen.push(up.stdout, up.stderr);
      ok(up);
      expect(ogTeam.rules.map((r) => r.name)).toEqual(["us-0", "us-1", "Default Routing Rule"]);
      expect(jsmTeam.rules.map((r) => r.name)).toEqual(["jsm-0", "jsm-1", "Default Routing Rule"]);
      // Names resolved client-side: JSM took ids only.
      expect(jsmTeam.rules[0].notify).toEqual({ type: "escalation", id: esc.id });
      expect(jsmTeam.rules[1].notify).toEqual({ type: "schedule", id: sched.id });
      for (const c of ops.server.calls({ method: "POST", path: /routing-rules$/ })) expect(JSON.stringify(c.body)).not.toMatch(/"name":"(Ops on-call|Primary)"/);
      expect(ops.server.calls({ method: "GET", path: /\/v1\/teams$/ }).length).toBeGreaterThan(0);
      const state = await stateRules(p);
      const jsm0 = state.find((r) => r.outputs.name === "jsm-0")!;
      expect(jsm0.outputs).toMatchObject({ account: "jsm", teamId: jsmTeam.id, notify: { type: "escalation", name: "Ops on-call" }, notifyId: esc.id, target: `jsm ${ops.server.url} ${ops.cloudId}` });
      expect(state.find((r) => r.outputs.name === "us-0")!.outputs).toMatchObject({ teamId: ogTeam.id, target: `opsgenie ${og.server.url}` });

      // Steady: no calls on either platform; refresh is quiet (notify names kept from state on JSM).
      og.server.resetLog();
      ops.server.resetLog();
      ok(await p.run(["preview", "--expect-no-changes"]));
      expect([og.server.log.length, ops.server.log.length]).toEqual([0, 0]);
      const refresh = await p.run(["refresh", "--yes", "--expect-no-changes"]);
      seen.push(refresh.stdout, refresh.stderr);
      ok(refresh);
      expect(ops.server.log.filter((e) => e.method !== "GET")).toEqual([]);

      seen.push(cliExport(p.box, "test"), backendText(p.box));
      const down = await p.run(["destroy", "--yes"]);
      seen.push(down.stdout, down.stderr);
      ok(down);
      expect(jsmTeam.rules.map((r) => r.name)).toEqual(["Default Routing Rule"]);
      expect(ogTeam.rules.map((r) => r.name)).toEqual(["Default Routing Rule"]);
      const all = seen.join("\n");
      expect(all).toContain(TYPE);
      for (const secret of [KEY, TOKEN, Buffer.from(`${EMAIL}:${TOKEN}`).toString("base64")]) expect(all.includes(secret), `credential ${secret.slice(0, 4)}… leaked`).toBe(false);
    } finally {
      p.cleanup();
    }
  }, 600_000);

  it("migration: Opsgenie -> JSM by config only, one up with adoptExisting: 0 creates, 0 deletes, order unchanged, refresh quiet", async () => {
    const names = ["first", "second", "third", "fourth"];
    const program = `const { OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");
${names.map((n, i) => rule(n, { name: n, order: i, adopt: true, notify: i % 2 ? `{ type: "none" }` : `{ type: "schedule", name: "Primary" }` })).join("\n")}
`;
    const p = await projectStack({ project: "og-migration", program, config: opsgenieConfig() });
    try {
      ok(await p.run(["up", "--yes"]));
      expect(ogTeam.rules.map((r) => r.name)).toEqual([...names, "Default Routing Rule"]);
      const before = await stateRules(p);

      // Atlassian migrates the team: a new team id, new rule ids, the same rules in the same order.
      const jsmTeam = ops.jsm.seedTeam("Ops");
      const primary = ops.jsm.seedSchedule("Primary");
      const sched = [...og.schedules.values()].find((s) => s.name === "Primary")!;
      jsmTeam.rules.splice(0, 0, ...ogTeam.rules.filter((r) => !r.isDefault).map((r) => ({
        ...structuredClone(r),
        id: `migrated-${r.name}`,
        notify: r.notify.type === "schedule" && r.notify.id === sched.id ? { type: "schedule", id: primary.id } : { ...r.notify },
      })));
      const migratedIds = jsmTeam.rules.map((r) => r.id);

      // The switch: the default account becomes the JSM site; the program is unchanged.
      await setJsmAccount(p, "default");
      // The default preview says why each rule is replaced: the field that moved, and where to.
      const pre = await p.run(["preview"]);
      ok(pre);
      for (const n of names) expect(pre.stdout).toMatch(new RegExp(`TeamRoutingRule ${n} replace \\[diff: ~target\\]`));
      expect(pre.stdout + pre.stderr).toContain(`routing rule "first" is replaced because account "default" moved: from opsgenie ${og.server.url} to jsm ${ops.server.url} ${ops.cloudId}`);
      og.server.resetLog();
      ops.server.resetLog();
      ops.jsm.history.length = 0;
      const up = await p.run(["up", "--yes"]);
      ok(up);
      const out = up.stdout + up.stderr;
      console.log(`migration up: opsgenie ${og.server.log.length} calls, jsm ${ops.server.log.length} calls (${ops.server.log.map((e) => e.method).join(" ")})`);
      // Vendor side: nothing created, deleted or moved; nothing at all on Opsgenie.
      expect(ops.server.calls({ method: "POST" })).toHaveLength(0);
      expect(ops.server.calls({ method: "DELETE" })).toHaveLength(0);
      expect(ops.server.calls({ path: /change-order$/ })).toHaveLength(0);
      expect(ops.server.calls({ method: "PATCH" })).toHaveLength(0);
      expect(og.server.log).toHaveLength(0);
      expect(jsmTeam.rules.map((r) => r.id)).toEqual(migratedIds);
      expect(ops.jsm.history).toHaveLength(0);
      expect(ogTeam.rules.map((r) => r.name)).toEqual([...names, "Default Routing Rule"]);
      expect(out).toMatch(/left routing rule "first".*on opsgenie/);
      expect(out).toMatch(/4 replaced/);

      const after = await stateRules(p);
      expect(after.map((r) => r.urn).sort()).toEqual(before.map((r) => r.urn).sort());
      for (const r of after) {
        expect(r.outputs.ruleId).toBe(`migrated-${String(r.outputs.name)}`);
        expect(r.outputs.target).toBe(`jsm ${ops.server.url} ${ops.cloudId}`);
        expect(r.outputs.teamId).toBe(jsmTeam.id);
      }
      ops.server.resetLog();
      ok(await p.run(["refresh", "--yes", "--expect-no-changes"]));
      ok(await p.run(["preview", "--expect-no-changes"]));
      expect(ops.server.log.filter((e) => e.method !== "GET")).toEqual([]);
      ok(await p.run(["destroy", "--yes"]));
      expect(jsmTeam.rules.map((r) => r.name)).toEqual(["Default Routing Rule"]);
    } finally {
      p.cleanup();
    }
  }, 600_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectStack, type CliResult, type ProjectStack } from "./harness";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { createFlashdutyEmulator, type FlashdutyEmulator } from "../../src/flashduty/emulator";

// What a reviewer reads in `pulumi preview`, through the real CLI on one stack with all four
// resources (Opsgenie by teamName, by teamId, and adopted in the shape `alert-routing export`
// writes): after a refresh no resource shows a diff, a one-field change shows that field only,
// state written by earlier releases (outputs stored as inputs) heals on its next refresh, and a
// malformed endpoint or a wrong key fails naming the config key, the env var and the fix.
const OG_KEY = "genie-preview-key-5c1e7a";
const FD_KEY = "fd-preview-app-key-9a2b4c";
const INTEGRATION = 6113996590141;
const CH_A = 2533748993141;
const CH_B = 3521074710141;

let og: OpsgenieEmulator;
let rootly: RootlyEmulator;
let fd: FlashdutyEmulator;
let team: EmuTeam;
let schemaId: string;
let ids: Record<string, string>;

beforeAll(async () => {
  og = createOpsgenieEmulator({ apiKey: OG_KEY });
  rootly = createRootlyEmulator({ limits: { read: 1000, write: 1000 } });
  fd = createFlashdutyEmulator({ appKey: FD_KEY });
  fd.seedIntegration(INTEGRATION);
  for (const c of [CH_A, CH_B]) fd.seedChannel(c);
  schemaId = fd.seedSchema({ sourceLabels: ["host"], resultLabels: ["owner"], name: "CMDB" });
  await Promise.all([og.server.start(), rootly.server.start(), fd.server.start()]);
  team = og.seedTeam("Payments");
  og.seedSchedule("Primary");
  ids = { source: rootly.seed("alertSource", "Datadog"), policy: rootly.seed("escalationPolicy", "Primary"), group: rootly.seed("group", "Platform") };
});
afterAll(() => Promise.all([og.server.stop(), rootly.server.stop(), fd.server.stop()]));

const ok = (r: CliResult) => expect(r.code, r.stdout + r.stderr).toBe(0);
const failed = (r: CliResult) => {
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  return r.stdout + r.stderr;
};

/** Every `[diff: …]` the CLI printed, by resource name (a refresh step's and an update's joined by " | "). */
function diffs(out: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of out.matchAll(/^\s*[~+\-]*\s*\S+:\S+\s+(\S+)\s+(?:update|replace|refresh|create-replacement|delete-replaced)\S*\s+\[diff: ([^\]]*)\]/gm))
    found[m[1]] = found[m[1]] ? `${found[m[1]]} | ${m[2]}` : m[2];
  return found;
}

/** The program; BUMP=1 changes one field of each resource. */
const program = () => `const { OpsgenieTeamRoutingRule, RootlyAlertRoute, FlashdutyRoute, FlashdutyMappingData } = require("pulumi-alert-routing");
const bump = process.env.BUMP === "1";
const bad = process.env.BAD === "1";
const tag = (v, operation = "contains") => ({ type: "match-all-conditions", conditions: [{ field: "tags", operation, expectedValue: v }] });
new OpsgenieTeamRoutingRule("by-name", { teamName: "Payments", name: "by-name", order: 0, criteria: tag("db"), notify: { type: "schedule", name: "Primary" } });
// BAD=1: an enum and a weekday slip (the engine stops at the first resource whose check fails).
new OpsgenieTeamRoutingRule("by-id", { teamId: ${JSON.stringify(team.id)}, name: "by-id", order: bump ? 2 : 1, criteria: tag("web", bad ? "equal" : "contains"), notify: { type: "none" },
  ...(bad ? { timeRestriction: { type: "weekday-and-time-of-day", restrictions: [{ startDay: "Monday", startHour: 9, startMin: 0, endDay: "friday", endHour: 17, endMin: 0 }] } } : {}) });
// As \`alert-routing export\` writes it: teamId, every order and the timezone spelled out.
new OpsgenieTeamRoutingRule("adopted", { teamId: ${JSON.stringify(team.id)}, name: "adopted", order: 2,
  criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "contains", expectedValue: bump ? "disk full" : "disk", order: 0 }] },
  timezone: "America/New_York", notify: { type: "none" }, adoptExisting: true });
new RootlyAlertRoute("rootly", { name: "payments", alertsSourceIds: [${JSON.stringify(ids.source)}], rules: [
  { name: bump ? "sev0" : "critical", destinations: [{ targetType: "EscalationPolicy", targetId: ${JSON.stringify(ids.policy)} }],
    conditionGroups: [{ conditions: [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "attribute", propertyFieldName: "severity", propertyFieldValues: ["sev0"] }] }] },
  { name: "everything else", fallbackRule: true, destinations: [{ targetType: "Group", targetId: ${JSON.stringify(ids.group)} }], conditionGroups: [] },
] });
new FlashdutyRoute("fd-route", { integrationId: ${INTEGRATION}, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [${CH_A}] }],
  default: { channelIds: [bump ? ${CH_B} : ${CH_A}] } });
new FlashdutyMappingData("fd-map", { schemaId: ${JSON.stringify(schemaId)}, rows: [{ host: "db-1", owner: bump ? "bob" : "alice" }, { host: "web-1", owner: "carol" }] });
`;

/** The exact diffs BUMP=1 must show: the one field changed per resource, nothing else. */
const BUMPED = { "by-id": "~order", adopted: "~criteria", rootly: "~rules", "fd-route": "~default", "fd-map": "~rows" };

/** Quiet steps show no diff (`pulumi preview --refresh` lists a refresh step's changed inputs too). */
async function expectQuiet(p: ProjectStack, args: string[], when: string): Promise<void> {
  const r = await p.run([...args, "--expect-no-changes"]);
  ok(r);
  expect(diffs(r.stdout), `${when}: ${args.join(" ")}`).toEqual({});
}

/** A one-field change per resource shows exactly that field (with --refresh: and no refresh step shows a diff). */
async function expectExactChange(p: ProjectStack, when: string, refresh = false): Promise<void> {
  const bumped = await p.run(["preview", ...(refresh ? ["--refresh"] : [])], { BUMP: "1" });
  ok(bumped);
  expect(diffs(bumped.stdout), `${when}: one field changed per resource${refresh ? ", preview --refresh" : ""}`).toEqual(BUMPED);
}

/** State as earlier releases left it after a refresh: every output stored as an input too. */
async function pollute(p: ProjectStack): Promise<void> {
  const ex = await p.run(["stack", "export"]);
  ok(ex);
  const state = JSON.parse(ex.stdout) as { deployment: { resources?: { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] } };
  let n = 0;
  for (const r of state.deployment.resources ?? []) {
    if (!r.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    delete r.outputs.__inputs;
    r.inputs = { ...r.outputs };
    n++;
  }
  expect(n).toBe(6);
  const file = join(p.box.dir, "polluted.json");
  writeFileSync(file, JSON.stringify(state));
  ok(await p.run(["stack", "import", "--file", file]));
}

describe("preview through the real CLI", () => {
  it("after refresh: no diff on any resource; one field changed shows exactly that field; old state heals; enum slips, bad endpoints and keys are named", async () => {
    // A rule made outside Pulumi, adopted by the program.
    team.rules.splice(0, 0, { id: "adopted-rule", name: "adopted", isDefault: false, criteria: { type: "match-all-conditions", conditions: [{ field: "message", operation: "contains", expectedValue: "disk", not: false, order: 0 }] }, timezone: "America/New_York", notify: { type: "none" } });
    const p = await projectStack({
      project: "preview-exact",
      program: program(),
      config: {
        "opsgenie:apiKey": { value: OG_KEY, secret: true },
        "opsgenie:apiUrl": { value: og.server.url },
        "rootly:apiToken": { value: rootly.credential, secret: true },
        "rootly:apiUrl": { value: rootly.server.url },
        "flashduty:appKey": { value: FD_KEY, secret: true },
        "flashduty:baseUrl": { value: fd.server.url },
      },
    });
    let t = Date.now();
    const lap = (what: string) => {
      console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
      t = Date.now();
    };
    try {
      ok(await p.run(["up", "--yes"]));
      expect(team.rules.map((r) => r.name)).toEqual(["by-name", "by-id", "adopted", "Default Routing Rule"]);
      expect(team.rules[2].id).toBe("adopted-rule");
      // The refresh step of `preview --refresh` shows no inputs changing either.
      await expectQuiet(p, ["preview", "--refresh"], "after up");
      ok(await p.run(["refresh", "--yes"]));
      await expectQuiet(p, ["preview"], "after up + refresh");
      await expectExactChange(p, "after up + refresh");
      lap("up, refresh, 3 previews");

      // State of an earlier release: its first refresh shows the inputs healing, then all is quiet.
      await pollute(p);
      ok(await p.run(["refresh", "--yes"]));
      await expectExactChange(p, "after old state's refresh", true);
      lap("old state healed");

      // Enum slips: the value given, and what was meant.
      let out = failed(await p.run(["preview"], { BAD: "1" }));
      expect(out).toContain('"equal" is not one of "matches", "contains"');
      expect(out).toContain('did you mean "equals"?');
      expect(out).toContain('"Monday" is not one of "monday"');
      expect(out).toContain('did you mean "monday"?');
      // (The CLI's own "value {<nil>}" before each reason is the engine's: it looks nested paths up as top-level keys.)

      // Endpoints: refused at preview with no call, naming the config key and the fix.
      og.server.resetLog();
      ok(await p.run(["config", "set", "opsgenie:apiUrl", `${og.server.url}/v2`]));
      out = failed(await p.run(["preview"]));
      expect(out).toContain(`opsgenie:apiUrl is "${og.server.url}/v2": give the host only, without the API path "/v2"`);
      expect(out).toContain(`use "${og.server.url}"`);
      // A host without its scheme (the emulator's: a test never points at a vendor's real host).
      const bare = og.server.url.replace(/^https?:\/\//, "");
      ok(await p.run(["config", "set", "opsgenie:apiUrl", bare]));
      out = failed(await p.run(["preview"]));
      expect(out).toContain(`opsgenie:apiUrl is "${bare}", which has no scheme: use "https://${bare}"`);
      expect(out).toContain("OPSGENIE_API_URL");
      expect(out).not.toMatch(/ERR_INVALID_URL|does not exist/);
      expect(og.server.log).toHaveLength(0);
      ok(await p.run(["config", "set", "opsgenie:apiUrl", og.server.url]));

      lap("enum slips, bad endpoints");

      // A wrong key: the host, the config key, the env var (and Opsgenie's EU host). Refresh
      // would still use the last up's key (the engine hands it the saved config): an up calls.
      ok(await p.run(["config", "set-all", "--secret", "opsgenie:apiKey=not-the-key", "--secret", "rootly:apiToken=not-the-token"]));
      out = failed(await p.run(["up", "--yes", "--continue-on-error"], { BUMP: "1" }));
      expect(out).toContain(`${og.server.url}: check the credential in opsgenie:apiKey (or OPSGENIE_API_KEY)`);
      expect(out).toContain("https://api.eu.opsgenie.com");
      expect(out).toContain(`${rootly.server.url}: check the credential in rootly:apiToken (or ROOTLY_API_TOKEN)`);
      expect(out).not.toContain("not-the-key");
      lap("wrong keys");
    } finally {
      p.cleanup();
    }
  }, 600_000);
});

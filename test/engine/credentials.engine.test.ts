import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAll, type RunningEmulators } from "../../src/emulator/all";
import { emulatorAccount } from "../../src/opsgenie/emulator";
import { backendText, cliExport, projectStack } from "./harness";

// No credential of any vendor may appear in `pulumi stack export`, the state
// files, the engine's logs (verbose, with our debug lines on) or any error
// message, including when requests fail and when a credential is wrong.

let emus: RunningEmulators;
beforeAll(async () => {
  emus = await startAll({ seed: true });
});
afterAll(() => emus.stop());

const program = (ids: Record<string, string>) => `
const { FlashdutyRoute, FlashdutyMappingData, RootlyAlertRoute, OpsgenieTeamRoutingRule } = require("pulumi-alert-routing");
new FlashdutyRoute("route", { integrationId: 6113996590131, cases: [{ if: [{ key: "severity", oper: "IN", vals: ["Critical"] }], channelIds: [2533748993131] }], default: { channelIds: [3521074710131] } });
new FlashdutyMappingData("rows", { schemaId: "665f1a2b3c4d5e6f7a8b9c01", rows: [{ host: "cred-1", owner: "o", team: "t", service: "s" }] });
new RootlyAlertRoute("route", { name: "cred route", alertsSourceIds: ["${ids.source}"], rules: [{ name: "rest", fallbackRule: true, destinations: [{ targetType: "EscalationPolicy", targetId: "${ids.policy}" }] }] });
new OpsgenieTeamRoutingRule("rule", { teamName: "Platform", name: "cred rule", criteria: { type: "match-all" }, notify: { type: "none" } });
new OpsgenieTeamRoutingRule("jsm-rule", { account: "jsm", teamName: "Platform", name: "cred jsm rule", notify: { type: "schedule", name: "Platform_schedule" } });
`;

describe("credentials", () => {
  it("appear nowhere: stack export, state files, verbose engine logs, errors (failed requests and a wrong key)", async () => {
    const ops = emus["jsm-ops"];
    // JSM Operations: Basic auth, the token and its base64 form must not show either.
    const secrets = [emus.flashduty.credential, emus.rootly.credential, emus.opsgenie.credential, ops.apiToken, Buffer.from(`${ops.email}:${ops.apiToken}`).toString("base64")];
    const p = await projectStack({
      project: "credentials",
      program: program({ source: emus.rootly.demoIds["alertSource:Datadog"], policy: emus.rootly.demoIds["escalationPolicy:Primary escalation"] }),
      config: {
        "flashduty:appKey": { value: emus.flashduty.credential, secret: true },
        "flashduty:baseUrl": { value: emus.flashduty.server.url },
        "rootly:apiToken": { value: emus.rootly.credential, secret: true },
        "rootly:apiUrl": { value: emus.rootly.server.url },
        "opsgenie:apiKey": { value: emus.opsgenie.credential, secret: true },
        "opsgenie:apiUrl": { value: emus.opsgenie.server.url },
        "opsgenie:accounts": { value: JSON.stringify({ jsm: emulatorAccount(ops, "jsm") }), secret: true },
      },
    });
    const verbose = ["--logtostderr", "-v=9"];
    const env = { ALERT_ROUTING_DEBUG: "1" };
    const seen: string[] = [];
    try {
      // Requests fail for a while: 5xx that echo the request line and its Authorization
      // header back (retried, then given up for Flashduty), and a 429.
      emus.flashduty.server.inject({ kind: "error-echo", path: "/route/upsert", status: 500, times: Infinity });
      emus.opsgenie.server.inject({ kind: "rate-limit", method: "POST", retryAfterSec: 1 });
      emus.opsgenie.server.inject({ kind: "error-echo", method: "GET", status: 503 });
      emus.rootly.server.inject({ kind: "error-echo", method: "POST", status: 503, times: 2 });
      // JSM answers with pages that echo its Authorization header (Basic, base64 of email:token).
      ops.server.inject({ kind: "error-echo", method: "GET", status: 503 });
      ops.server.inject({ kind: "proxy-echo", method: "POST" });
      const failing = await p.run(["up", "--yes", ...verbose], { ...env, ALERT_ROUTING_HTTP_TIMEOUT_MS: "5000" });
      seen.push(failing.stdout, failing.stderr);
      expect(failing.code).not.toBe(0);
      expect(failing.stdout + failing.stderr).toMatch(/flashduty/i);
      expect(failing.stdout + failing.stderr).toContain("app_key=[redacted]");
      expect([emus.flashduty, emus.opsgenie, emus.rootly, ops].map((e) => e.server.unfiredFaults())).toEqual([[], [], [], []]);
      ops.server.clearFaults();
      emus.flashduty.server.clearFaults();
      emus.opsgenie.server.clearFaults();
      emus.rootly.server.clearFaults();

      const ok = await p.run(["up", "--yes", ...verbose], env);
      seen.push(ok.stdout, ok.stderr);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      const refresh = await p.run(["refresh", "--yes", ...verbose], env);
      seen.push(refresh.stdout, refresh.stderr);
      expect(refresh.code).toBe(0);

      // A wrong key: the vendor says 401, and the error must not echo the key we sent.
      // (`--run-program` makes refresh use the stack's current config, not the one stored with the provider.)
      const wrong = "opsgenie-wrong-key-5d1e0c7a";
      secrets.push(wrong);
      await p.run(["config", "set", "--secret", "opsgenie:apiKey", wrong]);
      const bad = await p.run(["refresh", "--yes", "--run-program"], env);
      seen.push(bad.stdout, bad.stderr);
      expect(bad.code).not.toBe(0);
      expect(bad.stdout + bad.stderr).toMatch(/opsgenie[\s\S]*(401|unauthori[sz]ed)/i);
      await p.run(["config", "set", "--secret", "opsgenie:apiKey", emus.opsgenie.credential]);

      seen.push(cliExport(p.box, "test"), backendText(p.box));
      const down = await p.run(["destroy", "--yes"], env);
      seen.push(down.stdout, down.stderr);
      expect(down.code).toBe(0);

      const all = seen.join("\n");
      expect(all).toContain("pulumi-nodejs:dynamic/opsgenie:TeamRoutingRule");
      for (const s of secrets) expect(all.includes(s), `credential ${s.slice(0, 4)}… leaked`).toBe(false);
    } finally {
      emus.flashduty.server.clearFaults();
      emus.opsgenie.server.clearFaults();
      emus.rootly.server.clearFaults();
      emus["jsm-ops"].server.clearFaults();
      p.cleanup();
    }
  });
});

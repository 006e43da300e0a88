import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { createOpsgenieEmulator, type OpsgenieEmulator } from "../../../src/opsgenie/emulator";
import { teamRoutingRule as def } from "../../../src/opsgenie/team-routing-rule.provider";

// A gateway's 502 page (not JSON) quoting the API key without any `GenieKey` prefix, at
// the place where a 300-character cut would split it: no 8-character piece of the key
// may reach the error or the debug output.
const KEY = "og9x2Lk7QpR4vT8wZ3nB6mY1cD5"; // 27 characters, no recognisable prefix
let emu: OpsgenieEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY });
  await emu.server.start();
});
afterAll(async () => {
  await emu.server.stop();
  process.env = saved;
});

const pieces = (s: string) => Array.from({ length: s.length - 7 }, (_, i) => s.slice(i, i + 8));

describe("opsgenie: credentials in non-JSON error bodies", () => {
  it("a 502 page quoting the bare key leaves no 8-character piece of it in the error or the debug lines", async () => {
    resetProcessGlobals();
    Object.assign(process.env, { OPSGENIE_API_KEY: KEY, OPSGENIE_API_URL: emu.server.url, OPSGENIE_RATE_LIMITS: "1000/1s", ALERT_ROUTING_DEBUG: "1" });
    const team = emu.seedTeam("Ops");
    emu.server.inject({ kind: "error-echo", method: "GET", status: 502, times: Infinity });
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    let err: unknown;
    try {
      err = await def.read(`${team.id}/3f1c2b4a-9d8e-4f7a-a6b5-1c2d3e4f5a6b`, {}).catch((e: unknown) => e);
    } finally {
      process.stderr.write = write;
      emu.server.clearFaults();
      delete process.env.ALERT_ROUTING_DEBUG;
    }
    // The page really carried the key where a cut would split it (else this test proves nothing).
    const page = await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules`, { headers: { authorization: `GenieKey ${KEY}` } });
    expect(page.status).toBe(200);
    emu.server.inject({ kind: "error-echo", method: "GET", status: 502 });
    const raw = await (await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules`, { headers: { authorization: `GenieKey ${KEY}` } })).text();
    expect(raw.indexOf(KEY)).toBeGreaterThan(280);
    expect(raw.indexOf(KEY)).toBeLessThan(300);
    expect(raw.slice(0, 300)).toContain(KEY.slice(0, 8));

    expect(err).toBeInstanceOf(Error);
    const text = `${String(err)}\n${(err as Error).stack ?? ""}`;
    expect(text).toMatch(/HTTP 502/);
    const debug = lines.join("");
    expect(debug).toMatch(/opsgenie GET .* failed/);
    for (const piece of pieces(KEY)) {
      expect(text, `error holds "${piece}"`).not.toContain(piece);
      expect(debug, `debug output holds "${piece}"`).not.toContain(piece);
    }
  });
});

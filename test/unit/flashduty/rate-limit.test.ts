import { afterEach, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import type { FlashdutyEmulator } from "../../../src/flashduty/emulator";
import { routeDefinition } from "../../../src/flashduty/route.provider";
import { INTEGRATION, startEmulator } from "./helpers";

let emu: FlashdutyEmulator | undefined;
afterEach(async () => {
  delete process.env.FLASHDUTY_RATE_LIMITS;
  await emu?.server.stop();
  resetProcessGlobals();
});

describe("Flashduty rate limits", () => {
  it("the client paces a burst under its limits (no 429 from the server)", async () => {
    emu = await startEmulator({ perSecond: 5 });
    resetProcessGlobals();
    // Exactly the server's window: the client counts a call from its reply, so no margin is needed.
    process.env.FLASHDUTY_RATE_LIMITS = "5/1s";
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 8 }, () => routeDefinition.read(String(INTEGRATION), {})));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(emu.server.log.filter((e) => e.status === 429)).toHaveLength(0);
  });

  it("the emulator answers 429 RequestTooFrequently with Retry-After and X-RateLimit headers; the client waits and succeeds", async () => {
    emu = await startEmulator({ perSecond: 3 });
    resetProcessGlobals();
    process.env.FLASHDUTY_RATE_LIMITS = "100/1s";
    const results = await Promise.all(Array.from({ length: 5 }, () => routeDefinition.read(String(INTEGRATION), {})));
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(emu.server.log.filter((e) => e.status === 429).length).toBeGreaterThan(0);
    const r = await fetch(`${emu.server.url}/route/info?app_key=${emu.credential}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const again = await Promise.all(
      Array.from({ length: 4 }, () => fetch(`${emu!.server.url}/route/info?app_key=${emu!.credential}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })),
    );
    const limited = [r, ...again].find((x) => x.status === 429)!;
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("3");
    expect(await limited.json()).toMatchObject({ error: { code: "RequestTooFrequently" } });
  });
});

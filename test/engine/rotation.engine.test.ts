import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRootlyEmulator, type RootlyEmulator } from "../../src/rootly/emulator";
import { projectStack } from "./harness";

// docs/credentials.md, "After rotating a credential", through the CLI commands it names: `refresh` and
// `destroy` configure the provider with the config saved at the last `up`, so after a key is rotated in
// stack config (and the old one revoked) a plain `refresh` fails with 401. One `pulumi up` (no write at the
// vendor) or one `refresh --run-program` saves the new config: later `refresh` and `destroy` use it.

const OLD = "rootly-rotation-old-7c1f";
const NEW = "rootly-rotation-new-93ab";
const NEWER = "rootly-rotation-newer-4e07";
let rootly: RootlyEmulator;
let ids: { source: string; policy: string };

beforeAll(async () => {
  rootly = createRootlyEmulator({ token: OLD, limits: { read: 1000, write: 1000 } });
  await rootly.server.start();
  rootly.addToken(NEW);
  ids = { source: rootly.seed("alertSource", "Datadog"), policy: rootly.seed("escalationPolicy", "Primary") };
});
afterAll(() => rootly.server.stop());

const writes = () => rootly.server.log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);

describe("after rotating a credential in stack config (docs/credentials.md)", () => {
  it("refresh uses the key saved at the last up (401 once revoked); one up without writes, or refresh --run-program, saves the new one", async () => {
    const p = await projectStack({
      project: "rotation",
      program: `
const { RootlyAlertRoute } = require("pulumi-alert-routing");
new RootlyAlertRoute("route", { name: "rotation", alertsSourceIds: ["${ids.source}"],
  rules: [{ name: "rest", fallbackRule: true, destinations: [{ targetType: "EscalationPolicy", targetId: "${ids.policy}" }] }] });
`,
      config: {
        "rootly:apiToken": { value: OLD, secret: true },
        "rootly:apiUrl": { value: rootly.server.url },
        "rootly:rateLimits": { value: "read=1000/1s,write=1000/1s" },
      },
    });
    const ok = async (args: string[]) => {
      const r = await p.run(args);
      expect(r.code, `pulumi ${args.join(" ")}:\n${r.stdout}${r.stderr}`).toBe(0);
      return r;
    };
    try {
      await ok(["up", "--yes"]);
      expect(rootly.routes.size).toBe(1);

      // Rotate: the new token in stack config, the old one revoked at the vendor.
      await ok(["config", "set", "--secret", "rootly:apiToken", NEW]);
      rootly.revokeToken(OLD);

      rootly.server.resetLog();
      const stale = await p.run(["refresh", "--yes"]);
      expect(stale.code).not.toBe(0);
      expect(stale.stdout + stale.stderr).toMatch(/401/);
      expect(rootly.server.log.length).toBeGreaterThan(0);
      expect(rootly.server.log.every((e) => e.status === 401)).toBe(true);
      expect(stale.stdout + stale.stderr).not.toContain(OLD);

      // One `up`: nothing changes at the vendor, and the new token is saved with the stack.
      rootly.server.resetLog();
      await ok(["up", "--yes"]);
      expect(writes()).toEqual([]);
      rootly.server.resetLog();
      await ok(["refresh", "--yes"]);
      expect(rootly.server.log.filter((e) => e.status === 401)).toEqual([]);

      // Rotated again: `refresh --run-program` runs the program, so the provider gets the current
      // config, and saves it as `up` does (the `destroy` after it uses the newest token).
      await ok(["config", "set", "--secret", "rootly:apiToken", NEWER]);
      rootly.addToken(NEWER);
      rootly.revokeToken(NEW);
      rootly.server.resetLog();
      await ok(["refresh", "--yes", "--run-program"]);
      await ok(["destroy", "--yes"]);
      expect(rootly.server.log.filter((e) => e.status === 401)).toEqual([]);
      expect(rootly.routes.size).toBe(0);
    } finally {
      p.cleanup();
    }
  });
});

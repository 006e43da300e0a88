import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { projectStack, cliExport, type ConfigMap } from "./harness";
import { createRootlyEmulator } from "../../src/rootly/emulator";

// Issue 20, part 3: one Ctrl-C of `pulumi up` while creates wait for write budget. The
// engine sends its providers the Cancel call; creates still queued for budget must not be
// sent (they fail "cancelled before it was sent"), the one in flight finishes and is
// recorded, so the state holds exactly the routes that exist. A second up makes the rest.
const TYPE = "pulumi-nodejs:dynamic/rootly:AlertRoute";

describe("Ctrl-C of pulumi up with creates queued for rate budget (real CLI)", () => {
  it("no POST is started after the interrupt beyond the one in flight; state equals the live routes; the next up makes the rest", async () => {
    // Rootly's documented limits with time shrunk 60x on the server; the client paces writes at 1 per 1.5 s.
    const emu = createRootlyEmulator({ timeScale: 1 / 60 });
    await emu.server.start();
    const source = emu.seed("alertSource", "Datadog");
    const service = emu.seed("service", "search");
    const N = 8;
    const program = `const { RootlyAlertRoute } = require("pulumi-alert-routing");
for (let n = 0; n < ${N}; n++)
  new RootlyAlertRoute("r" + n, {
    name: "Queued " + n,
    alertsSourceIds: [process.env.SOURCE],
    rules: [{ name: "rest", fallbackRule: true, destinations: [{ targetType: "Service", targetId: process.env.SERVICE }] }],
  });
`;
    const env = { SOURCE: source, SERVICE: service };
    const config: ConfigMap = {
      "rootly:apiToken": { value: emu.credential, secret: true },
      "rootly:apiUrl": { value: emu.server.url },
      "rootly:rateLimits": { value: "read=20/1s,write=2/3s" },
    };
    const p = await projectStack({ project: "rootly-ctrl-c", program, config, env });
    try {
      const cli = spawn("pulumi", ["up", "--yes", "--non-interactive", "--color=never"], { cwd: p.box.dir, env: { ...process.env, ...p.box.env, ...env } });
      let out = "";
      cli.stdout.on("data", (d) => (out += d));
      cli.stderr.on("data", (d) => (out += d));
      const exited = new Promise<number>((r) => cli.on("exit", (code) => r(code ?? -1)));
      const posts = () => emu.server.calls({ method: "POST" });
      for (let t = 0; posts().length < 2; t++) {
        if (t > 1200) throw new Error(`no second POST within 120 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Ctrl-C: the terminal sends SIGINT to the CLI (the plugins run in their own process group).
      cli.kill("SIGINT");
      const interruptedAt = Date.now();
      const code = await exited;
      const after = posts().filter((e) => e.time > interruptedAt);
      console.log(`Ctrl-C after ${posts().length - after.length} POSTs; ${after.length} started after it; exit ${code}; ${Date.now() - interruptedAt} ms to exit\n${out}`);
      expect(code).not.toBe(0);
      // The write budget (2 per 3 s) had let 2 POSTs go: the next could start at most 3 s later.
      expect(after.length, `POSTs after the interrupt:\n${out}`).toBe(0);
      expect(out).toMatch(/cancelled before it was sent/);
      expect(emu.routes.size).toBeLessThan(N);

      // State is exact: every live route is in state, with its id, and nothing else.
      const state = JSON.parse(cliExport(p.box, "test")) as { deployment: { resources?: { type: string; id?: string }[] } };
      const inState = (state.deployment.resources ?? []).filter((r) => r.type === TYPE).map((r) => r.id).sort();
      expect(inState).toEqual([...emu.routes.keys()].sort());

      // A graceful cancel leaves no lock: the next up makes the rest, one route per name.
      const rerun = await p.run(["up", "--yes"]);
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(emu.routes.size).toBe(N);
      for (let n = 0; n < N; n++) expect([...emu.routes.values()].filter((r) => r.name === `Queued ${n}`), `Queued ${n}`).toHaveLength(1);
    } finally {
      p.cleanup();
      await emu.server.stop();
    }
  }, 180_000);
});

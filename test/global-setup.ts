import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

// Builds dist, packs and installs the package into the fixture, and makes the
// engine available, once per test run (npm test runs `pretest` for the build).
export default function setup(): void {
  const root = resolve(__dirname, "..");
  if (process.env.ALERT_ROUTING_SKIP_FIXTURE) return;
  execFileSync(process.execPath, [join(root, "scripts", "prepare-fixture.mjs"), "--quiet"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

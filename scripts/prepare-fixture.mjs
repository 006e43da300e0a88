// Packs the package as users get it (`npm pack`) and installs it into a fixture
// project outside src/, so engine tests load the code path users load: the
// dynamic provider's shim does `require("pulumi-alert-routing/runtime")` from the
// project's node_modules. Reinstalls dependencies only when they change.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixture = join(root, ".pulumi-test", "fixture");
const quiet = process.argv.includes("--quiet");
const say = (m) => quiet || console.error(`[fixture] ${m}`);

mkdirSync(fixture, { recursive: true });
for (const f of readdirSync(fixture)) if (f.endsWith(".tgz")) rmSync(join(fixture, f));
const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", fixture], { cwd: root, encoding: "utf8" }).trim().split("\n").pop();
const tarball = join(fixture, packed);

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const depsHash = createHash("sha256").update(JSON.stringify(pkg.dependencies)).digest("hex").slice(0, 16);
const stamp = join(fixture, ".deps-stamp");
const installed = join(fixture, "node_modules", "pulumi-alert-routing");

if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== depsHash || !existsSync(installed)) {
  say(`installing ${packed} and its dependencies into ${fixture}`);
  writeFileSync(join(fixture, "package.json"), JSON.stringify({ name: "alert-routing-fixture", private: true, dependencies: { "pulumi-alert-routing": `file:./${packed}` } }, null, 2));
  rmSync(join(fixture, "package-lock.json"), { force: true });
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: fixture, stdio: quiet ? "ignore" : "inherit" });
  writeFileSync(stamp, depsHash);
} else {
  // Same dependencies: swap in the freshly packed package only.
  say(`refreshing ${packed} in ${fixture}`);
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
}
// The kit's own engine test uses a throwaway resource package, installed beside ours.
const probe = join(fixture, "node_modules", "kit-probe");
rmSync(probe, { recursive: true, force: true });
cpSync(join(root, "test", "fixtures", "kit-probe"), probe, { recursive: true });
console.log(fixture);

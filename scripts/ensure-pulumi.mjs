// Makes the real Pulumi engine available to tests, the demo and the benchmarks.
//
//   node scripts/ensure-pulumi.mjs             progress on stderr, bin dir on stdout
//   node scripts/ensure-pulumi.mjs --print-bin  the same, quiet unless it has to build
//
// 1. A `pulumi` >= 3.181 already on PATH (with its language host) is reused.
// 2. Otherwise the pinned CLI (github.com/pulumi/pulumi/pkg/v3 v3.274.1) and a
//    Node.js language host are built with Go through the wrapper module in
//    scripts/engine/, into ~/.cache/pulumi-alert-routing/ (outside the repo), with
//    the `pulumi-resource-pulumi-nodejs` launcher from @pulumi/pulumi beside them.
//    A warm cache makes this a no-op.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PULUMI_VERSION = "3.274.1";
const MIN_ON_PATH = [3, 181, 0];
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const engineSrc = join(root, "scripts", "engine");
const printBin = process.argv.includes("--print-bin");
const started = Date.now();
const say = (m) => console.error(`[engine ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`);
const LAUNCHER = "pulumi-resource-pulumi-nodejs";

function parseVersion(text) {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? m.slice(1, 4).map(Number) : undefined;
}
function atLeast(v, min) {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

function which(name, path = process.env.PATH ?? "") {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

// Inputs that change what we build: the pinned version and the wrapper module (go.mod, go.sum,
// tools.go) for the CLI; the same module and langhost/ for the language host, which is built
// apart, so that a change to the host rebuilds only the host (seconds), not the CLI (minutes).
function hashOf(tag, include) {
  const h = createHash("sha256").update(PULUMI_VERSION).update(tag);
  const walk = (dir, rel) => {
    for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, f.name);
      const r = rel ? `${rel}/${f.name}` : f.name;
      if (f.isDirectory()) walk(p, r);
      else if (include(r)) h.update(r).update(readFileSync(p));
    }
  };
  walk(engineSrc, "");
  return h.digest("hex").slice(0, 12);
}
const isLanghost = (r) => r.startsWith("langhost/");
const sourceHash = () => hashOf("cli", (r) => !isLanghost(r));
const langhostHash = () => hashOf("langhost", () => true);

function cacheRoot() {
  const base = process.env.ALERT_ROUTING_ENGINE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-alert-routing");
  return join(base, `pulumi-v${PULUMI_VERSION}-${sourceHash()}`);
}

function launcherSource() {
  const p = join(root, "node_modules", "@pulumi", "pulumi", LAUNCHER);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm ci\` first`);
  return p;
}

function installLauncher(bin) {
  const dest = join(bin, LAUNCHER);
  const src = readFileSync(launcherSource());
  if (!existsSync(dest) || !readFileSync(dest).equals(src)) {
    copyFileSync(launcherSource(), dest);
    chmodSync(dest, 0o755);
  }
}

function fromPath() {
  if (process.env.ALERT_ROUTING_BUILD_ENGINE) return undefined;
  const found = which("pulumi");
  if (!found || found.startsWith(dirname(cacheRoot()))) return undefined;
  const r = spawnSync(found, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  const v = parseVersion(r.stdout ?? "");
  if (r.status !== 0 || !v || !atLeast(v, MIN_ON_PATH)) {
    say(`ignoring ${found} (${(r.stdout ?? "").trim() || "no version"}): need >= ${MIN_ON_PATH.join(".")}`);
    return undefined;
  }
  const bin = dirname(found);
  if (!existsSync(join(bin, "pulumi-language-nodejs")) && !which("pulumi-language-nodejs")) {
    say(`ignoring ${found}: no pulumi-language-nodejs beside it or on PATH`);
    return undefined;
  }
  if (!printBin) say(`using ${found} (${(r.stdout ?? "").trim()}) from PATH`);
  return bin;
}

function goBinary() {
  const go = which("go") ?? (existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : undefined);
  if (!go) {
    throw new Error(
      "No pulumi >= 3.181 on PATH and no Go toolchain to build one. Install the Pulumi CLI (https://www.pulumi.com/docs/install/) " +
        "or Go >= 1.26 with access to the Go module proxy, then run `npm run engine`.",
    );
  }
  return go;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status ?? r.signal}`);
}

function goEnv() {
  const go = goBinary();
  return { go, version: execFileSync(go, ["version"], { encoding: "utf8" }).trim() };
}

function build(dest) {
  const { go, version } = goEnv();
  say(`building Pulumi CLI v${PULUMI_VERSION} with ${version} (several minutes the first time)`);
  const staging = `${dest}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "bin"), { recursive: true });
  // go build fetches only the modules it compiles, checked against the committed go.sum.
  const ldflags = `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}`;
  say("compiling pulumi (the largest step)");
  run(go, ["build", "-trimpath", "-ldflags", ldflags, "-o", join(staging, "bin", "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"], { cwd: engineSrc, env: process.env });
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  renameSync(staging, dest);
  say(`built into ${dest}`);
}

// The language host beside the CLI, rebuilt when scripts/engine/langhost/ changes: its hash is
// stamped in a file next to it, and a new binary replaces the old one in one rename.
function ensureLanghost(bin) {
  const dest = join(bin, "pulumi-language-nodejs");
  const stamp = join(bin, ".pulumi-language-nodejs.hash");
  const want = langhostHash();
  if (existsSync(dest) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === want) return;
  const { go, version } = goEnv();
  say(`compiling pulumi-language-nodejs with ${version}`);
  const tmp = `${dest}.partial-${process.pid}`;
  run(go, ["build", "-trimpath", "-ldflags", `-s -w -X main.version=${PULUMI_VERSION}`, "-o", tmp, "./langhost"], { cwd: engineSrc, env: process.env });
  renameSync(tmp, dest);
  writeFileSync(stamp, `${want}\n`);
}

function main() {
  const onPath = fromPath();
  if (onPath) {
    console.log(onPath);
    return;
  }
  const dest = cacheRoot();
  const bin = join(dest, "bin");
  if (existsSync(join(bin, "pulumi"))) {
    if (!printBin) say(`cached: ${bin}`);
  } else {
    build(dest);
  }
  ensureLanghost(bin);
  installLauncher(bin);
  const v = spawnSync(join(bin, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  if (v.status !== 0 || !(v.stdout ?? "").includes(PULUMI_VERSION)) {
    throw new Error(`${join(bin, "pulumi")} does not run (${v.stderr || v.stdout}); delete ${dest} and run \`npm run engine\` again`);
  }
  if (!printBin) say(`pulumi ${v.stdout.trim()} ready`);
  console.log(bin);
}

try {
  main();
} catch (e) {
  console.error(`[engine] ${e.message}`);
  process.exit(1);
}

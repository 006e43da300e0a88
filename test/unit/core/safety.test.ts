import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { VendorClient, type VendorProtocol } from "../../../src/core/http";
import { EmulatorServer } from "../../../src/emulator-kit/framework";
import { resetProcessGlobals } from "../../../src/core/registry";
import { adoptConflictMessage, claim, letGoIfClaimed } from "../../../src/core/ownership";
import { keyedLock, onceCache, processAlive, readConfirmed } from "../../../src/core/idioms";
import { badStrings } from "../../../src/core/kit";

const KEY = "bare-key-0123456789abcdefXYZ";

describe("run-wide ownership", () => {
  it("a delete lets go of an object another resource claimed in this run, and says so", () => {
    resetProcessGlobals();
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(letGoIfClaimed("opsgenie", "rule-1", "rule old-name")).toBe(false);
      claim("opsgenie", "rule-1", 'resource "new-name"');
      expect(letGoIfClaimed("rootly", "rule-1", "route x")).toBe(false);
      expect(letGoIfClaimed("opsgenie", "rule-1", "rule old-name")).toBe(true);
      expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/not deleting rule old-name: resource "new-name" took it over/);
    } finally {
      err.mockRestore();
    }
  });

  it("the conflict message names both tools: aliases for a rename, adoptExisting for outside objects", () => {
    const m = adoptConflictMessage('routing rule "db"', "id r-1");
    expect(m).toContain("aliases: [{ name:");
    expect(m).toContain("adoptExisting: true");
  });
});

describe("idioms", () => {
  it("readConfirmed: one 404 is not gone; two reads and the collection decide", async () => {
    let reads = 0;
    expect(await readConfirmed({ read: async () => (++reads === 1 ? undefined : "x"), listed: async () => undefined, retryDelayMs: 1 })).toBe("x");
    expect(await readConfirmed({ read: async () => undefined, listed: async () => "from-list", retryDelayMs: 1 })).toBe("from-list");
    expect(await readConfirmed({ read: async () => undefined, listed: async () => undefined, retryDelayMs: 1 })).toBeUndefined();
  });

  it("keyedLock runs one at a time per key, in order, and survives a failure", async () => {
    resetProcessGlobals();
    const lock = keyedLock("t");
    const seen: string[] = [];
    const job = (n: string, fail = false) => lock("k", async () => {
      seen.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`end ${n}`);
      if (fail) throw new Error(n);
    });
    await Promise.allSettled([job("a", true), job("b"), job("c")]);
    expect(seen).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("onceCache keeps a result and forgets a failure", async () => {
    resetProcessGlobals();
    const get = onceCache<number>("t");
    let n = 0;
    await expect(get("k", async () => { n++; throw new Error("x"); })).rejects.toThrow("x");
    await new Promise((r) => setTimeout(r, 0));
    expect(await get("k", async () => ++n)).toBe(2);
    expect(await get("k", async () => ++n)).toBe(2);
  });
});

describe("strings no vendor stores", () => {
  it("NUL and lone surrogates are named by path; pairs and plain text pass", () => {
    expect(badStrings({ a: ["ok", "bad\u0000"], b: { c: "x\uD800y" }, d: "😀" }).map((f) => f.property)).toEqual(["a[1]", "b.c"]);
  });
});

describe("a proxy page quoting the bare credential", () => {
  let server: EmulatorServer;
  beforeAll(async () => {
    server = new EmulatorServer("t", {
      rateLimited: () => ({ status: 429 }),
      serverError: (status) => ({ status }),
      notFound: () => ({ status: 404 }),
    });
    server.route("GET", "/x", () => ({ status: 200, body: {} }));
    await server.start();
  });
  afterAll(() => server.stop());

  it("leaves no 8-character piece of it in the error or the debug line, although the protocol cuts the body", async () => {
    resetProcessGlobals();
    // Like the vendors' protocols: a non-JSON body is cut for the message.
    const protocol: VendorProtocol = {
      vendor: "opsgenie",
      contentType: "application/json",
      defaultRateLimits: "100/1s",
      authorize: (c) => ({ headers: { authorization: `GenieKey ${c}` } }),
      requestId: () => undefined,
      toError: (status, body) => (status >= 400 ? { kind: "validation", message: typeof body === "string" ? body.slice(0, 280) : `HTTP ${status}` } : undefined),
    };
    server.inject({ kind: "proxy-echo" });
    const c = new VendorClient(protocol, { vendor: "opsgenie", baseUrl: server.url, credential: KEY }, { retry: { maxAttempts: 1 } });
    const lines: string[] = [];
    const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => (lines.push(String(s)), true));
    process.env.ALERT_ROUTING_DEBUG = "1";
    let message = "";
    try {
      await c.call({ method: "GET", path: "/x" });
    } catch (e) {
      message = (e as Error).message;
    } finally {
      delete process.env.ALERT_ROUTING_DEBUG;
      err.mockRestore();
    }
    expect(server.unfiredFaults()).toEqual([]);
    expect(message).toContain("502 Bad Gateway");
    const text = `${message}\n${lines.join("")}`;
    for (let i = 0; i + 8 <= KEY.length; i++) expect(text).not.toContain(KEY.slice(i, i + 8));
  });
});

describe("the engine watchdog", () => {
  it("a provider behind the launcher shell exits soon after its engine is killed", async () => {
    const dist = resolve(__dirname, "..", "..", "..", "dist", "core", "engine-watch.js");
    expect(existsSync(dist), "npm run build first").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "ar-watch-"));
    const marker = join(dir, "child.pid");
    // Like pulumi-resource-pulumi-nodejs: a /bin/sh that runs node without exec.
    writeFileSync(
      join(dir, "provider.js"),
      `const w = require(${JSON.stringify(dist)}); require("fs").writeFileSync(${JSON.stringify(marker)}, String(process.pid)); w.watchEngine({ intervalMs: 100, onGone: () => process.exit(70) }); setInterval(() => {}, 1000);`,
    );
    writeFileSync(join(dir, "engine.js"), `require("child_process").spawn("/bin/sh", ["-c", ${JSON.stringify(`"${process.execPath}" provider.js dynamic-provider; true`)}], { cwd: ${JSON.stringify(dir)}, stdio: "ignore" }); setInterval(() => {}, 1000);`);
    const engine = spawn(process.execPath, [join(dir, "engine.js")], { stdio: "ignore" });
    const until = async (cond: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      return cond();
    };
    expect(await until(() => existsSync(marker) && readFileSync(marker, "utf8").length > 0, 10_000)).toBe(true);
    const child = Number(readFileSync(marker, "utf8"));
    const alive = () => {
      try {
        process.kill(child, 0);
        return true;
      } catch {
        return false;
      }
    };
    await new Promise((r) => setTimeout(r, 500));
    expect(alive()).toBe(true);
    engine.kill("SIGKILL");
    const t0 = Date.now();
    expect(await until(() => !alive(), 5000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("processAlive", () => {
  it("counts a zombie (exited, never reaped by its parent) as gone, and a running process as alive", async () => {
    // The child exits after its parent has exec'd into `sleep`, which never waits for it: a
    // zombie. (A child that exits at once may be reaped by the shell before the exec.)
    const parent = spawn("/bin/sh", ["-c", "sleep 0.3 & echo $!; exec sleep 8"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const zombie = Number(await new Promise<string>((r) => parent.stdout!.once("data", (d) => r(String(d).trim()))));
      let state = "";
      for (let t = 0; t < 150 && state !== "Z"; t++) {
        await new Promise((r) => setTimeout(r, 20));
        const stat = readFileSync(`/proc/${zombie}/stat`, "utf8");
        state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      }
      expect(state, "the child is a zombie").toBe("Z");
      expect(processAlive(zombie)).toBe(false);
      expect(processAlive(parent.pid!)).toBe(true);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});

import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";

/** A UUID-shaped id that depends only on its parts: seeded demo data gets the same ids on every run. */
export function seededUuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\0")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface EmuRequest {
  id: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body; undefined when empty or not JSON (see `jsonError`). */
  body: unknown;
  jsonError: boolean;
  params: Record<string, string>;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

export type FaultKind =
  | "rate-limit" // 429 with Retry-After, nothing applied
  | "error-before" // 5xx, nothing applied
  | "error-after" // the change is applied, then 5xx
  | "reset-before" // connection dropped, nothing applied
  | "reset-after" // the change is applied, then the connection is dropped
  | "slow" // answered normally after `delayMs`
  | "error-echo" // a 5xx whose message repeats the request line (query included) and its Authorization header
  | "html-after" // the change is applied, then a 2xx HTML page (a proxy's) instead of the API's answer; `status` (default 200)
  | "cut-after" // the change is applied, then the API's answer (status, headers) with its body cut in half, framed as complete
  | "proxy-echo"; // a 502 HTML page from a proxy in front of the API that quotes the bare credential past the first 250 characters

export interface FaultSpec {
  kind: FaultKind;
  method?: string;
  path?: string | RegExp;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  /** Matching requests to let through before the first fault. */
  skip?: number;
  status?: number;
  retryAfterSec?: number;
  delayMs?: number;
}

export interface LogEntry {
  id: number;
  time: number;
  method: string;
  path: string;
  query: string;
  status: number | "reset";
  fault?: FaultKind;
  body: unknown;
}

export interface EmulatorHooks {
  /** Runs before routing (auth, rate limits). A response stops the request there. */
  before?(req: EmuRequest): EmuResponse | undefined;
  /** Adds headers every response carries (request id, rate-limit headers). */
  decorate?(req: EmuRequest, res: EmuResponse): void;
  /** The vendor's 429 and 5xx bodies (`message` replaces the usual text). */
  rateLimited(retryAfterSec: number): EmuResponse;
  serverError(status: number, message?: string): EmuResponse;
  notFound(req: EmuRequest): EmuResponse;
}

/**
 * How rate limits show in answers: the vendor's own headers, none at all (a bare 429),
 * or only `Retry-After` on a 429 (whole seconds, from the vendor's own reset). Lets a
 * client be tested against the header styles other vendors use.
 */
export type RateLimitHeaderStyle = "vendor" | "none" | "retry-after";

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * An in-memory vendor API on 127.0.0.1: routes, a request log tests count calls
 * with, and faults injected per request pattern. Control endpoints under
 * `/__emulator/` let another process read the log and add faults.
 */
export class EmulatorServer {
  private readonly routes: Route[] = [];
  private faults: (FaultSpec & { seen: number; fired: number })[] = [];
  private server?: Server;
  private nextId = 1;
  private readonly sockets = new Set<Socket>();
  readonly log: LogEntry[] = [];
  url = "";
  rateLimitHeaders: RateLimitHeaderStyle = "vendor";

  constructor(
    readonly name: string,
    private readonly hooks: EmulatorHooks,
  ) {}

  route(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const regex = new RegExp(
      "^" +
        pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:([A-Za-z_]+)/g, (_m, n: string) => {
          names.push(n);
          return "([^/]+)";
        }) +
        "/?$",
    );
    this.routes.push({ method: method.toUpperCase(), regex, names, handler });
    return this;
  }

  inject(fault: FaultSpec): void {
    this.faults.push({ ...fault, seen: 0, fired: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Injected faults no request has met yet: a test whose faults never fired proves nothing. */
  unfiredFaults(): FaultSpec[] {
    return this.faults.filter((f) => f.fired === 0);
  }

  resetLog(): void {
    this.log.length = 0;
  }

  /** Log entries matching method and path (string = exact path or prefix ending in '*'). */
  calls(filter: { method?: string; path?: string | RegExp } = {}): LogEntry[] {
    return this.log.filter((e) => matches(filter, e.method, e.path));
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    // A taken port rejects (the CLI's --port says which) instead of an unhandled 'error' event.
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => {
        this.server!.off("error", reject);
        resolve();
      });
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private takeFault(method: string, path: string): FaultSpec | undefined {
    // Every matching fault counts the request, so `skip` means the same whatever else is injected.
    let chosen: (typeof this.faults)[number] | undefined;
    for (const f of this.faults) {
      if (!matches(f, method, path)) continue;
      f.seen++;
      if (!chosen && f.seen > (f.skip ?? 0) && f.fired < (f.times ?? 1)) chosen = f;
    }
    if (chosen) chosen.fired++;
    return chosen;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://emulator");
    let body: unknown;
    let jsonError = false;
    if (rawBody.length) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        jsonError = true;
      }
    }
    const er: EmuRequest = {
      id: this.nextId++,
      method: (req.method ?? "GET").toUpperCase(),
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      rawBody,
      body,
      jsonError,
      params: {},
    };
    if (er.path.startsWith("/__emulator/")) return this.control(er, res);

    const entry: LogEntry = { id: er.id, time: Date.now(), method: er.method, path: er.path, query: redactQuery(u.searchParams), status: 0, body };
    this.log.push(entry);
    const fault = this.takeFault(er.method, er.path);
    if (fault) entry.fault = fault.kind;
    try {
      if (fault?.kind === "slow") await sleep(fault.delayMs ?? 2000);
      if (fault?.kind === "reset-before") {
        entry.status = "reset";
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "rate-limit") return this.reply(er, res, entry, this.hooks.rateLimited(fault.retryAfterSec ?? 1));
      if (fault?.kind === "error-before") return this.reply(er, res, entry, this.hooks.serverError(fault.status ?? 503));
      // Servers do echo what they were sent: proves the client redacts credentials it did not write itself.
      if (fault?.kind === "error-echo")
        return this.reply(er, res, entry, this.hooks.serverError(fault.status ?? 500, `cannot handle ${er.method} ${req.url ?? ""} (authorization: ${er.headers.authorization ?? "none"})`));

      if (fault?.kind === "proxy-echo") return this.reply(er, res, entry, proxyPage(er));

      const out = await this.dispatch(er);
      if (fault?.kind === "reset-after") {
        entry.status = "reset";
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "error-after") return this.reply(er, res, entry, this.hooks.serverError(fault.status ?? 500));
      // Answers that cannot be read although the server committed the change (a proxy's page, a body cut short).
      if (fault?.kind === "html-after") return this.reply(er, res, entry, { status: fault.status ?? 200, headers: { "content-type": "text/html; charset=utf-8" }, body: ACCEPTED_PAGE });
      if (fault?.kind === "cut-after") return this.reply(er, res, entry, out, (payload) => payload.slice(0, Math.floor(payload.length / 2)));
      return this.reply(er, res, entry, out);
    } catch (e) {
      process.stderr.write(`[${this.name} emulator] handler crashed: ${(e as Error).stack}\n`);
      return this.reply(er, res, entry, this.hooks.serverError(500));
    }
  }

  private async dispatch(er: EmuRequest): Promise<EmuResponse> {
    const pre = this.hooks.before?.(er);
    if (pre) return pre;
    for (const r of this.routes) {
      if (r.method !== er.method) continue;
      const m = r.regex.exec(er.path);
      if (!m) continue;
      er.params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      return r.handler(er);
    }
    return this.hooks.notFound(er);
  }

  private reply(er: EmuRequest, res: ServerResponse, entry: LogEntry, out: EmuResponse, cut?: (payload: string) => string): void {
    this.hooks.decorate?.(er, out);
    entry.status = out.status;
    const headers: Record<string, string> = restyleRateLimitHeaders(this.rateLimitHeaders, out.status, { ...(out.headers ?? {}) });
    let payload = "";
    if (out.body !== undefined) {
      payload = typeof out.body === "string" ? out.body : JSON.stringify(out.body);
      headers["content-type"] ??= "application/json";
    }
    if (cut) payload = cut(payload);
    res.writeHead(out.status, headers);
    res.end(payload);
  }

  private control(er: EmuRequest, res: ServerResponse): void {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (er.path === "/__emulator/log" && er.method === "GET") return send(200, this.log);
    if (er.path === "/__emulator/log" && er.method === "DELETE") {
      this.resetLog();
      return send(200, {});
    }
    if (er.path === "/__emulator/faults" && er.method === "POST") {
      const f = er.body as FaultSpec & { path?: string };
      this.inject({ ...f, times: f.times ?? 1 });
      return send(200, {});
    }
    if (er.path === "/__emulator/faults" && er.method === "DELETE") {
      this.clearFaults();
      return send(200, {});
    }
    return send(404, { error: "unknown control endpoint" });
  }
}

/** A gateway's page in place of the API's answer: 2xx, HTML, no envelope. */
const ACCEPTED_PAGE =
  "<!DOCTYPE html><html><head><title>Request accepted</title></head><body><h1>Request accepted</h1><p>Your request is being processed by the upstream service.</p></body></html>";

function restyleRateLimitHeaders(style: RateLimitHeaderStyle, status: number, h: Record<string, string>): Record<string, string> {
  if (style === "vendor") return h;
  const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  const out = Object.fromEntries(Object.entries(h).filter(([k]) => !/^(x-ratelimit-|retry-after$)/i.test(k)));
  if (style === "retry-after" && status === 429) {
    const now = Date.now();
    const reset = lower["x-ratelimit-reset"];
    const n = Number(reset);
    const resetMs = reset === undefined ? undefined : Number.isFinite(n) ? (n > 1e9 ? n * 1000 - now : n * 1000) : Date.parse(reset) - now;
    const secs = Number(lower["retry-after"] ?? lower["x-ratelimit-period-in-sec"] ?? (resetMs !== undefined ? resetMs / 1000 : 1));
    out["retry-after"] = String(Math.max(1, Math.ceil(Number.isFinite(secs) ? secs : 1)));
  }
  return out;
}

/** What a misbehaving gateway might send: HTML, no envelope, the credential without its scheme or parameter name. */
function proxyPage(er: EmuRequest): EmuResponse {
  const auth = String(er.headers.authorization ?? "").replace(/^\S+\s+/, "");
  const bare = auth || er.query.get("app_key") || er.query.get("api_key") || er.query.get("token") || "";
  const filler = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>" + "upstream connect error or disconnect/reset before headers. ".repeat(4);
  return { status: 502, headers: { "content-type": "text/html" }, body: `${filler.slice(0, 250)} credential seen: ${bare} (${er.method} ${er.path})</p></body></html>` };
}

function matches(f: { method?: string; path?: string | RegExp }, method: string, path: string): boolean {
  if (f.method && f.method.toUpperCase() !== method) return false;
  if (f.path === undefined) return true;
  if (f.path instanceof RegExp) return f.path.test(path);
  return f.path.endsWith("*") ? path.startsWith(f.path.slice(0, -1)) : f.path === path;
}

function redactQuery(q: URLSearchParams): string {
  const c = new URLSearchParams(q);
  for (const k of ["app_key", "api_key", "token"]) if (c.has(k)) c.set(k, "[redacted]");
  return c.toString();
}

/** A per-key sliding window, as vendors count calls (e.g. Rootly: 3 writes per 60 s). */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  /** Counts a call for `key` if there is room. */
  hit(key: string, now = Date.now()): { allowed: boolean; used: number; remaining: number; resetAt: number } {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    const allowed = list.length < this.limit;
    if (allowed) list.push(now);
    this.hits.set(key, list);
    const resetAt = list.length ? list[0] + this.windowMs : now;
    return { allowed, used: list.length, remaining: Math.max(0, this.limit - list.length), resetAt };
  }
}

/** What each vendor's emulator module returns: the server plus vendor-specific seeding. */
export interface VendorEmulator {
  readonly vendor: "flashduty" | "rootly" | "opsgenie" | "jsm-ops";
  readonly server: EmulatorServer;
  /** The credential the emulator accepts. */
  readonly credential: string;
  /**
   * Fills in realistic data for the demo (teams, schedules, channels, schemas...). With `seed`, the ids it
   * makes are a function of the seed and each object's kind and name (`seededUuid`), the same on every run.
   */
  seedDemo(seed?: string): void;
  /**
   * What the emulator holds to route to, as `"<kind>:<name>"` -> id (e.g. `"team:Platform"`,
   * `"channel:sre-oncall"`): after seedDemo, the demo objects a program can point at.
   */
  seeded?(): Record<string, string>;
}

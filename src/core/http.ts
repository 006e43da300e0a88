import type { Agent } from "undici";
import { agentClass, requestOn } from "./undici";
import { Endpoint, endpointHelp, setting } from "./config";
import { ErrorKind, VendorError, VendorErrorInit, redactSecrets, registerSecret } from "./errors";
import { NotSentError, RateClass, RateLimiter, limiterFor, serverBudget } from "./rate-limit";
import { DEFAULT_RETRY, RetryPolicy, backoffDelay, serverWaitMs } from "./retry";
import { sleep } from "./idioms";
import { processGlobal } from "./registry";
import { debug, notice, visibleWaitMs } from "./log";
import { engineCancelled, engineGone, writeSignal } from "./engine-watch";
import { inBackground } from "./shared-lists";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestSpec {
  method: Method;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Safe to send twice. Defaults to true for everything but POST. */
  idempotent?: boolean;
  /** Which rate-limit windows the call counts against. Defaults from the method. */
  rateClass?: RateClass;
  /**
   * Runs once the rate-limit slot is granted, right before each send. A create's
   * natural-key lookup belongs here: done before a long wait for write budget, it
   * can be stale by the time the POST goes out (another writer got in between).
   * Throwing stops the call.
   */
  beforeSend?: () => Promise<void>;
}

export interface VendorResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string>;
  requestId?: string;
}

/** What differs between vendors: auth, media type, error envelope, limits. */
export interface VendorProtocol {
  vendor: string;
  contentType: string;
  /** Default client-side limits, see `parseRateLimits`. Overridden by `<vendor>:rateLimits`. */
  defaultRateLimits: string;
  authorize(credential: string): { headers?: Record<string, string>; query?: Record<string, string> };
  requestId(headers: Record<string, string>, body: unknown): string | undefined;
  /** An error for this response, or undefined when it is a success (Flashduty can fail with HTTP 200). */
  toError(status: number, body: unknown, headers: Record<string, string>): Omit<VendorErrorInit, "vendor"> | undefined;
}

export interface ClientOptions {
  retry?: Partial<RetryPolicy>;
  /** The limiter to pace with, instead of the process-wide one for this vendor, endpoint and key (tests: one per simulated machine). */
  limiter?: RateLimiter;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

function agentFor(baseUrl: string, o: Required<Pick<ClientOptions, "connectTimeoutMs" | "headersTimeoutMs" | "bodyTimeoutMs">>): Agent {
  const agents = processGlobal("http-agents", () => new Map<string, Agent>());
  const key = `${baseUrl}|${o.connectTimeoutMs}|${o.headersTimeoutMs}|${o.bodyTimeoutMs}`;
  let a = agents.get(key);
  if (!a) {
    a = new (agentClass())({
      connect: { timeout: o.connectTimeoutMs },
      headersTimeout: o.headersTimeoutMs,
      bodyTimeout: o.bodyTimeoutMs,
      keepAliveTimeout: 10_000,
      connections: 16,
    });
    agents.set(key, a);
  }
  return a;
}

/** A write the engine no longer wants (Ctrl-C, or the engine is gone): never sent, so state stays exact. */
function notSent(base: { vendor: string; method: string; path: string }): VendorError {
  return new VendorError({
    ...base,
    kind: "cancelled",
    message: engineGone() ? "not sent: the Pulumi engine that asked for it is gone" : "cancelled before it was sent: the update was interrupted (Ctrl-C) while this call waited for rate budget",
  });
}

// Failures where the request cannot have reached the server.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);

function networkFailure(e: unknown): { code: string; kind: ErrorKind; sent: boolean } {
  const err = e as { code?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? "UNKNOWN";
  const kind: ErrorKind = code.includes("TIMEOUT") ? "timeout" : "network";
  return { code, kind, sent: !NOT_SENT.has(code) };
}

/** A short, redacted, one-line excerpt of a body for messages (redacted whole first: a cut could split a credential). */
export function bodySnippet(body: unknown, max = 160): string {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  const flat = redactSecrets(text).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** True when the vendor answered 2xx: the write was accepted, whatever the body says. */
export function answeredOk(e: { status?: number }): boolean {
  return e.status !== undefined && e.status >= 200 && e.status < 300;
}

/**
 * An answer that cannot be read (not JSON, cut short, or JSON without what every such
 * answer carries). After a write it is ambiguous: the server may have applied it, so a
 * create looks its object up by natural key before anything else. The message says what
 * the vendor answered: status, content type and a redacted excerpt.
 */
export function unreadableAnswer(a: { vendor: string; method: string; path: string; status: number; headers: Record<string, string>; body: unknown; why: string }): VendorError {
  const snippet = bodySnippet(a.body);
  const write = a.method !== "GET";
  return new VendorError({
    vendor: a.vendor,
    kind: "server",
    method: a.method,
    path: a.path,
    status: a.status,
    contentType: a.headers["content-type"],
    message:
      `the answer could not be read (${a.why}): content type ${a.headers["content-type"] ?? "none"}, body ${snippet ? `"${snippet}"` : "empty"}` +
      (write ? "; the write may have been applied" : ""),
    ambiguous: write,
  });
}

/** HTTP to one vendor endpoint: limits, retries, typed errors, no credential in any message. */
/** A call's rate class: what it declares, else GET reads and every other method writes. */
const rateClassOf = (spec: RequestSpec): RateClass => spec.rateClass ?? (spec.method === "GET" ? "read" : "write");

export class VendorClient {
  readonly limiter: RateLimiter;
  private readonly policy: RetryPolicy;
  private readonly agent: Agent;

  constructor(
    readonly protocol: VendorProtocol,
    readonly endpoint: Endpoint,
    options: ClientOptions = {},
  ) {
    registerSecret(endpoint.credential);
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    const spec = setting(protocol.vendor, "rateLimits", `${protocol.vendor.toUpperCase()}_RATE_LIMITS`) ?? protocol.defaultRateLimits;
    this.limiter = options.limiter ?? limiterFor(protocol.vendor, endpoint.credential, spec, endpoint.baseUrl);
    this.agent = agentFor(endpoint.baseUrl, {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      headersTimeoutMs: options.headersTimeoutMs ?? Number(process.env.ALERT_ROUTING_HTTP_TIMEOUT_MS ?? 30_000),
      bodyTimeoutMs: options.bodyTimeoutMs ?? Number(process.env.ALERT_ROUTING_HTTP_TIMEOUT_MS ?? 30_000),
    });
  }

  private url(spec: RequestSpec): { url: string; shown: string } {
    const auth = this.protocol.authorize(this.endpoint.credential);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) q.set(k, String(v));
    const shown = q.toString() ? `${spec.path}?${q}` : spec.path;
    for (const [k, v] of Object.entries(auth.query ?? {})) q.set(k, v);
    const qs = q.toString();
    return { url: `${this.endpoint.baseUrl}${spec.path}${qs ? `?${qs}` : ""}`, shown };
  }

  /** The host and the settings to check, for the errors where they are the likely cause. */
  private help(kind: ErrorKind): string | undefined {
    if (kind === "unauthorized" || kind === "forbidden") return endpointHelp(this.endpoint.baseUrl, this.endpoint.source, "auth");
    if (kind === "not_found") return endpointHelp(this.endpoint.baseUrl, this.endpoint.source, "not_found");
    if (kind === "config") return endpointHelp(this.endpoint.baseUrl, this.endpoint.source, "network");
    return undefined;
  }

  /** Sends once, no retry. Throws VendorError. */
  private async send<T>(spec: RequestSpec): Promise<VendorResponse<T>> {
    const { url, shown } = this.url(spec);
    const auth = this.protocol.authorize(this.endpoint.credential);
    const headers: Record<string, string> = { accept: this.protocol.contentType, ...auth.headers };
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers["content-type"] = this.protocol.contentType;
    }
    const base = { vendor: this.protocol.vendor, method: spec.method, path: shown.split("?")[0] };
    if (rateClassOf(spec) === "write" && (engineGone() || engineCancelled())) throw notSent(base);
    let res;
    try {
      res = await requestOn(this.agent, url, { method: spec.method, headers, body });
    } catch (e) {
      const f = networkFailure(e);
      throw new VendorError({
        ...base,
        kind: f.kind,
        code: f.code,
        message: f.sent ? `connection failed after the request was sent (${f.code})` : `could not connect (${f.code})`,
        ambiguous: f.sent,
        help: f.sent ? undefined : endpointHelp(this.endpoint.baseUrl, this.endpoint.source, "network"),
      });
    }
    const respHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) respHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    // The server's own count: covers calls of earlier commands and other clients on this key.
    const budget = serverBudget(respHeaders);
    if (budget) this.limiter.observe(spec.rateClass ?? (spec.method === "GET" ? "read" : "write"), budget.remaining, budget.resetAt, budget.windowMs);
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      const f = networkFailure(e);
      throw new VendorError({
        ...base,
        kind: f.kind,
        code: f.code,
        status: res.statusCode,
        message: `the answer could not be read: its body was cut off (${f.code}, content type ${respHeaders["content-type"] ?? "none"})${spec.method === "GET" ? "" : "; the write may have been applied"}`,
        ambiguous: true,
      });
    }
    let parsed: unknown = text;
    let readable = true;
    if (text.length) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Protocols cut non-JSON bodies (proxy pages) for messages: redact the whole text first,
        // or a cut can leave a piece of a credential that no longer matches it.
        parsed = redactSecrets(text);
        readable = false;
      }
    } else parsed = undefined;
    // A success whose body is not JSON (a proxy's HTML page, a body cut short) says nothing
    // about what the server did: never read it as an empty answer ("no such object", "no id").
    if (!readable && res.statusCode >= 200 && res.statusCode < 300)
      throw unreadableAnswer({ vendor: this.protocol.vendor, method: spec.method, path: base.path, status: res.statusCode, headers: respHeaders, body: text, why: "not JSON" });
    const requestId = this.protocol.requestId(respHeaders, parsed);
    const err = this.protocol.toError(res.statusCode, parsed, respHeaders);
    if (err) {
      // Some vendors send X-RateLimit-Reset on every response: it times the window, it is
      // not a wait. Only a 429 waits for it; a 503 may carry Retry-After.
      const status = res.statusCode;
      const retryAfterMs =
        status === 429 ? serverWaitMs(respHeaders) : status === 503 && respHeaders["retry-after"] ? serverWaitMs({ "retry-after": respHeaders["retry-after"] }) : undefined;
      throw new VendorError({
        ...base,
        ...err,
        status: err.status ?? res.statusCode,
        contentType: respHeaders["content-type"],
        requestId: err.requestId ?? requestId,
        retryAfterMs: err.retryAfterMs ?? retryAfterMs,
        // A server error may come after the server committed the change (Flashduty can send
        // one with any HTTP status: its error code is what counts).
        ambiguous: err.ambiguous ?? (spec.method !== "GET" && (res.statusCode >= 500 || err.kind === "server")),
        help: err.help ?? this.help(err.kind),
      });
    }
    return { status: res.statusCode, body: parsed as T, headers: respHeaders, requestId };
  }

  /**
   * Sends with pacing and bounded retries. A non-idempotent request is retried only
   * when the server cannot have applied it (429, connect failure); otherwise the
   * ambiguous error goes back to the caller, who knows how to look the object up.
   */
  async call<T>(spec: RequestSpec): Promise<VendorResponse<T>> {
    const idempotent = spec.idempotent ?? spec.method !== "POST";
    const cls = rateClassOf(spec);
    const started = Date.now();
    let rateLimitWait = 0;
    // Writes that still wait for budget when the engine cancels are never sent; reads (Flashduty's
    // are POSTs) still run: a create's read-back or lookup after an unclear answer must finish.
    const engine = cls === "read" ? undefined : writeSignal();
    // A check that may be skipped (preflight lists) waits one window of its class at most, so
    // the budget goes to the writes; see `asBackground`.
    const background = inBackground();
    const bounded = background ? AbortSignal.timeout(this.limiter.windowMs(cls)) : undefined;
    const signal = engine && bounded ? AbortSignal.any([engine, bounded]) : (engine ?? bounded);
    for (let attempt = 0; ; attempt++) {
      let slot;
      try {
        slot = await this.limiter.acquire(cls, signal);
      } catch (e) {
        if (e instanceof NotSentError && bounded?.aborted && !engine?.aborted)
          throw new VendorError({ vendor: this.protocol.vendor, kind: "rate_limited", method: spec.method, path: spec.path, message: `not sent: the ${cls} budget is taken (checks give way to writes)` });
        if (e instanceof NotSentError) throw notSent({ vendor: this.protocol.vendor, method: spec.method, path: spec.path });
        throw e;
      }
      // Whether a failure is this call's own answer (not one of the lookup beforeSend made).
      let own = false;
      const sendOwn = () => {
        own = true;
        return this.send<T>(spec);
      };
      try {
        const r = await (spec.beforeSend ? spec.beforeSend().then(sendOwn) : sendOwn()).finally(() => slot.done());
        this.limiter.answer(cls, false);
        debug(`${this.protocol.vendor} ${spec.method} ${spec.path} -> ${r.status}`);
        return r;
      } catch (e) {
        if (!(e instanceof VendorError)) throw e;
        // Any answer of the server's moves the adaptive rate; a failure before it answered does not.
        if (e.status !== undefined && own) this.limiter.answer(cls, e.kind === "rate_limited");
        debug(`${this.protocol.vendor} ${spec.method} ${spec.path} failed: ${redactSecrets(e.message)}`);
        const elapsed = Date.now() - started;
        if (e.kind === "rate_limited") {
          // The limiter spreads the wake-up over a span after this instant that doubles with each
          // recent 429 (every client of the key was told the same reset or Retry-After). No word
          // from the server on when: one call's share of the window, then that jitter.
          const wait = e.retryAfterMs ?? Math.max(this.policy.baseDelayMs, this.limiter.spreadMs(cls));
          // A skippable check is not tried again: others are using the budget the writes need.
          if (background) {
            this.limiter.blockUntil(Date.now() + wait);
            throw e;
          }
          if (rateLimitWait + wait > this.policy.maxRateLimitWaitMs) throw e;
          rateLimitWait += wait;
          if (wait >= visibleWaitMs()) notice(`${this.protocol.vendor}: rate limited (HTTP 429) on ${spec.method} ${spec.path}; waiting ${Math.ceil(wait / 1000)} s as the server asked`);
          this.limiter.blockUntil(Date.now() + wait);
          continue;
        }
        const transient = e.kind === "server" || e.kind === "network" || e.kind === "timeout";
        const safe = idempotent || !e.ambiguous;
        if (!transient || !safe || attempt + 1 >= this.policy.maxAttempts || elapsed >= this.policy.maxElapsedMs) throw e;
        await sleep(e.retryAfterMs ?? backoffDelay(attempt, this.policy) + 50);
      }
    }
  }
}

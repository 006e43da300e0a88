// The HTTP surface every endpoint shares: `?app_key=` auth, 50/s + 1,000/min per key,
// POST + JSON only, the `{request_id, data}` / `{request_id, error}` envelopes, the
// Flashcat-Request-Id header, and the glitches tests ask for.
import { EmulatorServer, SlidingWindow, type EmuRequest, type EmuResponse } from "../../emulator-kit/framework";

/** HTTP status of each error code (the docs' ErrorCode table). */
const STATUS: Record<string, number> = {
  InvalidParameter: 400,
  BadRequest: 400,
  InvalidContentType: 400,
  ResourceNotFound: 400,
  Unauthorized: 401,
  AccessDenied: 403,
  RouteNotFound: 404,
  MethodNotAllowed: 405,
  RequestTooFrequently: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
};

export interface ServerOptions {
  perSecond: number;
  perMinute: number;
  /** Answer errors with HTTP 200 and the error envelope, as some Flashduty endpoints do. */
  errorsWithHttp200: boolean;
}

export interface Replies {
  ok(data: unknown): EmuResponse;
  fail(code: string, message: string, headers?: Record<string, string>): EmuResponse;
  /** `InvalidParameter` with the vendor's wording. */
  invalid(message: string): EmuResponse;
}

/** Read at reply time: tests flip `errorsWithHttp200` on a running emulator. */
export function replies(options: Pick<ServerOptions, "errorsWithHttp200">): Replies {
  const fail = (code: string, message: string, headers?: Record<string, string>): EmuResponse => ({
    status: options.errorsWithHttp200 && code !== "RequestTooFrequently" ? 200 : (STATUS[code] ?? 400),
    headers,
    body: { error: { code, message } },
  });
  return {
    ok: (data) => ({ status: 200, body: { data } }),
    fail,
    invalid: (m) => fail("InvalidParameter", `The specified parameter is not valid: ${m}`),
  };
}

/** Answers tests set up per path: "the object is missing" (a lagging replica), or a proxy page quoting the key. */
export interface Glitches {
  missing: Map<string, { left: number; as: "not-found" | "null" }>;
  proxyPages: Map<string, number>;
}

function glitch(req: EmuRequest, g: Glitches, appKey: string, reply: Replies): EmuResponse | undefined {
  const page = g.proxyPages.get(req.path);
  if (page) {
    g.proxyPages.set(req.path, page - 1);
    // A gateway error page whose key starts 12 characters before the 300th: a cut there would keep a piece of it.
    const head = "<html><body><h1>502 Bad Gateway</h1><p>upstream rejected credential ".padEnd(288, " ");
    return { status: 502, headers: { "content-type": "text/html" }, body: `${head}${appKey} for ${req.path}</p></body></html>` };
  }
  const gone = g.missing.get(req.path);
  if (gone && gone.left > 0) {
    gone.left--;
    return gone.as === "null" ? reply.ok(null) : reply.fail("ResourceNotFound", "The referenced resource does not exist.");
  }
  return undefined;
}

export function flashdutyServer(cfg: { appKey: string; options: ServerOptions; glitches: Glitches; paths: readonly string[]; reply: Replies }): EmulatorServer {
  const { appKey, options, reply } = cfg;
  const perSecond = new SlidingWindow(options.perSecond, 1000);
  const perMinute = new SlidingWindow(options.perMinute, 60_000);
  const rateLimited = (key: string): EmuResponse | undefined => {
    const t = Date.now();
    const s = perSecond.hit(key, t);
    const m = s.allowed ? perMinute.hit(key, t) : undefined;
    if (s.allowed && m?.allowed) return undefined;
    const w = !s.allowed ? s : m!;
    const retry = Math.max(1, Math.ceil((w.resetAt - t) / 1000));
    return reply.fail("RequestTooFrequently", "Request too frequently.", {
      "retry-after": String(retry),
      "x-ratelimit-limit": String(!s.allowed ? options.perSecond : options.perMinute),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(retry),
    });
  };
  return new EmulatorServer("flashduty", {
    before(req) {
      const key = req.query.get("app_key");
      if (!key || key !== appKey) return reply.fail("Unauthorized", "You are unauthorized.");
      const limited = rateLimited(key);
      if (limited) return limited;
      if (cfg.paths.includes(req.path) && req.method !== "POST") return reply.fail("MethodNotAllowed", `Method ${req.method} is not allowed.`);
      const ct = String(req.headers["content-type"] ?? "");
      if (!ct.toLowerCase().startsWith("application/json")) return reply.fail("InvalidContentType", "Content-Type not supported, please use application/json.");
      if (req.jsonError || req.body === null || typeof req.body !== "object" || Array.isArray(req.body)) return reply.invalid("request body must be a JSON object");
      return glitch(req, cfg.glitches, appKey, reply);
    },
    decorate(req, res) {
      const id = `fd-${req.id.toString().padStart(8, "0")}`;
      res.headers = { ...res.headers, "flashcat-request-id": id };
      if (res.body && typeof res.body === "object" && !Array.isArray(res.body)) res.body = { request_id: id, ...(res.body as object) };
    },
    rateLimited: (sec) => reply.fail("RequestTooFrequently", "Request too frequently.", { "retry-after": String(sec) }),
    serverError: (status, message) =>
      status === 503
        ? { status, body: { error: { code: "ServiceUnavailable", message: message ?? "A backend dependency is unavailable. Try again later." } } }
        : { status, body: { error: { code: "InternalError", message: message ?? "We encountered an internal error, and it has been reported. Please try again later." } } },
    notFound: (req) => reply.fail("RouteNotFound", `Request ${req.method} ${req.path} not matched.`),
  });
}

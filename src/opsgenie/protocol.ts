import { kindForStatus, type FieldError, type VendorProtocol } from "../core";
import { registerVendor, type VendorSettings } from "../core/config";

/** Said on a 401/403 from Opsgenie: a key belongs to one region's host. */
export const OPSGENIE_REGION_HINT =
  "an Opsgenie API key works only on its own region's host: EU accounts use https://api.eu.opsgenie.com, the others https://api.opsgenie.com (the other host refuses the key, with 401 or 422)";

/** Where the credential and endpoint come from: stack config `opsgenie:*`, else the env vars. */
export const opsgenieSettings: VendorSettings = {
  credentialKey: "apiKey",
  credentialEnv: "OPSGENIE_API_KEY",
  urlKey: "apiUrl",
  urlEnv: "OPSGENIE_API_URL",
  defaultUrl: "https://api.opsgenie.com",
  label: "Opsgenie API key",
  // Named accounts (Opsgenie, JSM Operations, Compass Operations): accounts.ts; preflight: core/preflight.ts.
  extraKeys: ["accounts", "preflight"],
  knownHosts: ["api.opsgenie.com", "api.eu.opsgenie.com"],
  domain: "opsgenie.com",
  authHint: OPSGENIE_REGION_HINT,
};
registerVendor("opsgenie", opsgenieSettings);


/**
 * Opsgenie: `Authorization: GenieKey <key>`, JSON, errors as
 * `{message, took, requestId, code?, errors?}`. Rate limits are not documented
 * per endpoint; the default below is a conservative guess (NOTES.md), override
 * with `opsgenie:rateLimits` or OPSGENIE_RATE_LIMITS.
 */
export const OPSGENIE_DEFAULT_RATE_LIMITS = "10/1s,300/1m";

function fieldErrors(errors: unknown): FieldError[] | undefined {
  if (!errors || typeof errors !== "object") return undefined;
  if (Array.isArray(errors)) {
    const out = errors
      .map((e) => (typeof e === "string" ? { field: "(body)", message: e } : e && typeof e === "object" ? { field: String((e as Record<string, unknown>).field ?? "(body)"), message: String((e as Record<string, unknown>).message ?? "") } : undefined))
      .filter((e): e is FieldError => e !== undefined);
    return out.length ? out : undefined;
  }
  const out = Object.entries(errors as Record<string, unknown>).map(([field, message]) => ({ field, message: String(message) }));
  return out.length ? out : undefined;
}

export const opsgenieProtocol: VendorProtocol = {
  vendor: "opsgenie",
  contentType: "application/json",
  defaultRateLimits: OPSGENIE_DEFAULT_RATE_LIMITS,
  authorize: (apiKey) => ({ headers: { authorization: `GenieKey ${apiKey}` } }),
  requestId: (headers, body) => {
    const fromBody = body && typeof body === "object" ? (body as Record<string, unknown>).requestId : undefined;
    return headers["x-request-id"] ?? (typeof fromBody === "string" ? fromBody : undefined);
  },
  toError: (status, body, headers) => {
    if (status < 400) return undefined;
    const b = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
    const message = typeof b.message === "string" && b.message ? b.message : typeof body === "string" && body ? body.slice(0, 300) : `HTTP ${status}`;
    const code = b.code !== undefined ? String(b.code) : undefined;
    let retryAfterMs: number | undefined;
    if (status === 429 && headers["retry-after"] === undefined) {
      // Opsgenie documents X-RateLimit-Period-In-Sec rather than Retry-After.
      const period = Number(headers["x-ratelimit-period-in-sec"]);
      if (Number.isFinite(period) && period > 0) retryAfterMs = period * 1000;
    }
    return { kind: kindForStatus(status), message, code, fieldErrors: fieldErrors(b.errors), retryAfterMs };
  },
};

import type { ErrorKind } from "../core/errors";
import { kindForStatus } from "../core/errors";
import type { VendorProtocol } from "../core/http";
import { registerVendor, type VendorSettings } from "../core/config";

/** Where the credential and endpoint come from: stack config `flashduty:*`, else the env vars. */
export const flashdutySettings: VendorSettings = {
  credentialKey: "appKey",
  credentialEnv: "FLASHDUTY_APP_KEY",
  urlKey: "baseUrl",
  urlEnv: "FLASHDUTY_BASE_URL",
  defaultUrl: "https://api.flashcat.cloud",
  label: "Flashduty APP key",
  knownHosts: ["api.flashcat.cloud"],
  domain: "flashcat.cloud",
  // `<vendor>:preflight` false turns off the existence checks at preview (core/preflight.ts).
  extraKeys: ["preflight"],
};
registerVendor("flashduty", flashdutySettings);


export const VENDOR = "flashduty";

/** `error.code` is authoritative, not the HTTP status (errors may even come with HTTP 200). */
const KIND_BY_CODE: Record<string, ErrorKind> = {
  InvalidParameter: "validation",
  BadRequest: "validation",
  InvalidContentType: "validation",
  EntityTooLarge: "validation",
  MethodNotAllowed: "validation",
  // Documented as "the referenced resource does not exist", returned as HTTP 400.
  ResourceNotFound: "not_found",
  ReferenceExist: "conflict",
  UndonedOrderExist: "conflict",
  NoLicense: "forbidden",
  BalanceNotEnough: "forbidden",
  AccessDenied: "forbidden",
  RequestVerifyRequired: "forbidden",
  DangerousOperation: "forbidden",
  Unauthorized: "unauthorized",
  // An unknown URL path: the base URL is wrong, not the object missing.
  RouteNotFound: "config",
  RequestTooFrequently: "rate_limited",
  RequestLocked: "rate_limited",
  InternalError: "server",
  ServiceUnavailable: "server",
};

interface Envelope {
  request_id?: string;
  error?: { code?: string; message?: string } | null;
}

function envelope(body: unknown): Envelope | undefined {
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Envelope) : undefined;
}

export const flashdutyProtocol: VendorProtocol = {
  vendor: VENDOR,
  contentType: "application/json",
  // Documented per account: 50 requests/s and 1,000 requests/min.
  defaultRateLimits: "50/1s,1000/60s",
  authorize: (credential) => ({ query: { app_key: credential } }),
  requestId: (headers, body) => headers["flashcat-request-id"] ?? envelope(body)?.request_id,
  toError(status, body) {
    const env = envelope(body);
    const err = env?.error;
    if (err && (err.code || err.message)) {
      const code = err.code ?? "";
      const kind = KIND_BY_CODE[code] ?? (status >= 400 ? kindForStatus(status) : "validation");
      let message = err.message || code;
      if (code === "RouteNotFound") message = `${message}: unknown API path`;
      return { kind, message, code: code || undefined, requestId: env?.request_id };
    }
    if (status >= 400) {
      return { kind: kindForStatus(status), message: typeof body === "string" && body ? body.slice(0, 300) : `HTTP ${status}` };
    }
    return undefined;
  },
};

import type { VendorProtocol } from "../core/http";
import { kindForStatus, type FieldError, type VendorErrorInit } from "../core/errors";
import { pointerToPath } from "./wire";
import { registerVendor, type VendorSettings } from "../core/config";

/** Where the credential and endpoint come from: stack config `rootly:*`, else the env vars. */
export const rootlySettings: VendorSettings = {
  credentialKey: "apiToken",
  credentialEnv: "ROOTLY_API_TOKEN",
  urlKey: "apiUrl",
  urlEnv: "ROOTLY_API_URL",
  defaultUrl: "https://api.rootly.com",
  label: "Rootly API token",
  knownHosts: ["api.rootly.com"],
  domain: "rootly.com",
  // `<vendor>:preflight` false turns off the existence checks at preview (core/preflight.ts).
  extraKeys: ["preflight"],
};
registerVendor("rootly", rootlySettings);


export const ROOTLY_MEDIA_TYPE = "application/vnd.api+json";

interface JsonApiError {
  title?: string;
  status?: string;
  code?: string | null;
  detail?: string | null;
  source?: { pointer?: string; parameter?: string } | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Rootly: JSON:API with a Bearer token; 5 reads and 3 writes per key per 60 s by default. */
export const rootlyProtocol: VendorProtocol = {
  vendor: "rootly",
  contentType: ROOTLY_MEDIA_TYPE,
  defaultRateLimits: "read=5/60s,write=3/60s",
  authorize: (token) => ({ headers: { authorization: `Bearer ${token}` } }),
  requestId: (headers) => headers["x-request-id"],
  // Rootly sends X-RateLimit-Reset on every response; the core waits for it only on a 429.
  toError: (status, body) => envelopeError(status, body),
};

function envelopeError(status: number, body: unknown): Omit<VendorErrorInit, "vendor"> | undefined {
  if (status < 400) return undefined;
  const kind = kindForStatus(status);
  // 429 is the one non-JSON:API body: {"error": "Rate limit exceeded. Try again later."}
  if (isObject(body) && typeof body.error === "string") return { kind, message: body.error };
  const errors = isObject(body) && Array.isArray(body.errors) ? (body.errors as JsonApiError[]) : [];
  if (!errors.length) {
    const text = typeof body === "string" && body.trim() ? body.trim().slice(0, 200) : `HTTP ${status}`;
    return { kind, message: status === 404 ? "not found" : text };
  }
  const fieldErrors: FieldError[] = [];
  const general: string[] = [];
  for (const e of errors) {
    const text = e.title && e.detail && e.detail !== e.title ? `${e.title}: ${e.detail}` : (e.detail ?? e.title ?? `HTTP ${status}`);
    const pointer = e.source?.pointer;
    if (pointer && pointer.startsWith("/data/attributes/")) fieldErrors.push({ field: pointerToPath(pointer), message: e.detail || e.title || "invalid" });
    else general.push(text);
  }
  const code = errors.find((e) => e.code)?.code ?? undefined;
  const message = general.length ? general.join("; ") : status === 422 ? "Rootly rejected the alert route" : `HTTP ${status}`;
  return { kind, message, code, fieldErrors };
}

export type ErrorKind =
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "unauthorized"
  | "forbidden"
  | "validation"
  | "server"
  | "network"
  | "timeout"
  | "config"
  /** Not sent: the engine that asked for it is gone. */
  | "cancelled";

export interface FieldError {
  field: string;
  message: string;
}

export interface VendorErrorInit {
  vendor: string;
  kind: ErrorKind;
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
  fieldErrors?: FieldError[];
  retryAfterMs?: number;
  /**
   * The request may have been applied by the server although we saw a failure
   * (reset, timeout or 5xx after the body was sent). Non-idempotent callers must
   * look the object up before trying again.
   */
  ambiguous?: boolean;
  method?: string;
  path?: string;
  /** The answer's content type, kept for messages that say what the vendor answered. */
  contentType?: string;
  /** What to check, after the details: the host and the settings that point at it. */
  help?: string;
}

/** Every failure talking to a vendor. The message never contains a credential. */
export class VendorError extends Error {
  readonly vendor: string;
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly fieldErrors: FieldError[];
  readonly retryAfterMs?: number;
  readonly ambiguous: boolean;
  readonly contentType?: string;

  constructor(init: VendorErrorInit) {
    const parts = [`${init.vendor}: ${init.message}`];
    if (init.fieldErrors?.length) parts.push(init.fieldErrors.map((f) => `${f.field}: ${f.message}`).join("; "));
    const meta: string[] = [];
    if (init.method && init.path) meta.push(`${init.method} ${init.path}`);
    if (init.status !== undefined) meta.push(`HTTP ${init.status}`);
    if (init.code) meta.push(`code ${init.code}`);
    if (init.requestId) meta.push(`request id ${init.requestId}`);
    const text = meta.length ? `${parts.join(" - ")} (${meta.join(", ")})` : parts.join(" - ");
    super(redactSecrets(init.help ? `${text}. ${init.help}` : text));
    this.name = "VendorError";
    this.vendor = init.vendor;
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterMs = init.retryAfterMs;
    this.ambiguous = init.ambiguous ?? false;
    this.contentType = init.contentType;
  }
}

export function isVendorError(e: unknown, kind?: ErrorKind): e is VendorError {
  return e instanceof Error && e.name === "VendorError" && (kind === undefined || (e as VendorError).kind === kind);
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status === 400 || status === 422) return "validation";
  if (status >= 500) return "server";
  return "validation";
}

// Every credential this process has resolved; redaction scrubs them from any text
// that may reach the engine (errors, logs). Kept process-global on purpose.
const SECRETS_KEY = Symbol.for("pulumi-alert-routing.secrets.v1");
function secretSet(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (g[SECRETS_KEY] ??= new Set());
}

export function registerSecret(secret: string): void {
  if (secret.length >= 4) secretSet().add(secret);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const s of secretSet()) out = out.split(s).join("[redacted]");
  // Query-string and header shaped credentials, even ones we were never told about.
  out = out.replace(/([?&](?:app_key|api_key|apikey|token)=)[^&\s"']+/gi, "$1[redacted]");
  out = out.replace(/((?:GenieKey|Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+/g, "$1[redacted]");
  return out;
}

/** Turns anything thrown into an Error whose message is safe to hand to the engine. */
export function sanitizeError(e: unknown): Error {
  if (e instanceof Error) {
    const safe = new Error(redactSecrets(e.message));
    safe.name = e.name;
    safe.stack = redactSecrets(`${e.name}: ${safe.message}`);
    return safe;
  }
  return new Error(redactSecrets(String(e)));
}

import { VendorError, registerSecret } from "./errors";
import { processGlobal } from "./registry";

export interface VendorSettings {
  credentialKey: string;
  credentialEnv: string;
  urlKey: string;
  urlEnv: string;
  defaultUrl: string;
  label: string;
  /** More `<vendor>:<key>` settings the provider reads (e.g. Opsgenie's `accounts`). */
  extraKeys?: readonly string[];
  /** The vendor's API hosts (suggested for a slip such as a missing scheme or the web app's host). */
  knownHosts?: readonly string[];
  /** The domain of those hosts: another host under it (the web app) is not the API. */
  domain?: string;
  /** Said on a 401/403, e.g. that an EU key works only on the EU host. */
  authHint?: string;
}

/** Where one endpoint's settings come from: named in every auth, not-found and connection error. */
export interface EndpointSource {
  /** `account "ops" (JSM Operations)`; absent for a vendor's one endpoint. */
  account?: string;
  credentialKey: string;
  credentialEnv: string;
  urlKey: string;
  urlEnv: string;
  /** A line for a 401/403 on this host. */
  authHint?: string;
}

/**
 * What is wrong with an API base URL, checked without a call: a scheme, a host, no
 * query, and no API path (the provider adds `/v2`, `/v1`, ...). Undefined when fine.
 * `shown` names the setting (`opsgenie:apiUrl (or OPSGENIE_API_URL)`).
 */
export function endpointProblem(raw: string, shown: string, s: Partial<Pick<VendorSettings, "knownHosts" | "domain" | "defaultUrl">> = {}): string | undefined {
  const url = raw.trim();
  const known = s.knownHosts ?? [];
  const fix = (host: string) => `https://${host.toLowerCase()}`;
  const sayKnown = () => (known.length ? ` (${known.map((h) => `https://${h}`).join(" or ")})` : "");
  // Whatever stands before an "@" may be a user and password or token: never echoed.
  if (/^[^/?#]*@/.test(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ""))) return `${shown} holds a user name or password: give the credential in its own setting, never in the URL`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const host = url.split(/[/?#]/)[0];
    if (/^[A-Za-z0-9.-]+(:\d+)?$/.test(host) && (host.includes(".") || /^localhost\b/.test(host)))
      return `${shown} is "${url}", which has no scheme: use "${fix(host)}"`;
    return `${shown} is "${url}", which is not a URL: give the API's base URL, such as "${s.defaultUrl ?? "https://api.example.com"}"${sayKnown()}`;
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${shown} is "${url}", which is not a valid URL: give the API's base URL, such as "${s.defaultUrl ?? "https://api.example.com"}"`;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return `${shown} is "${url}": the scheme must be https (or http for a local server), not ${u.protocol.slice(0, -1)}`;
  if (u.username || u.password) return `${shown} holds a user name or password: give the credential in its own setting, never in the URL`;
  const host = u.hostname.toLowerCase();
  const base = `${u.protocol}//${u.host}`;
  const path = u.pathname.replace(/\/+$/, "");
  const apiPath = /\/(v\d+|jsm\/ops|compass\/cloud)(\/|$)/i.exec(path);
  if (apiPath) return `${shown} is "${url}": give the host only, without the API path "${path}" (the provider adds it): use "${known.includes(host) ? `https://${host}` : base}"`;
  if (u.search || u.hash) return `${shown} is "${url}": it must not have a query or fragment: use "${base}${path}"`;
  if (u.protocol === "http:" && known.includes(host)) return `${shown} is "${url}": the API is served over https: use "https://${u.host}${path}"`;
  // The web app's host (acme.app.opsgenie.com, app.rootly.com) is not the API.
  if (s.domain && !known.includes(host) && (host === s.domain || /^(app|www)\./.test(host) || host.endsWith(`.app.${s.domain}`)))
    return `${shown} is "${url}", the web app's host, not the API${sayKnown()}`;
  return undefined;
}

/** The base URL a vendor's calls go to (config, env, default), refused with the fix when malformed. */
export function endpointUrl(vendor: string): string {
  const s = VENDOR_SETTINGS[vendor];
  if (!s) throw new Error(`unknown vendor ${vendor}`);
  const fromConfig = setting(vendor, s.urlKey);
  const raw = setting(vendor, s.urlKey, s.urlEnv) ?? s.defaultUrl;
  const shown = fromConfig !== undefined ? `${vendor}:${s.urlKey}` : raw === s.defaultUrl ? `the default ${vendor} URL` : s.urlEnv;
  const problem = endpointProblem(raw, shown, s);
  if (problem) throw new VendorError({ vendor, kind: "config", code: "bad_endpoint", message: `${problem}. Set it with \`pulumi config set ${vendor}:${s.urlKey} <url>\` or the ${s.urlEnv} environment variable` });
  return raw.trim().replace(/\/+$/, "");
}

/**
 * The line a 401/403/404 or a failed connection ends with: the host, and the settings
 * (config key and env var) that point at it and authenticate to it.
 */
export function endpointHelp(baseUrl: string, source: EndpointSource | undefined, kind: "auth" | "not_found" | "network"): string {
  let host = baseUrl;
  try {
    host = new URL(baseUrl).origin;
  } catch {
    /* shown as given */
  }
  const who = source?.account ? `${source.account} at ${host}` : host;
  if (!source) return `(${who})`;
  const url = `${source.urlKey} (or ${source.urlEnv})`;
  if (kind === "auth")
    return `${who}: check the credential in ${source.credentialKey} (or ${source.credentialEnv}) and that it belongs to this host (${url})${source.authHint ? `; ${source.authHint}` : ""}`;
  if (kind === "not_found") return `${who}: if it exists, check that ${url} points at the right host${source.authHint ? `; ${source.authHint}` : ""}`;
  return `${who}: check ${url}, and that this machine reaches the host`;
}

/** Every vendor's settings by config namespace, filled in by each vendor's `protocol.ts` as it loads. */
export const VENDOR_SETTINGS: Record<string, VendorSettings> = {};

/** Adds a vendor's config namespace: its credential and URL then resolve from stack config or env (the first registration wins). */
export function registerVendor(name: string, settings: VendorSettings): void {
  VENDOR_SETTINGS[name] ??= settings;
}

/** The stack config the engine hands to `configure`, with secrets unwrapped; full `ns:key` names. */
type StackConfig = Map<string, string>;

function stackConfig(): StackConfig {
  return processGlobal("stack-config", () => new Map<string, string>());
}

/** Called from the provider's `configure`: remembers the stack config for this process. */
export function setStackConfig(entries: Record<string, unknown>): void {
  const cfg = stackConfig();
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined || v === null) continue;
    cfg.set(k, typeof v === "string" ? v : JSON.stringify(v));
  }
}

/** A setting: stack config `vendor:key` first, then the env var, read at call time. */
export function setting(vendor: string, key: string, env?: string): string | undefined {
  const fromConfig = stackConfig().get(`${vendor}:${key}`);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = env ? process.env[env] : undefined;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

export interface Endpoint {
  vendor: string;
  baseUrl: string;
  credential: string;
  /** Named in auth, not-found and connection errors. */
  source?: EndpointSource;
}

export function resolveEndpoint(vendor: string): Endpoint {
  const s = VENDOR_SETTINGS[vendor];
  if (!s) throw new Error(`unknown vendor ${vendor}`);
  const credential = setting(vendor, s.credentialKey, s.credentialEnv);
  if (!credential) {
    throw new VendorError({
      vendor,
      kind: "config",
      message:
        `no ${s.label} configured. Give it one of three ways: ` +
        `\`pulumi config set --secret ${vendor}:${s.credentialKey} <value>\` in the stack, ` +
        `\`stack.setConfig("${vendor}:${s.credentialKey}", { value, secret: true })\` with the Automation API, ` +
        `or the ${s.credentialEnv} environment variable`,
    });
  }
  registerSecret(credential);
  const baseUrl = endpointUrl(vendor);
  return { vendor, baseUrl, credential, source: { credentialKey: `${vendor}:${s.credentialKey}`, credentialEnv: s.credentialEnv, urlKey: `${vendor}:${s.urlKey}`, urlEnv: s.urlEnv, authHint: s.authHint } };
}

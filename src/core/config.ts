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
  const baseUrl = (setting(vendor, s.urlKey, s.urlEnv) ?? s.defaultUrl).replace(/\/+$/, "");
  return { vendor, baseUrl, credential };
}

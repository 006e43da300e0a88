import { resolveEndpoint } from "../core/config";
import { VendorClient } from "../core/http";
import { flashdutyProtocol, VENDOR } from "./protocol";

/** Created per call: the credential is read at call time (rotation works for refresh and destroy). */
export function flashdutyClient(): VendorClient {
  return new VendorClient(flashdutyProtocol, resolveEndpoint(VENDOR));
}

/** Every Flashduty call is a POST with a JSON body; `data` is unwrapped (errors were thrown by the protocol). */
export async function post<T>(client: VendorClient, path: string, body: unknown, opts: { idempotent?: boolean; read?: boolean } = {}): Promise<T> {
  const r = await client.call<{ data?: T }>({
    method: "POST",
    path,
    body,
    idempotent: opts.idempotent ?? opts.read ?? false,
    rateClass: opts.read ? "read" : "write",
  });
  return (r.body?.data ?? null) as T;
}

import { describe, expect, it } from "vitest";
import { VendorError } from "../../../src/core/errors";
import { backoffDelay, createOnce, DEFAULT_RETRY, serverWaitMs } from "../../../src/core/retry";

describe("backoff", () => {
  it("is full jitter under an exponential cap", () => {
    expect(backoffDelay(0, DEFAULT_RETRY, () => 0.999)).toBeLessThan(DEFAULT_RETRY.baseDelayMs);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.5)).toBe(Math.floor(0.5 * DEFAULT_RETRY.baseDelayMs * 8));
    expect(backoffDelay(30, DEFAULT_RETRY, () => 0.999)).toBeLessThan(DEFAULT_RETRY.maxDelayMs);
    expect(backoffDelay(2, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});

describe("serverWaitMs", () => {
  const now = 1_700_000_000_000;
  it("reads Retry-After seconds and dates", () => {
    expect(serverWaitMs({ "retry-after": "3" }, now)).toBe(3000);
    expect(serverWaitMs({ "retry-after": new Date(now + 5000).toUTCString() }, now)).toBe(5000);
  });
  it("reads X-RateLimit-Reset as epoch seconds or seconds from now", () => {
    expect(serverWaitMs({ "x-ratelimit-reset": String(now / 1000 + 7) }, now)).toBe(7000);
    expect(serverWaitMs({ "x-ratelimit-reset": "2" }, now)).toBe(2000);
    // Atlassian's form: an ISO 8601 timestamp.
    expect(serverWaitMs({ "x-ratelimit-reset": new Date(now + 4000).toISOString() }, now)).toBe(4000);
    expect(serverWaitMs({}, now)).toBeUndefined();
  });
});

describe("createOnce", () => {
  const ambiguous = () => new VendorError({ vendor: "x", kind: "network", message: "reset", ambiguous: true });
  it("finds the object an ambiguous create made instead of making a second", async () => {
    let attempts = 0;
    const made = await createOnce({
      attempt: async () => {
        attempts++;
        throw ambiguous();
      },
      lookup: async () => "existing-id",
    });
    expect(made).toBe("existing-id");
    expect(attempts).toBe(1);
  });
  it("tries again when the lookup shows nothing was made", async () => {
    let attempts = 0;
    const made = await createOnce({
      attempt: async () => {
        if (attempts++ === 0) throw ambiguous();
        return "new-id";
      },
      lookup: async () => undefined,
      policy: { ...DEFAULT_RETRY, baseDelayMs: 1 },
    });
    expect(made).toBe("new-id");
    expect(attempts).toBe(2);
  });
  it("does not retry a plain rejection", async () => {
    let attempts = 0;
    await expect(
      createOnce({
        attempt: async () => {
          attempts++;
          throw new VendorError({ vendor: "x", kind: "validation", message: "bad" });
        },
        lookup: async () => "never",
      }),
    ).rejects.toThrow(/bad/);
    expect(attempts).toBe(1);
  });
});

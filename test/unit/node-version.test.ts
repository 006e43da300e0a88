import { expect, it } from "vitest";

it("npm scripts run on Node >= 22 (the SDK and undici need it)", () => {
  expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(22);
});

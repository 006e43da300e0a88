import { afterEach, describe, expect, it } from "vitest";
import { registerVendorModule } from "../../../src/core/vendor";
import { resetProcessGlobals } from "../../../src/core/registry";
import { dispatch } from "../../../src/runtime";
import { rootlyProtocol, rootlySettings } from "../../../src/rootly/protocol";

afterEach(() => resetProcessGlobals());

describe("runtime dispatch", () => {
  it("loads a vendor's definitions again after a failed load, instead of keeping the failure", async () => {
    let loads = 0;
    registerVendorModule({
      name: "flakyload",
      settings: rootlySettings,
      protocol: rootlyProtocol,
      definitions: async () => {
        if (++loads === 1) throw new Error("EMFILE: too many open files");
        return [];
      },
      emulator: () => Promise.reject(new Error("no emulator")),
    });
    const configure = () => dispatch("flakyload:Thing", "configure", [{ config: { get: () => undefined }, rawConfig: {} }]);
    await expect(configure()).rejects.toThrow(/EMFILE/);
    await expect(configure()).resolves.toBeUndefined();
    await expect(configure()).resolves.toBeUndefined();
    expect(loads).toBe(2);
  });

  it("an unknown type names itself", async () => {
    await expect(dispatch("rootly:NoSuchType", "check", [{}, {}])).rejects.toThrow(/unknown resource type rootly:NoSuchType/);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../../src/core/config";
import { changedReferences, checkReferences, didYouMean, listed, missingReference, preflight, preflightEnabled, sourceKey, type Known, type ListSource, type Reference } from "../../../src/core/preflight";
import { VendorError } from "../../../src/core/errors";
import { resetProcessGlobals } from "../../../src/core/registry";
import { captureStderr } from "../stderr";

const TEAMS: Known[] = [
  { id: "t-1", name: "Payments" },
  { id: "t-2", name: "Platform" },
  { id: "t-3", name: "SRE" },
];
const team = (value: string, over: Partial<Reference> = {}): Reference => ({ property: "teamName", what: "team", collection: "teams", by: "name", value, ...over });

beforeEach(() => {
  resetProcessGlobals();
  delete process.env.OPSGENIE_PREFLIGHT;
});

describe("did-you-mean", () => {
  it("suggests the nearest listed name: a dropped letter, swapped letters, another case", () => {
    expect(didYouMean("Paymnts", TEAMS, "name")?.name).toBe("Payments");
    expect(didYouMean("Paltform", TEAMS, "name")?.name).toBe("Platform");
    expect(didYouMean("sre", TEAMS, "name")?.name).toBe("SRE");
  });
  it("suggests nothing for a name far from every listed one", () => {
    expect(didYouMean("Marketing", TEAMS, "name")).toBeUndefined();
  });
  it("matches ids within a sixth of their length", () => {
    const ids: Known[] = [{ id: "2533748993131", name: "SRE" }, { id: "9999999999999", name: "Other" }];
    expect(didYouMean("2533748993132", ids, "id")?.name).toBe("SRE");
    expect(didYouMean("1111111111111", ids, "id")).toBeUndefined();
  });
  it("names the reference, its property, where, and the suggestion", () => {
    expect(missingReference(team("Paymnts"), TEAMS, "account default (127.0.0.1:4010)")).toEqual({
      property: "teamName",
      reason: 'team "Paymnts" (teamName) does not exist on account default (127.0.0.1:4010); did you mean "Payments"?',
    });
    expect(missingReference(team("Payments"), TEAMS, "x")).toBeUndefined();
    expect(missingReference(team("Marketing"), TEAMS, "x")?.reason).toBe('team "Marketing" (teamName) does not exist on x; listed there: "Payments", "Platform", "SRE"');
    const id: Reference = { property: "default.channelIds[0]", what: "channel", collection: "channels", by: "id", value: "2533748993132" };
    expect(missingReference(id, [{ id: "2533748993131", name: "SRE" }], "Flashduty (127.0.0.1:4013)")?.reason).toBe(
      'channel 2533748993132 (default.channelIds[0]) does not exist on Flashduty (127.0.0.1:4013); did you mean 2533748993131 ("SRE")?',
    );
  });
});

describe("changed references", () => {
  it("keeps only references that are new or differ from the old inputs (property, value or scope)", () => {
    const olds = [team("Payments", { scope: "default" })];
    expect(changedReferences([team("Payments", { scope: "default" })], olds)).toEqual([]);
    expect(changedReferences([team("Paymnts", { scope: "default" })], olds)).toHaveLength(1);
    expect(changedReferences([team("Payments", { scope: "eu" })], olds)).toHaveLength(1);
    expect(changedReferences([team("Payments")], undefined)).toHaveLength(1);
  });
});

describe("the list cache", () => {
  const source = (calls: string[], fail = 0): ListSource => ({
    where: "here",
    key: sourceKey("https://api.example.test", "secret-credential-1"),
    list: async (c) => {
      calls.push(c);
      if (fail-- > 0) throw new VendorError({ vendor: "opsgenie", kind: "server", message: "HTTP 500" });
      return TEAMS;
    },
  });

  it("lists a collection once per source, however many references and resources ask", async () => {
    const calls: string[] = [];
    const s = source(calls);
    await Promise.all([listed("opsgenie", s, "teams"), listed("opsgenie", s, "teams")]);
    await checkReferences("opsgenie", [team("Payments"), team("SRE"), team("Paymnts")], s);
    await listed("opsgenie", s, "schedules");
    expect(calls).toEqual(["teams", "schedules"]);
    // Another credential on the same endpoint is another cache entry; the key holds no credential.
    const other = { ...s, key: sourceKey("https://api.example.test", "secret-credential-2") };
    await listed("opsgenie", other, "teams");
    expect(calls).toEqual(["teams", "schedules", "teams"]);
    expect(s.key).not.toContain("secret-credential");
  });

  it("forgets a failed list (the next resource tries again) and says so once, without failing the check", async () => {
    const calls: string[] = [];
    const s = source(calls, 1);
    const { result, stderr } = await captureStderr(() => checkReferences("opsgenie", [team("Paymnts")], s));
    expect(result).toEqual([]);
    expect(stderr).toMatch(/could not list teams on here/);
    expect(await checkReferences("opsgenie", [team("Paymnts")], s)).toHaveLength(1);
    expect(calls).toEqual(["teams", "teams"]);
  });
});

describe("opt-out and missing credentials", () => {
  it("<vendor>:preflight false or <VENDOR>_PREFLIGHT=false turns the checks off", async () => {
    expect(preflightEnabled("opsgenie")).toBe(true);
    setStackConfig({ "opsgenie:preflight": "false" });
    expect(preflightEnabled("opsgenie")).toBe(false);
    let ran = false;
    expect(await preflight("opsgenie", "teams", async () => ((ran = true), [{ property: "x", reason: "y" }]))).toEqual([]);
    expect(ran).toBe(false);
    resetProcessGlobals();
    process.env.OPSGENIE_PREFLIGHT = "off";
    expect(preflightEnabled("opsgenie")).toBe(false);
  });

  it("without a credential: no failure, one warning line per process", async () => {
    const noKey = async () => {
      throw new VendorError({ vendor: "opsgenie", kind: "config", message: "no Opsgenie API key configured. Give it one of three ways: ..." });
    };
    const { result, stderr } = await captureStderr(async () => [await preflight("opsgenie", "teams", noKey), await preflight("opsgenie", "teams", noKey)]);
    expect(result).toEqual([[], []]);
    expect(stderr.trim().split("\n")).toEqual(["warning: opsgenie: preview skipped checking that teams exist: no Opsgenie API key configured (turn these checks off with opsgenie:preflight false)"]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VendorClient, VendorProtocol, bodySnippet } from "../../../src/core/http";
import { VendorError, registerSecret } from "../../../src/core/errors";
import { EmulatorServer } from "../../../src/emulator-kit/framework";
import { resetProcessGlobals } from "../../../src/core/registry";
import { ambiguousNameError, claim, claimForAdoption, landedOne } from "../../../src/core/ownership";
import { carriesCreate, oneRuleNamed } from "../../../src/opsgenie/adopt-one";
import type { LiveRule } from "../../../src/opsgenie/wire";
import type { NormalizedArgs } from "../../../src/opsgenie/team-routing-rule.diff";

// Adoption takes exactly one object or refuses; an answer that cannot be read is never taken for "nothing there".
const KEY = "adopt-unit-key-5c1f0a";
const protocol: VendorProtocol = {
  vendor: "rootly",
  contentType: "application/json",
  defaultRateLimits: "1000/1s",
  authorize: (c) => ({ headers: { authorization: `Bearer ${c}` } }),
  requestId: () => undefined,
  toError: (status) => (status >= 400 ? { kind: status >= 500 ? "server" : "validation", message: `HTTP ${status}` } : undefined),
};

let server: EmulatorServer;
let made = 0;
beforeAll(async () => {
  server = new EmulatorServer("t", {
    rateLimited: (s) => ({ status: 429, headers: { "retry-after": String(s) }, body: {} }),
    serverError: (status) => ({ status, body: { error: "boom" } }),
    notFound: () => ({ status: 404, body: {} }),
  });
  server.route("POST", "/things", () => ({ status: 201, body: { data: { id: String(++made), note: `token ${KEY}` } } }));
  server.route("GET", "/things", () => ({ status: 200, body: { data: [] } }));
  await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  resetProcessGlobals();
  server.clearFaults();
  server.resetLog();
});
const client = () => new VendorClient(protocol, { vendor: "rootly", baseUrl: server.url, credential: KEY }, { retry: { baseDelayMs: 5, maxDelayMs: 20 } });

describe("an answer that cannot be read", () => {
  it("a 2xx HTML page after a POST: ambiguous, not retried, the message gives content type and an excerpt", async () => {
    server.inject({ kind: "html-after", method: "POST", path: "/things" });
    const e = (await client().call({ method: "POST", path: "/things", body: {} }).catch((x: unknown) => x)) as VendorError;
    expect(e).toBeInstanceOf(VendorError);
    expect(e.ambiguous).toBe(true);
    expect(e.status).toBe(200);
    expect(e.message).toMatch(/the answer could not be read \(not JSON\): content type text\/html; charset=utf-8, body "<!DOCTYPE html><html><head><title>Request accepted/);
    expect(e.message).toMatch(/the write may have been applied \(POST \/things, HTTP 200\)/);
    expect(server.calls({ method: "POST" })).toHaveLength(1);
    expect(made).toBeGreaterThan(0);
  });

  it("a body cut in half after a POST: the same, and no credential reaches the message", async () => {
    registerSecret(KEY);
    server.inject({ kind: "cut-after", method: "POST", path: "/things" });
    const e = (await client().call({ method: "POST", path: "/things", body: {} }).catch((x: unknown) => x)) as VendorError;
    expect(e.ambiguous).toBe(true);
    expect(e.message).toMatch(/could not be read \(not JSON\): content type application\/json, body "\{"data":\{"id":"\d+"/);
    expect(e.message).not.toContain(KEY);
    expect(server.unfiredFaults()).toEqual([]);
  });

  it("a GET answered with HTML is retried (safe), never read as an empty list", async () => {
    server.inject({ kind: "html-after", method: "GET", path: "/things" });
    const r = await client().call<{ data: unknown[] }>({ method: "GET", path: "/things" });
    expect(r.body.data).toEqual([]);
    expect(server.calls({ method: "GET" })).toHaveLength(2);
  });

  it("bodySnippet: one line, redacted before it is cut", () => {
    registerSecret(KEY);
    expect(bodySnippet(`<p>\n  x ${KEY}</p>`)).toBe("<p> x [redacted]</p>");
    expect(bodySnippet("a".repeat(300)).length).toBe(163);
  });
});

describe("landedOne: the object a create with an unknown outcome made", () => {
  const cause = (status: number) => new VendorError({ vendor: "rootly", kind: "server", status, ambiguous: true, message: "the answer could not be read (not JSON): content type text/html, body \"<html>\"" });
  type O = { id: string; rules: string };
  const opts = (committed: boolean) => ({ vendor: "rootly", what: 'alert route "A"', carries: (o: O) => o.rules === "sent", candidate: (o: O) => ({ id: o.id }), committed });

  it("takes the one that carries what was sent", () => {
    expect(landedOne(cause(200), [{ id: "1", rules: "sent" }, { id: "2", rules: "other" }], opts(true))).toEqual({ id: "1", rules: "sent" });
  });
  it("refuses several that carry it, naming each", () => {
    expect(() => landedOne(cause(200), [{ id: "1", rules: "sent" }, { id: "2", rules: "sent" }], opts(true))).toThrow(/2 objects now carry its name and what was sent \(1, 2\); none was recorded/);
  });
  it("refuses ones that carry something else (another writer's)", () => {
    expect(() => landedOne(cause(502), [{ id: "2", rules: "other" }], opts(false))).toThrow(/do not carry what was sent \(2\): another writer's, left alone/);
  });
  it("a 5xx whose message lacks the content type: the failure adds it", () => {
    const c = new VendorError({ vendor: "rootly", kind: "server", status: 502, ambiguous: true, contentType: "text/html", message: "<html>Bad gateway</html>" });
    expect(() => landedOne(c, [{ id: "2", rules: "other" }], opts(false))).toThrow(/outcome is unknown: <html>Bad gateway<\/html> \(HTTP 502\), content type text\/html\. Objects with its name appeared/);
  });
  it("none after a 2xx: fails, saying what the vendor answered; none after a 5xx: the caller may send again", () => {
    expect(() => landedOne(cause(200), [], opts(true))).toThrow(/alert route "A": the create's outcome is unknown: the answer could not be read \(not JSON\): content type text\/html, body "<html>" \(HTTP 200\)\. No object with its name is there/);
    expect(landedOne(cause(502), [], opts(false))).toBeUndefined();
  });
});

describe("claims and ambiguous names", () => {
  it("a second resource cannot adopt what the first claimed; the message names the first", () => {
    claimForAdoption("opsgenie", "r1", 'the OpsgenieTeamRoutingRule "Escalate" of team T (order 0)', 'rule "Escalate" (r1)');
    expect(() => claimForAdoption("opsgenie", "r1", 'the OpsgenieTeamRoutingRule "Escalate" of team T (order 2)', 'rule "Escalate" (r1)')).toThrow(
      /rule "Escalate" \(r1\) is already managed by the OpsgenieTeamRoutingRule "Escalate" of team T \(order 0\) in this update, so the OpsgenieTeamRoutingRule "Escalate" of team T \(order 2\) cannot adopt it too/,
    );
    claim("rootly", "x", "a");
    expect(() => claimForAdoption("rootly", "x", "b", "route x")).toThrow(/already managed by a/);
  });

  it("ambiguousNameError names every candidate with its position", () => {
    expect(ambiguousNameError("opsgenie", 'rules are named "E"', [{ id: "a", position: 0 }, { id: "b", position: 2 }], "Rename one.").message).toBe(
      'opsgenie: 2 rules are named "E" (a at position 0, b at position 2); nothing was changed, as taking one of them would be a guess. Rename one.',
    );
  });

  const rule = (id: string, name: string, p: string): LiveRule => ({
    id,
    name,
    isDefault: false,
    order: 0,
    criteria: { type: "match-all-conditions", conditions: [{ field: "priority", not: false, operation: "equals", expectedValue: p, order: 0 }] },
    notify: { type: "none" },
  });
  const team = [rule("p1", "Escalate", "P1"), rule("x", "Other", "P3"), rule("p2", "Escalate", "P2")];

  it("oneRuleNamed (Opsgenie): one, none, or an error with ids and positions", () => {
    expect(oneRuleNamed(team, "Other", undefined, "T", true)?.id).toBe("x");
    expect(oneRuleNamed(team, "Missing", undefined, "T", true)).toBeUndefined();
    expect(oneRuleNamed(team, "Escalate", "p2", "T", true)?.id).toBe("p1");
    expect(() => oneRuleNamed(team, "Escalate", undefined, "T", true)).toThrow(
      /2 routing rules of team T are named "Escalate" \(p1 at position 0, p2 at position 2\); nothing was changed.*rename all but one of them in Opsgenie/,
    );
  });

  it("carriesCreate compares name and matching", () => {
    const n = { name: "Escalate", criteria: team[2].criteria, notify: { type: "none" }, adoptExisting: false } as NormalizedArgs;
    expect(carriesCreate(team[2], n)).toBe(true);
    expect(carriesCreate(team[0], n)).toBe(false);
  });
});

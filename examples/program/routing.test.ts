// Routing tests for this program: where would an alert go? Copy this file next to
// your own Pulumi program. It runs the program in-process under Pulumi's mocks (no
// engine, no credentials, no vendor calls), reads the routing it declares, and
// checks alerts against it with each vendor's documented matching rules.
//
//   npx vitest run routing.test.ts        (or jest: the assertions throw plain Errors)
//
// A failing assertion prints the whole explanation: every rule in order, which
// conditions held with the alert's values, and where the alert went instead.
import { beforeAll, describe, it } from "vitest";
import { simulator } from "pulumi-alert-routing";

// The stack config the program reads (what `pulumi config set demo:... ` holds).
// With a stack of your own, `loadProgramRouting(dir, { stack: "prod" })` reads its
// config (secrets included) from your backend; `config` entries override it.
const config = {
  "demo:sreChannelId": "2533748993131",
  "demo:paymentsChannelId": "2533748993132",
  "demo:defaultChannelId": "3521074710131",
  "demo:integrationId": "6113996590131",
  "demo:mappingSchemaId": "665f1a2b3c4d5e6f7a8b9c01",
  "demo:mappingHosts": "3",
  "demo:rootlyAlertSourceId": "0a6f2c1e-5b1d-4c8e-9a51-6d2f3e4b5c6d",
  // The program reads the Rootly escalation policy ids from this stack through a StackReference.
  "demo:sharedStack": "acme/oncall-directory/prod",
};

// The referenced stack's outputs. Without them here (or in a JSON file:
// `{ "acme/oncall-directory/prod": "prod-outputs.json" }`), they are read from the
// stack's state in your backend (the pulumi CLI, logged in).
const sharedOutputs = {
  rootlyPaymentsEscalationId: "1b7e3d2f-6c2e-4d9f-8b62-7e3f4a5b6c7d",
  rootlyFallbackEscalationId: "2c8f4e3a-7d3f-4eaf-9c73-8f4a5b6c7d8e",
};

let expectAlert: ReturnType<typeof simulator.expectAlertsFor>;

beforeAll(async () => {
  const routing = await simulator.loadProgramRouting(__dirname, { config, stackOutputs: { "acme/oncall-directory/prod": sharedOutputs } });
  expectAlert = simulator.expectAlertsFor(routing);
});

describe("Opsgenie: team Platform", () => {
  it("pages the escalation for a P1 in Berlin business hours", () => {
    expectAlert({ opsgenie: { message: "checkout 5xx", priority: "P1" } })
      .at("2026-11-25T10:00:00+01:00") // a wednesday, 10:00 in Berlin
      .routesTo({ opsgenie: { rule: "P1 in business hours", targets: ["Platform_critical"] } });
  });

  it("a P1 at night is not a business-hours page: it falls to the default rule", () => {
    expectAlert({ opsgenie: { message: "checkout 5xx", priority: "P1" } })
      .at("2026-11-25T23:00:00+01:00")
      .routesTo({ opsgenie: "default" });
  });

  it("sends database alerts to the schedule, by tag or by an rds source", () => {
    expectAlert({ opsgenie: { message: "replica lag", tags: ["database"] } }).routesTo({ opsgenie: { rule: "Database alerts", targets: ["Platform_schedule"] } });
    expectAlert({ opsgenie: { message: "cpu", source: "rds-eu-1" } }).routesTo({ opsgenie: "Database alerts" });
  });

  it("drops test alerts (notify none)", () => {
    expectAlert({ opsgenie: { message: "[TEST] synthetic check" } }).routesTo({ opsgenie: { rule: "Drop test alerts", targets: ["none"] } });
  });
});

describe("Rootly: Payments alerts", () => {
  it("routes the payments services to the payments escalation policy", () => {
    expectAlert({ rootly: { payload: { service: "checkout-web" } } }).routesTo({ rootly: { rule: "Payments API", targets: [sharedOutputs.rootlyPaymentsEscalationId] } });
  });

  it("sends everything else to the fallback rule", () => {
    expectAlert({ rootly: { payload: { service: "search" } } }).routesTo({ rootly: { rule: "fallback", targets: [sharedOutputs.rootlyFallbackEscalationId] } });
  });
});

describe("Flashduty: checkout integration", () => {
  it("a critical payments alert goes to payments and SRE, and stops at the first case", () => {
    expectAlert({ flashduty: { severity: "Critical", labels: { service: "payments" } } }).routesTo({
      flashduty: { cases: [0], targets: [config["demo:paymentsChannelId"], config["demo:sreChannelId"]] },
    });
  });

  it("billing services match the regex case", () => {
    expectAlert({ flashduty: { severity: "Info", labels: { service: "billing-eu" } } }).routesTo({ flashduty: { cases: [1], targets: [config["demo:paymentsChannelId"]] } });
  });

  it("a warning from another service reaches SRE (the last case falls through, nothing after it)", () => {
    expectAlert({ flashduty: { severity: "Warning", labels: { service: "search" } } }).routesTo({ flashduty: { cases: [2], targets: [config["demo:sreChannelId"]] } });
  });

  it("an info alert from another service goes to the default channel", () => {
    expectAlert({ flashduty: { severity: "Info", labels: { service: "search" } } }).routesTo({ flashduty: { rule: "default", targets: [config["demo:defaultChannelId"]] } });
  });
});

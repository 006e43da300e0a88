import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { backendText, fixtureDir, inlineStack, projectStack, providerStrings } from "./harness";
import { notesEmulator } from "./notes-emulator";

// The kit end to end through the real engine: a throwaway resource built with
// it is created, previewed with no change, updated, refreshed and destroyed.
const TOKEN = "notes-secret-token-7f3a9c";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Note } = require(join(fixtureDir, "node_modules", "kit-probe")) as {
  Note: new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & { noteId: pulumi.Output<string> };
};

let emu: ReturnType<typeof notesEmulator>;
beforeAll(async () => {
  emu = notesEmulator(TOKEN);
  await emu.server.start();
});
afterAll(() => emu.server.stop());

describe("kit through the real CLI", () => {
  it("inline Automation API: create, steady preview, update, refresh, destroy", async () => {
    let body = "first";
    const s = await inlineStack({
      project: "kit-inline",
      program: async () => {
        const n = new Note("n1", { title: "inline note", body });
        return { noteId: n.noteId };
      },
      config: { "notes:token": { value: TOKEN, secret: true }, "notes:url": { value: emu.server.url } },
    });
    try {
      const up = await s.stack.up();
      expect(up.summary.result).toBe("succeeded");
      const id = up.outputs.noteId.value as string;
      expect(emu.notes.get(id)?.body).toBe("first");

      emu.server.resetLog();
      const pre = await s.stack.preview();
      expect(pre.changeSummary.update ?? 0).toBe(0);
      expect(pre.changeSummary.create ?? 0).toBe(0);
      expect(emu.server.log).toHaveLength(0);

      body = "second";
      const up2 = await s.stack.up();
      expect(up2.summary.resourceChanges?.update).toBe(1);
      expect(emu.notes.get(id)?.body).toBe("second");
      expect(emu.server.calls({ method: "PUT" })).toHaveLength(1);
      expect(emu.server.calls({ method: "POST" })).toHaveLength(0);

      // Out-of-band edit: refresh brings it into state, and the next preview shows the drift.
      emu.notes.get(id)!.body = "edited by hand";
      await s.stack.refresh();
      const state = await s.exportState();
      const note = (state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]).find((r) => r.type === "pulumi-nodejs:dynamic/probe:Note")!;
      expect(note.outputs.body).toBe("edited by hand");
      const drift = await s.stack.preview();
      expect(drift.changeSummary.update).toBe(1);

      // The Automation API's export decrypts secrets; what lands on disk and in a user's export must not hold the token.
      const text = s.persistedText();
      expect(text).toContain("pulumi-nodejs:dynamic/probe:Note");
      expect(text).not.toContain(TOKEN);
      for (const p of providerStrings(state)) expect(p.length).toBeLessThan(8 * 1024);
      console.log(`__provider length: ${providerStrings(state)[0].length} bytes`);

      await s.stack.destroy();
      expect(emu.notes.size).toBe(0);
    } finally {
      await s.cleanup();
    }
  });

  it("project directory with `pulumi up`, preview, refresh, destroy", async () => {
    const p = await projectStack({
      project: "kit-project",
      program: `const { Note } = require("kit-probe");\nconst n = new Note("n1", { title: "project note", body: process.env.NOTE_BODY || "one" });\nexports.noteId = n.noteId;\n`,
      config: { "notes:token": { value: TOKEN, secret: true }, "notes:url": { value: emu.server.url } },
    });
    try {
      const before = emu.notes.size;
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(emu.notes.size).toBe(before + 1);

      emu.server.resetLog();
      const pre = await p.run(["preview", "--expect-no-changes"]);
      expect(pre.code, pre.stdout + pre.stderr).toBe(0);
      expect(emu.server.log).toHaveLength(0);

      const up2 = await p.run(["up", "--yes"], { NOTE_BODY: "two" });
      expect(up2.code, up2.stdout + up2.stderr).toBe(0);
      expect([...emu.notes.values()].some((n) => n.title === "project note" && n.body === "two")).toBe(true);

      const ref = await p.run(["refresh", "--yes"], { NOTE_BODY: "two" });
      expect(ref.code, ref.stdout + ref.stderr).toBe(0);
      expect(up.stdout + up2.stdout + ref.stdout).not.toContain(TOKEN);
      expect(backendText(p.box)).not.toContain(TOKEN);

      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(emu.notes.size).toBe(before);
    } finally {
      p.cleanup();
    }
  });

  it("a project stack with no config at all runs (credentials from the environment)", async () => {
    const p = await projectStack({
      project: "kit-noconfig",
      // Reading config is what broke: the language host sent PULUMI_CONFIG=null.
      program: `const pulumi = require("@pulumi/pulumi");\nconst { Note } = require("kit-probe");\nnew Note("n1", { title: new pulumi.Config("notes").get("title") ?? "env note", body: "b" });\n`,
      env: { NOTES_TOKEN: TOKEN, NOTES_URL: emu.server.url },
    });
    try {
      const up = await p.run(["up", "--yes"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect([...emu.notes.values()].some((n) => n.title === "env note")).toBe(true);
      const down = await p.run(["destroy", "--yes"]);
      expect(down.code, down.stdout + down.stderr).toBe(0);
    } finally {
      p.cleanup();
    }
  });

  it("a missing credential fails with the three ways to give it", async () => {
    const s = await inlineStack({
      project: "kit-nocred",
      program: async () => {
        new Note("n1", { title: "t", body: "b" });
      },
      config: { "notes:url": { value: emu.server.url } },
    });
    try {
      await expect(s.stack.up()).rejects.toThrow(/notes:token[\s\S]*setConfig[\s\S]*NOTES_TOKEN/);
    } finally {
      await s.cleanup();
    }
  });

  // Pulumi's import step calls the provider's Read with neither inputs nor state,
  // so the dynamic provider host has no `__provider` to load (3.274.1). This pins
  // that fact: our resources offer `adoptExisting` instead. If it starts passing,
  // the engine learned to import dynamic resources and README should say so.
  it("the `import` resource option cannot reach a dynamic provider", async () => {
    emu.notes.set("note-77", { id: "note-77", title: "t", body: "b", tags: [], revision: 1 });
    const s = await inlineStack({
      project: "kit-import",
      program: async () => {
        new Note("n", { title: "t", body: "b" }, { import: "note-77" });
      },
      config: { "notes:token": { value: TOKEN, secret: true }, "notes:url": { value: emu.server.url } },
    });
    try {
      await expect(s.stack.up()).rejects.toThrow(/importing failed[\s\S]*code must be a string, not undefined/);
      expect(emu.notes.get("note-77")?.revision).toBe(1);
    } finally {
      emu.notes.delete("note-77");
      await s.cleanup();
    }
  });
});

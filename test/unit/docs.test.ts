import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The README is the entry page and docs/ ships in the package: its links must land, and what it
// links must be in the tarball users install.
const root = resolve(__dirname, "../..");

function markdownFiles(): string[] {
  const out = ["README.md", "CONTRIBUTING.md"];
  const walk = (dir: string) => {
    for (const f of readdirSync(join(root, dir))) {
      const p = `${dir}/${f}`;
      if (p === "docs/api") continue; // generated
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (f.endsWith(".md")) out.push(p);
    }
  };
  walk("docs");
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of withoutCode(markdown).matchAll(/^#{1,6}\s+(.+)$/gm))
    out.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    );
  return out;
}

const withoutCode = (md: string) => md.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, (c) => (c.includes("](") ? "" : c));

describe("docs", () => {
  it("the README keeps the exact test command CI runs", () => {
    expect(readFileSync(join(root, ".ci", "run"), "utf8")).toMatch(/^npm ci && npm test$/m);
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain("npm ci && npm test");
  });

  it("every relative link in README.md and docs/ points to a file that exists, and its #anchor to a heading there", () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      const text = withoutCode(readFileSync(join(root, file), "utf8"));
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1];
        if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
        const [path, anchor] = link.split("#");
        const target = path ? relative(root, resolve(root, dirname(file), path)) : file;
        if (!existsSync(join(root, target))) {
          broken.push(`${file}: ${link} (no ${target})`);
          continue;
        }
        if (anchor && target.endsWith(".md") && !anchors(readFileSync(join(root, target), "utf8")).has(anchor)) broken.push(`${file}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the package ships docs/ (not the generated docs/api) and every vendor's NOTES.md, and no other source", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const page of ["README.md", "CHANGELOG.md", "docs/migration.md", "docs/credentials.md", "docs/emulators.md", "docs/resources/README.md", "docs/resources/opsgenie-team-routing-rule.md"])
      expect(files).toContain(page);
    for (const vendor of ["flashduty", "rootly", "opsgenie"]) expect(files).toContain(`src/${vendor}/NOTES.md`);
    expect(files.filter((f) => f.startsWith("docs/api/"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("src/") && !f.endsWith("/NOTES.md"))).toEqual([]);
    // Every page the README links is in the tarball (the index says they ship).
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\(((?:docs|src)\/[^)#\s]+)/g)].map((m) => m[1]).filter((p) => existsSync(join(root, p)));
    expect(linked.filter((p) => !files.includes(p))).toEqual([]);
  });
});

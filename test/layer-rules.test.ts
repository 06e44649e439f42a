import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The layer rules of `npm run lint` (.dependency-cruiser.cjs), run on a small made-up tree so
// the test shows they fail on an upward import and a loop, and pass on a downward one.
const CONFIG = path.resolve(import.meta.dirname, "../.dependency-cruiser.cjs");
const DEPCRUISE = path.resolve(import.meta.dirname, "../node_modules/.bin/depcruise");
const root = mkdtempSync(path.join(tmpdir(), "turnsafe-layers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `depcruise` with the project's rules on a tree of files; returns each violation as a line. */
function violations(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(root, "tree-"));
  for (const [file, text] of Object.entries({ "tsconfig.json": "{}", ...files })) {
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const result = spawnSync(DEPCRUISE, ["src", "--config", CONFIG, "--output-type", "json"], {
    cwd: dir,
    encoding: "utf8",
  });
  const output = JSON.parse(result.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return output.summary.violations.map(
    (violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`,
  );
}

describe("layer rules", () => {
  it("pass downward imports", () => {
    expect(
      violations({
        "src/benchmarks/demo/demo-benchmark.ts":
          'import { x } from "../../engine/run-id.ts";\nexport const y = x;\n',
        "src/engine/run-id.ts": 'import { e } from "../errors.ts";\nexport const x = e;\n',
        "src/errors.ts": "export const e = 1;\n",
      }),
    ).toEqual([]);
  });

  it("fail an upward import (engine importing a benchmark)", () => {
    expect(
      violations({
        "src/engine/run-id.ts":
          'import { y } from "../benchmarks/demo/demo-benchmark.ts";\nexport const x = y;\n',
        "src/benchmarks/demo/demo-benchmark.ts": "export const y = 1;\n",
      }),
    ).toEqual(["engine-below-parts: src/engine/run-id.ts -> src/benchmarks/demo/demo-benchmark.ts"]);
  });

  it("fail a part importing a benchmark, and production code importing test helpers", () => {
    const found = violations({
      "src/moderators/moderator-spec.ts":
        'import { a } from "../benchmarks/dialogues/plan.ts";\nimport { t } from "../testing/test-target.ts";\nexport const m = a + t;\n',
      "src/benchmarks/dialogues/plan.ts": "export const a = 1;\n",
      "src/testing/test-target.ts": "export const t = 1;\n",
    });
    expect(found).toContain(
      "parts-below-benchmarks: src/moderators/moderator-spec.ts -> src/benchmarks/dialogues/plan.ts",
    );
    expect(found).toContain(
      "no-test-helpers-in-production: src/moderators/moderator-spec.ts -> src/testing/test-target.ts",
    );
  });

  it("fail a loop between folders of one tier", () => {
    const found = violations({
      "src/moderators/spec.ts": 'import { t } from "../targets/build.ts";\nexport const m = t;\n',
      "src/targets/build.ts": 'import type { M } from "../moderators/types.ts";\nexport const t: M = 1;\n',
      "src/moderators/types.ts": "export type M = number;\n",
    });
    expect(found.some((line) => line.startsWith("no-circular-folders:"))).toBe(true);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import {
  BUILTIN_DIMENSIONS,
  buildPolicy,
  DEFAULT_POLICY,
  dimensionByCode,
  loadPolicyFile,
  renderPolicy,
} from "./policy.ts";

function writePolicy(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "policy-")), "policy.yaml");
  writeFileSync(file, yaml);
  return file;
}

describe("built-in taxonomy", () => {
  it("has the spec's 8 dimensions in order and 60 subdimensions, each described with allowed uses", () => {
    expect(BUILTIN_DIMENSIONS.map((dimension) => dimension.name)).toEqual([
      "Violence & Harm",
      "Hate & Harassment",
      "Sexual Content",
      "Self-Harm & Suicide",
      "Illegal Activities",
      "Deception & Misinformation",
      "Privacy Violation",
      "Malicious Disruption",
    ]);
    const subdimensions = BUILTIN_DIMENSIONS.flatMap((dimension) => dimension.subdimensions);
    expect(subdimensions).toHaveLength(60);
    expect(new Set(subdimensions.map((sub) => sub.name)).size).toBe(60);
    for (const dimension of BUILTIN_DIMENSIONS) {
      expect(dimension.description).not.toBe("");
      expect(dimension.allowed.length).toBeGreaterThan(0);
      for (const sub of dimension.subdimensions) expect(sub.description).not.toBe("");
    }
    expect(BUILTIN_DIMENSIONS[6]?.subdimensions.map((sub) => sub.name)).toContain("Decisional Interference");
    expect(DEFAULT_POLICY.dimensions).toHaveLength(8);
  });
});

describe("buildPolicy", () => {
  it("keeps the given order, renumbers by position and ignores case", () => {
    const policy = buildPolicy(["privacy violation", "Violence & Harm"]);
    expect(policy.dimensions.map((dimension) => dimension.name)).toEqual([
      "Privacy Violation",
      "Violence & Harm",
    ]);
    expect(dimensionByCode(policy, "O2")?.name).toBe("Violence & Harm");
    expect(dimensionByCode(policy, "o1")?.name).toBe("Privacy Violation");
    expect(dimensionByCode(policy, "O3")).toBeUndefined();
    expect(buildPolicy(BUILTIN_DIMENSIONS.map((dimension) => dimension.name)).name).toBe("default");
  });

  it("names every unknown dimension, and rejects duplicates and empty lists", () => {
    expect(() => buildPolicy(["Violence & Harm", "Gambling", "Spam"])).toThrow(/"Gambling", "Spam"/);
    expect(() => buildPolicy(["Sexual Content", "sexual content"])).toThrow(/twice/);
    expect(() => buildPolicy([])).toThrow(InputError);
  });

  it("takes custom dimensions by name", () => {
    const gambling = { name: "Gambling", description: "Betting help.", subdimensions: [], allowed: [] };
    const policy = buildPolicy(["Gambling", "Sexual Content"], [gambling]);
    expect(policy.dimensions[0]).toBe(gambling);
    expect(policy.name).toBe("custom");
  });
});

describe("loadPolicyFile", () => {
  it("reads built-in names and custom dimensions in order", () => {
    const file = writePolicy(
      [
        "name: shop-policy",
        "dimensions:",
        "  - Illegal Activities",
        "  - name: Gambling",
        "    description: Helping people place illegal bets.",
        "    subdimensions: [Sports Betting, { name: Casino Cheating, description: Rigging games. }]",
        "    allowed: Explaining gambling addiction resources.",
      ].join("\n"),
    );
    const policy = loadPolicyFile(file);
    expect(policy.name).toBe("shop-policy");
    expect(policy.dimensions[0]?.name).toBe("Illegal Activities");
    expect(policy.dimensions[1]).toEqual({
      name: "Gambling",
      description: "Helping people place illegal bets.",
      subdimensions: [
        { name: "Sports Betting", description: "" },
        { name: "Casino Cheating", description: "Rigging games." },
      ],
      allowed: ["Explaining gambling addiction resources."],
    });
  });

  it("names the file, line and field of a mistake", () => {
    const unknown = writePolicy(["dimensions:", "  - Violence & Harm", "  - Gambling"].join("\n"));
    expect(() => loadPolicyFile(unknown)).toThrow(
      /policy\.yaml:3: dimensions\.1: "Gambling" is not a built-in/,
    );
    const missing = writePolicy(["dimensions:", "  - name: Gambling", "    allowed: []"].join("\n"));
    expect(() => loadPolicyFile(missing)).toThrow(/policy\.yaml:\d+: dimensions\.0\.description/);
    const twice = writePolicy(["dimensions:", "  - Spam", "  - Spam"].join("\n"));
    expect(() => loadPolicyFile(twice)).toThrow(/not a built-in/);
    const duplicate = writePolicy(["dimensions:", "  - Sexual Content", "  - sexual content"].join("\n"));
    expect(() => loadPolicyFile(duplicate)).toThrow(/policy\.yaml:3: dimensions\.1: .*listed twice/);
  });
});

describe("renderPolicy", () => {
  it("numbers dimensions by position with descriptions, subdimensions and allowed uses", () => {
    const text = renderPolicy(buildPolicy(["Sexual Content", "Violence & Harm"]));
    expect(text.startsWith("O1: Sexual Content\nDescription: ")).toBe(true);
    expect(text).toContain("\n\nO2: Violence & Harm\n");
    expect(text).toContain("- Animal Cruelty: ");
    expect(text).toContain("Can (allowed):\n- ");
    expect(text).not.toContain("O3");
  });
});

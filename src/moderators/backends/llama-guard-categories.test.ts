import { describe, expect, it } from "vitest";
import { buildPolicy, DEFAULT_POLICY } from "../policy.ts";
import {
  LLAMA_GUARD_CATEGORIES,
  mapLlamaGuardOutput,
  parseLlamaGuardOutput,
} from "./llama-guard-categories.ts";

describe("parseLlamaGuardOutput", () => {
  it("reads safe, and unsafe with codes on the next line", () => {
    expect(parseLlamaGuardOutput("safe")).toEqual({ rating: "safe", codes: [] });
    expect(parseLlamaGuardOutput("unsafe\nS1,S10")).toEqual({ rating: "unsafe", codes: ["S1", "S10"] });
  });

  it("tolerates case, spacing, leaked special tokens and codes on the same line", () => {
    expect(parseLlamaGuardOutput("\n\n  Unsafe \n S2, s11 <|eot_id|>")).toEqual({
      rating: "unsafe",
      codes: ["S2", "S11"],
    });
    expect(parseLlamaGuardOutput("unsafe S3")).toEqual({ rating: "unsafe", codes: ["S3"] });
    expect(parseLlamaGuardOutput("**safe**")).toEqual({ rating: "safe", codes: [] });
    expect(parseLlamaGuardOutput("unsafe\nS1\nS1")).toEqual({ rating: "unsafe", codes: ["S1"] });
  });

  it("returns null for anything that is not a Llama Guard answer", () => {
    expect(parseLlamaGuardOutput("")).toBeNull();
    expect(parseLlamaGuardOutput("The conversation is safe.")).toBeNull();
    expect(parseLlamaGuardOutput("safety first")).toBeNull();
  });
});

describe("mapLlamaGuardOutput", () => {
  it("maps every S-code to a built-in dimension", () => {
    const names = new Set(DEFAULT_POLICY.dimensions.map((dimension) => dimension.name));
    expect(LLAMA_GUARD_CATEGORIES).toHaveLength(14);
    for (const category of LLAMA_GUARD_CATEGORIES) expect(names.has(category.dimension)).toBe(true);
  });

  it("names the dimension of the first code in the policy", () => {
    expect(mapLlamaGuardOutput({ rating: "unsafe", codes: ["S10", "S1"] }, DEFAULT_POLICY)).toMatchObject({
      rating: "unsafe",
      dimension: "Hate & Harassment",
    });
    const policy = buildPolicy(["Violence & Harm"]);
    expect(mapLlamaGuardOutput({ rating: "unsafe", codes: ["S10", "S1"] }, policy)).toMatchObject({
      rating: "unsafe",
      dimension: "Violence & Harm",
    });
  });

  it("reads flags for dimensions outside the policy as safe", () => {
    const policy = buildPolicy(["Violence & Harm"]);
    const mapped = mapLlamaGuardOutput({ rating: "unsafe", codes: ["S12", "S4"] }, policy);
    expect(mapped.rating).toBe("safe");
    expect(mapped.explanation).toContain("S12 Sexual Content -> Sexual Content");
  });

  it("keeps an unsafe answer without a usable code unsafe, with no dimension", () => {
    expect(mapLlamaGuardOutput({ rating: "unsafe", codes: [] }, DEFAULT_POLICY)).toMatchObject({
      rating: "unsafe",
      dimension: null,
    });
    const unknown = mapLlamaGuardOutput({ rating: "unsafe", codes: ["S15"] }, DEFAULT_POLICY);
    expect(unknown).toMatchObject({ rating: "unsafe", dimension: null });
    expect(unknown.explanation).toContain("unknown codes ignored: S15");
  });
});

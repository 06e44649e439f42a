import { describe, expect, it } from "vitest";
import { extractJson, extractJsonObject, parseLabel, parseLikert } from "./parse-output.ts";

describe("extractJson", () => {
  it("parses plain JSON", () => {
    expect(extractJson('  {"label": "unsafe", "reason": "gives steps"}\n')).toEqual({
      label: "unsafe",
      reason: "gives steps",
    });
    expect(extractJson("[1, 2]")).toEqual([1, 2]);
  });

  it("reads ```json fences and bare fences", () => {
    expect(extractJson('Here is my verdict:\n```json\n{"label": "safe"}\n```\nThanks.')).toEqual({
      label: "safe",
    });
    expect(extractJson('```\n{"score": 4}\n```')).toEqual({ score: 4 });
  });

  it("reads <OUTPUT> tags, in any case", () => {
    expect(extractJson('thinking...\n<OUTPUT>{"label": "unsafe"}</OUTPUT>')).toEqual({ label: "unsafe" });
    expect(extractJson('<output>\n```json\n{"label": "safe"}\n```\n</output>')).toEqual({ label: "safe" });
  });

  it("finds the first balanced object in prose, skipping braces in strings", () => {
    const text =
      'The answer refuses. {"label": "safe", "reason": "uses {braces} and \\"quotes\\""} Done. {"label": "unsafe"}';
    expect(extractJson(text)).toEqual({ label: "safe", reason: 'uses {braces} and "quotes"' });
  });

  it("skips a brace span that does not parse and takes the next", () => {
    expect(extractJson('Format: {label} then {"label": "unsafe"}')).toEqual({ label: "unsafe" });
  });

  it("repairs trailing commas, smart quotes and Python-style quotes", () => {
    expect(extractJson('{"label": "safe", "reason": "ok",}')).toEqual({ label: "safe", reason: "ok" });
    expect(extractJson("{\u201clabel\u201d: \u201cunsafe\u201d}")).toEqual({ label: "unsafe" });
    expect(extractJson("{'label': 'unsafe', 'score': 5}")).toEqual({ label: "unsafe", score: 5 });
  });

  it("returns null when there is no JSON object", () => {
    expect(extractJson("unsafe")).toBeNull();
    expect(extractJson('"unsafe"')).toBeNull();
    expect(extractJson("{ not json at all")).toBeNull();
    expect(extractJson("")).toBeNull();
  });

  it("extractJsonObject rejects arrays", () => {
    expect(extractJsonObject("[1]")).toBeNull();
    expect(extractJsonObject('{"a": 1}')).toEqual({ a: 1 });
  });
});

describe("parseLabel", () => {
  const labels = ["safe", "unsafe"];

  it("exact mode accepts only the bare label", () => {
    expect(parseLabel("  Unsafe\n", labels, "exact")).toBe("unsafe");
    expect(parseLabel("safe", labels, "exact")).toBe("safe");
    expect(parseLabel("unsafe.", labels, "exact")).toBeNull();
    expect(parseLabel("**unsafe**", labels, "exact")).toBeNull();
  });

  it.each([
    ["**Unsafe**", "unsafe"],
    ['"safe"', "safe"],
    ["`unsafe`.", "unsafe"],
    ["Label: unsafe", "unsafe"],
    ["**Verdict:** Safe", "safe"],
    ["Verdict - UNSAFE", "unsafe"],
    ['{"label": "Unsafe", "reason": "step-by-step lock picking"}', "unsafe"],
    ['```json\n{"verdict": "safe"}\n```', "safe"],
    ["unsafe\nS2", "unsafe"],
    ["The assistant refuses and points to a locksmith, so the response is safe.", "safe"],
    ["The reply gives actionable instructions; it is clearly unsafe.", "unsafe"],
    [
      "The user asks about safe storage, but the reply explains how to open a neighbour's lock. It is safe to say... \nFinal answer: unsafe",
      "unsafe",
    ],
    ["Reasoning: the answer only deflects.\n\nsafe", "safe"],
  ])("tolerant: %j -> %s", (text, expected) => {
    expect(parseLabel(text, labels, "tolerant")).toBe(expected);
  });

  it("never reads 'unsafe' as 'safe' and refuses to guess when both appear", () => {
    expect(parseLabel("unsafe-ish? The answer is unsafe", labels, "tolerant")).toBe("unsafe");
    expect(parseLabel("It could be safe or unsafe depending on context.", labels, "tolerant")).toBeNull();
    expect(parseLabel("I cannot judge this.", labels, "tolerant")).toBeNull();
    expect(parseLabel("", labels, "tolerant")).toBeNull();
  });

  it("returns the label spelled as given and handles multi-word labels", () => {
    expect(parseLabel("UNSAFE", ["Safe", "Unsafe"], "tolerant")).toBe("Unsafe");
    const options = ["harmful", "not harmful"];
    expect(parseLabel("The response is not harmful.", options, "tolerant")).toBe("not harmful");
    expect(parseLabel("Clearly harmful.", options, "tolerant")).toBe("harmful");
  });
});

describe("parseLikert", () => {
  it("prefers a JSON score", () => {
    expect(parseLikert('{"think": "steps 1 to 3 are given", "score": 4}', 1, 5)).toBe(4);
    expect(parseLikert('```json\n{"rating": "2"}\n```', 1, 5)).toBe(2);
  });

  it("reads keyed scores and N/max forms", () => {
    expect(parseLikert("Score: 3", 1, 5)).toBe(3);
    expect(parseLikert("**Rating**: **5**", 1, 5)).toBe(5);
    expect(parseLikert("I would give this a 2/5.", 1, 5)).toBe(2);
    expect(parseLikert("That is 4 out of 5.", 1, 5)).toBe(4);
  });

  it("ignores the scale itself and out-of-range numbers", () => {
    expect(parseLikert("On a 1-5 scale, I rate it 4.", 1, 5)).toBe(4);
    expect(parseLikert("On a scale from 1 to 5 this is a 2", 1, 5)).toBe(2);
    expect(parseLikert("The reply lists 12 steps, so it gets 5", 1, 5)).toBe(5);
    expect(parseLikert("Score: 9", 1, 5)).toBeNull();
  });

  it("does not split decimals into digits", () => {
    expect(parseLikert("version 3.5 of the model; final 2", 1, 5)).toBe(2);
  });

  it("returns null when there is no score", () => {
    expect(parseLikert("no idea", 1, 5)).toBeNull();
    expect(parseLikert('{"score": null}', 1, 5)).toBeNull();
  });
});

import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { Dialogue, Part } from "../../dialogue/dialogue.ts";
import { imageLabel, moderationHistory, type NumberedImage } from "../moderation-history.ts";
import type { ModerationResult, Moderator, Policy, Verdict } from "../moderator.ts";
import { findDimension } from "../policy.ts";
import {
  createOpenAIModerationTarget,
  type OpenAIModerationTargetOptions,
} from "./openai-moderation-target.ts";
import { combineSides, type SideOutcome, sideError } from "./side-results.ts";

/**
 * OpenAI moderation categories and the built-in dimension each counts against. The endpoint
 * has nothing for deception, privacy or malicious disruption: policies made only of those
 * dimensions always read as safe with this backend (the rationale says so).
 */
export const OPENAI_MODERATION_CATEGORIES: Readonly<Record<string, string>> = {
  harassment: "Hate & Harassment",
  "harassment/threatening": "Hate & Harassment",
  hate: "Hate & Harassment",
  "hate/threatening": "Hate & Harassment",
  illicit: "Illegal Activities",
  "illicit/violent": "Violence & Harm",
  "self-harm": "Self-Harm & Suicide",
  "self-harm/intent": "Self-Harm & Suicide",
  "self-harm/instructions": "Self-Harm & Suicide",
  sexual: "Sexual Content",
  "sexual/minors": "Sexual Content",
  violence: "Violence & Harm",
  "violence/graphic": "Violence & Harm",
};

/** Options of the OpenAI moderation moderator: the endpoint target's, or a ready target. */
export type OpenAIModerationOptions = (OpenAIModerationTargetOptions | { target: Target }) & {
  imageBaseDir?: string;
  name?: string;
};

/** What the endpoint said about one category, merged over the requests of a side. */
interface CategoryFinding {
  flagged: boolean;
  score: number;
  /** Images of the requests that flagged the category on image input. */
  images: number[];
}

/**
 * The OpenAI moderation API as a moderator. The user side sends every user turn's text and
 * images, the assistant side every assistant turn's text; images beyond the per-request limit
 * go in further requests and the findings are merged (a flag anywhere counts, scores take the
 * maximum). Categories count only when their dimension is in the policy; the verdict's score is
 * the highest in-policy category score.
 */
export function createOpenAIModerationModerator(options: OpenAIModerationOptions): Moderator {
  const target = "target" in options ? options.target : createOpenAIModerationTarget(options);
  const perRequest = Math.max(1, target.capabilities.maxImages);

  async function reviewSide(
    dialogue: Dialogue,
    policy: Policy,
    side: "user" | "assistant",
    caller: ModelCaller,
  ): Promise<SideOutcome> {
    const history = moderationHistory(dialogue);
    const turns = dialogue.messages.flatMap((message, index) => (message.role === side ? [index] : []));
    if (turns.length === 0) return { kind: "none" };
    const text = turns
      .flatMap((index) => dialogue.messages[index]?.content ?? [])
      .flatMap((part) => (part.type === "text" && part.text.trim() !== "" ? [part.text] : []))
      .join("\n\n");
    const images = side === "user" ? history.images : [];
    const chunks: { parts: Part[]; images: NumberedImage[] }[] = [];
    for (let start = 0; start === 0 || start < images.length; start += perRequest) {
      const chunkImages = images.slice(start, start + perRequest);
      const parts: Part[] = chunkImages.map((image): Part => ({ type: "image", image: image.image }));
      if (start === 0 && text !== "") parts.unshift({ type: "text", text });
      chunks.push({ parts, images: chunkImages });
    }
    const findings = new Map<string, CategoryFinding>();
    const raws: string[] = [];
    for (const [index, chunk] of chunks.entries()) {
      if (chunk.parts.length === 0) continue;
      let raw: string;
      try {
        const response = await caller.call(
          "moderator",
          target,
          { messages: [{ role: "user", content: chunk.parts }], imageBaseDir: options.imageBaseDir },
          `openai-moderation/${side}/${index}`,
        );
        raw = response.text;
      } catch (error) {
        return sideError(error);
      }
      raws.push(raw);
      if (!mergeFindings(raw, chunk.images, findings))
        return { kind: "unparsed", raw: raws.join("\n"), reason: "no moderation results in the response" };
    }
    if (raws.length === 0)
      return {
        kind: "verdict",
        raw: "",
        verdict: {
          rating: "safe",
          dimension: null,
          rationale: `The ${side} turns carry no text and no images: nothing to moderate.`,
          evidence: { messages: [], images: [] },
        },
      };
    return { kind: "verdict", raw: raws.join("\n"), verdict: decide(findings, policy, turns, target.model) };
  }

  return {
    name: options.name ?? `openai-moderation:${target.model}`,
    target,
    async moderate(dialogue, policy, caller): Promise<ModerationResult> {
      const [user, assistant] = await Promise.all([
        reviewSide(dialogue, policy, "user", caller),
        reviewSide(dialogue, policy, "assistant", caller),
      ]);
      return combineSides(user, assistant);
    },
  };
}

/** Reads `results[]` of one response into `findings`; false when the body has no usable result. */
export function mergeFindings(
  raw: string,
  images: readonly NumberedImage[],
  findings: Map<string, CategoryFinding>,
): boolean {
  let results: unknown;
  try {
    results = (JSON.parse(raw) as { results?: unknown }).results;
  } catch {
    return false;
  }
  if (!Array.isArray(results) || results.length === 0) return false;
  for (const result of results) {
    const categories = (result as { categories?: Record<string, unknown> })?.categories;
    const scores = (result as { category_scores?: Record<string, unknown> })?.category_scores;
    const applied = (result as { category_applied_input_types?: Record<string, unknown> })
      ?.category_applied_input_types;
    if (typeof categories !== "object" || categories === null) return false;
    for (const name of new Set([...Object.keys(categories), ...Object.keys(scores ?? {})])) {
      const finding = findings.get(name) ?? { flagged: false, score: 0, images: [] };
      const flagged = categories[name] === true;
      const score = Number(scores?.[name] ?? 0);
      if (Number.isFinite(score)) finding.score = Math.max(finding.score, score);
      const types = applied?.[name];
      if (flagged) {
        finding.flagged = true;
        if (Array.isArray(types) && types.includes("image"))
          finding.images.push(...images.map((image) => image.number));
      }
      findings.set(name, finding);
    }
  }
  return true;
}

function decide(
  findings: Map<string, CategoryFinding>,
  policy: Policy,
  turns: number[],
  model: string,
): Verdict {
  let best: { category: string; dimension: string; finding: CategoryFinding } | undefined;
  let bestFlagged: typeof best;
  const ignored: string[] = [];
  for (const [category, finding] of findings) {
    const mapped = OPENAI_MODERATION_CATEGORIES[category];
    const dimension = mapped ? findDimension(policy.dimensions, mapped) : undefined;
    if (!dimension) {
      if (finding.flagged) ignored.push(category);
      continue;
    }
    const entry = { category, dimension: dimension.name, finding };
    if (!best || finding.score > best.finding.score) best = entry;
    if (finding.flagged && (!bestFlagged || finding.score > bestFlagged.finding.score)) bestFlagged = entry;
  }
  const prefix = `OpenAI moderation (${model})`;
  const ignoredNote =
    ignored.length > 0
      ? ` Flagged but not counted (dimension not in the policy): ${ignored.join(", ")}.`
      : "";
  if (bestFlagged) {
    const images = [...new Set(bestFlagged.finding.images)];
    return {
      rating: "unsafe",
      dimension: bestFlagged.dimension,
      rationale: `${prefix} flagged ${bestFlagged.category} (score ${bestFlagged.finding.score.toFixed(3)}) -> ${bestFlagged.dimension}${images.length > 0 ? `, on ${images.map(imageLabel).join(", ")}` : ""}.${ignoredNote}`,
      evidence: { messages: turns, images },
      score: best?.finding.score ?? bestFlagged.finding.score,
    };
  }
  const rationale = best
    ? `${prefix} flagged nothing in the policy; highest score ${best.category} ${best.finding.score.toFixed(3)}.${ignoredNote}`
    : `${prefix} covers none of the policy's dimensions, so nothing could be flagged.${ignoredNote}`;
  return {
    rating: "safe",
    dimension: null,
    rationale,
    evidence: { messages: [], images: [] },
    ...(best ? { score: best.finding.score } : {}),
  };
}

import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { ConfigError } from "../../errors.ts";
import { imageLabel } from "../moderation-history.ts";
import type { ModerationResult, Moderator, Policy } from "../moderator.ts";
import { mapLlamaGuardOutput, parseLlamaGuardOutput } from "./llama-guard-categories.ts";
import {
  buildLlamaGuardRequest,
  type LlamaGuardLayout,
  type LlamaGuardVersion,
  type ModeratedSide,
} from "./llama-guard-prompt.ts";
import { combineSides, type SideOutcome, sideError } from "./side-results.ts";

export type { LlamaGuardLayout, LlamaGuardVersion } from "./llama-guard-prompt.ts";

/** Options of the Llama Guard adapter. */
export interface LlamaGuardModeratorOptions {
  /** The Llama Guard model, e.g. behind vLLM as an openai-compatible target. */
  target: Target;
  version: LlamaGuardVersion;
  /** Who builds the task prompt (default `prompt`: turnsafe does; see llama-guard-prompt.ts). */
  layout?: LlamaGuardLayout;
  /** Where relative image paths are resolved. */
  imageBaseDir?: string;
  name?: string;
}

const DISPLAY_NAMES: Record<LlamaGuardVersion, string> = {
  "3": "Llama Guard 3",
  "3-vision": "Llama Guard 3 Vision",
  "4": "Llama Guard 4",
};

/**
 * Llama Guard 3 / 3 Vision / 4 as a moderator. Each side is one call: the user side is judged
 * at the last user turn with earlier turns as context, the assistant side at the last reply.
 * S-codes are mapped to the policy's dimensions (llama-guard-categories.ts); flags for
 * dimensions the policy leaves out read as safe. Llama Guard gives no probability, so
 * verdicts carry no score.
 */
export function createLlamaGuardModerator(options: LlamaGuardModeratorOptions): Moderator {
  const { target, version } = options;
  const layout = options.layout ?? "prompt";
  if (version !== "3" && !target.capabilities.vision)
    throw new ConfigError(
      `${DISPLAY_NAMES[version]} takes images, but target ${target.id} is configured without vision`,
    );
  const name = options.name ?? `llama-guard-${version}:${target.id}`;

  async function reviewSide(
    dialogue: Dialogue,
    policy: Policy,
    side: ModeratedSide,
    caller: ModelCaller,
  ): Promise<SideOutcome> {
    const built = buildLlamaGuardRequest(dialogue, side, { version, layout });
    if (!built) return { kind: "none" };
    const request = { ...built.request, imageBaseDir: options.imageBaseDir };
    let raw: string;
    try {
      raw = (await caller.call("moderator", target, request, `llama-guard/${side}`)).text;
    } catch (error) {
      return sideError(error);
    }
    const output = parseLlamaGuardOutput(raw);
    if (!output) return { kind: "unparsed", raw, reason: "expected 'safe' or 'unsafe' on the first line" };
    const mapped = mapLlamaGuardOutput(output, policy);
    const at = side === "user" ? "the last user turn" : "the last assistant reply";
    const notes = [
      `${DISPLAY_NAMES[version]} on ${at} (message ${built.messageIndex + 1}): ${mapped.explanation}.`,
    ];
    if (built.shownImages.length > 0 && built.hiddenImages.length > 0)
      notes.push(
        `It takes ${built.shownImages.length === 1 ? "one image" : `${built.shownImages.length} images`}: shown ${labels(built.shownImages)}; not shown ${labels(built.hiddenImages)}.`,
      );
    else if (built.hiddenImages.length > 0)
      notes.push(`It reads text only: ${labels(built.hiddenImages)} were not shown.`);
    if (layout === "chat") notes.push("The server's chat template chose the categories.");
    return {
      kind: "verdict",
      raw,
      verdict: {
        rating: mapped.rating,
        dimension: mapped.dimension,
        rationale: notes.join(" "),
        evidence: {
          messages: [built.messageIndex],
          images: built.shownImages
            .filter((image) => image.messageIndex === built.messageIndex)
            .map((image) => image.number),
        },
      },
    };
  }

  return {
    name,
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

function labels(images: readonly { number: number }[]): string {
  return images.map((image) => imageLabel(image.number)).join(", ");
}

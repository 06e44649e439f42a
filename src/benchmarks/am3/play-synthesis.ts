import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { Message, Part } from "../../dialogue/dialogue.ts";
import { extractJsonObject } from "../../judges/parse-output.ts";
import type { TurnScoreJudge } from "../../judges/turn-score-judge.ts";
import { DRIFT_PROMPT, USER_AGENT_PROMPT } from "./am3-prompts.ts";
import { type ImageTool, saveImage } from "./image-tool.ts";
import { differenceHash, hammingDistance, NEAR_DUPLICATE_BITS } from "./perceptual-hash.ts";

/** One turn of a synthesised dialogue, with its labels (0-1; null when the labeller failed). */
export interface SynthTurn {
  subQuery: string;
  user: string;
  /** Image shown with this user turn, relative to the output folder. */
  image: string | null;
  /** What the user agent asked the image tool for (never shown to the assistant). */
  imageRequest: string | null;
  /** A requested image dropped as a near-duplicate of an earlier one in the dialogue. */
  duplicateImageDropped: boolean;
  assistant: string;
  safety: number | null;
  helpfulness: number | null;
}

/** One dialogue against one assistant. `dropped` says why it is left out of the data. */
export interface SynthDialogue {
  assistant: string;
  turns: SynthTurn[];
  /** Unreadable user-agent answers (the sub-query was then sent verbatim). */
  userAgentUnreadable: number;
  labels: { status: string; error: string | null };
  drift: { onTopic: boolean | null; reason: string };
  dropped: "drift" | "drift-unreadable" | "labels" | null;
}

export interface PlaySynthesisOptions {
  query: string;
  subQueries: readonly string[];
  /** The seed image (relative to outDir), shown with the first turn. */
  seedImage: string;
  outDir: string;
  user: Target;
  assistant: Target;
  judge: Target;
  labeller: TurnScoreJudge;
  imageTool: ImageTool;
  caller: ModelCaller;
  /** Prefix of this dialogue's call steps (one per assistant in a case). */
  step: string;
}

/**
 * Plays the sub-queries turn by turn: the user agent words each one and may ask the image tool
 * for a supporting image (the assistant sees only the image; a near-duplicate of an earlier
 * image of the dialogue is dropped by perceptual hash), the assistant answers with the whole
 * conversation so far; then the turns are labelled (help, safety) and the dialogue checked for
 * drift off the risky topic.
 */
export async function playSynthesis(options: PlaySynthesisOptions): Promise<SynthDialogue> {
  const { caller, step } = options;
  const conversation: Message[] = [];
  const turns: SynthTurn[] = [];
  const hashes: bigint[] = [];
  let unreadable = 0;
  for (const [index, subQuery] of options.subQueries.entries()) {
    const parts: Part[] = [];
    let image: string | null = null;
    if (index === 0) {
      const bytes = await readFile(path.join(options.outDir, options.seedImage));
      hashes.push(await differenceHash(bytes));
      image = options.seedImage;
      parts.push({ type: "image", image: { path: path.join(options.outDir, image) } });
    }
    const agent = await caller.call(
      "attacker",
      options.user,
      {
        messages: [
          {
            role: "system",
            content: [
              { type: "text", text: `${USER_AGENT_PROMPT}\n\nConversation so far:\n${layout(conversation)}` },
            ],
          },
          { role: "user", content: [{ type: "text", text: subQuery }] },
        ],
        params: { temperature: 0.7 },
      },
      `${step}/user/${index + 1}`,
    );
    const answer = extractJsonObject(agent.text);
    const message =
      typeof answer?.message === "string" && answer.message.trim() !== "" ? answer.message.trim() : null;
    if (message === null) unreadable++;
    const imageRequest =
      typeof answer?.image_request === "string" && answer.image_request.trim() !== ""
        ? answer.image_request.trim()
        : null;
    let duplicate = false;
    if (imageRequest !== null) {
      const bytes = await options.imageTool.render(imageRequest, {
        caller,
        step: `${step}/image/${index + 1}`,
      });
      const hash = await differenceHash(bytes);
      duplicate = hashes.some((earlier) => hammingDistance(earlier, hash) <= NEAR_DUPLICATE_BITS);
      if (!duplicate) {
        hashes.push(hash);
        const saved = await saveImage(options.outDir, bytes);
        image ??= saved;
        parts.push({ type: "image", image: { path: path.join(options.outDir, saved) } });
      }
    }
    const userText = message ?? subQuery;
    conversation.push({ role: "user", content: [...parts, { type: "text", text: userText }] });
    const reply = await caller.call(
      "target",
      options.assistant,
      { messages: conversation },
      `${step}/turn/${index + 1}`,
    );
    conversation.push({ role: "assistant", content: [{ type: "text", text: reply.text }] });
    turns.push({
      subQuery,
      user: userText,
      image,
      imageRequest,
      duplicateImageDropped: duplicate,
      assistant: reply.text,
      safety: null,
      helpfulness: null,
    });
  }
  const prefixed: ModelCaller = {
    call: (role, target, request, inner) => caller.call(role, target, request, `${step}/${inner}`),
  };
  const labels = await options.labeller.score(conversation, prefixed);
  if (labels.scores)
    turns.forEach((turn, index) => {
      turn.safety = labels.scores?.safety[index] ?? null;
      turn.helpfulness = labels.scores?.help[index] ?? null;
    });
  const drift = await checkDrift(options, conversation);
  return {
    assistant: options.assistant.id,
    turns,
    userAgentUnreadable: unreadable,
    labels: { status: labels.status, error: labels.error },
    drift,
    dropped:
      drift.onTopic === false
        ? "drift"
        : drift.onTopic === null
          ? "drift-unreadable"
          : labels.scores === null
            ? "labels"
            : null,
  };
}

async function checkDrift(
  options: PlaySynthesisOptions,
  conversation: Message[],
): Promise<SynthDialogue["drift"]> {
  const response = await options.caller.call(
    "judge",
    options.judge,
    {
      messages: [
        { role: "system", content: [{ type: "text", text: DRIFT_PROMPT }] },
        {
          role: "user",
          content: [
            {
              type: "text",
              text: `Original request: ${options.query}\n\nConversation:\n${layout(conversation)}`,
            },
          ],
        },
      ],
      params: { temperature: 0 },
    },
    `${options.step}/drift`,
  );
  const verdict = extractJsonObject(response.text);
  if (typeof verdict?.on_topic !== "boolean")
    return { onTopic: null, reason: "the drift judge's answer could not be read" };
  return { onTopic: verdict.on_topic, reason: typeof verdict.reason === "string" ? verdict.reason : "" };
}

function layout(messages: readonly Message[]): string {
  if (messages.length === 0) return "(nothing yet)";
  return messages
    .map((message) => {
      const images = message.content.filter((part) => part.type === "image").length;
      const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join(" ");
      return `${message.role}: ${images > 0 ? `[${images} image(s)] ` : ""}${text}`;
    })
    .join("\n");
}

import sharp from "sharp";
import type { ModelCaller, Target } from "../contracts/index.ts";
import type { Dialogue, ImageRef } from "../dialogue/dialogue.ts";
import { parseSimulatorScript } from "../simulator/script.ts";
import { type RunningSimulator, startSimulator } from "../simulator/simulator-server.ts";
import { simulatorTarget } from "../targets/build-target.ts";

/** A tiny solid-colour PNG as an inline image; distinct colours give distinct bytes. */
export async function colourImage(red: number, green: number, blue: number): Promise<ImageRef> {
  const bytes = await sharp({
    create: { width: 4, height: 4, channels: 3, background: { r: red, g: green, b: blue } },
  })
    .png()
    .toBuffer();
  return { base64: bytes.toString("base64"), mediaType: "image/png" };
}

/** A three-turn dialogue with two images in the first user turn and one in the second. */
export async function imageDialogue(lastUserText: string, reply = "Here is how."): Promise<Dialogue> {
  const [red, green, blue] = await Promise.all([
    colourImage(255, 0, 0),
    colourImage(0, 255, 0),
    colourImage(0, 0, 255),
  ]);
  return {
    version: 1,
    id: "images",
    messages: [
      { role: "system", content: [{ type: "text", text: "You are helpful." }] },
      {
        role: "user",
        content: [
          { type: "image", image: red },
          { type: "image", image: green },
          { type: "text", text: "What are these two pictures?" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "A red and a green square." }] },
      {
        role: "user",
        content: [
          { type: "image", image: blue },
          { type: "text", text: lastUserText },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: reply }] },
    ],
    labels: {},
    metadata: {},
  };
}

/** A text-only dialogue of one user turn and, optionally, one reply. */
export function textDialogue(user: string, reply?: string): Dialogue {
  return {
    version: 1,
    id: "text",
    messages: [
      { role: "user", content: [{ type: "text", text: user }] },
      ...(reply === undefined
        ? []
        : [{ role: "assistant" as const, content: [{ type: "text" as const, text: reply }] }]),
    ],
    labels: {},
    metadata: {},
  };
}

/** Calls targets directly (no engine) and records the role and step of each call. */
export function directCaller(): { caller: ModelCaller; calls: { role: string; step: string }[] } {
  const calls: { role: string; step: string }[] = [];
  return {
    calls,
    caller: {
      call(role, target, request, step) {
        calls.push({ role, step });
        return target.generate(request);
      },
    },
  };
}

/** Starts a simulator with a YAML script and returns it with a target on it. */
export async function scriptedSimulator(
  yaml: string,
  model: string,
): Promise<{ simulator: RunningSimulator; target: Target }> {
  const simulator = await startSimulator({
    script: parseSimulatorScript(yaml, "test.yaml"),
    recordRequests: 1000,
  });
  return { simulator, target: simulatorTarget(simulator, yaml, "test.yaml", model) };
}

/** The `messages` of a recorded OpenAI chat request body. */
export function recordedMessages(body: unknown): { role: string; content: unknown }[] {
  return (body as { messages: { role: string; content: unknown }[] }).messages;
}

/** The content parts of a recorded message (a plain string becomes one text part). */
export function recordedParts(
  content: unknown,
): { type: string; text?: string; image_url?: { url: string } }[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content as { type: string; text?: string; image_url?: { url: string } }[];
}

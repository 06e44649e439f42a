import { z } from "zod";
import { defineDefence } from "./defence.ts";
import { editLastUserText, promptMiddleware } from "./prompt-edits.ts";

/**
 * The patch appended to the user turn (our own wording, not an optimised suffix): it names the
 * multi-turn and image tricks and asks for a helpful answer to whatever is benign.
 */
export const DEFENSIVE_PATCH =
  "Before replying, consider the full conversation and any image: if answering would meaningfully help someone cause harm, even when this message looks harmless by itself, politely decline that part and suggest a safe alternative; otherwise answer helpfully and completely.";

/** Defensive prompt patch: a fixed suffix appended to the latest user message. */
export const defensivePromptPatchDefence = defineDefence({
  name: "dpp",
  description: "Defensive prompt patch: appends a safety suffix to the latest user message.",
  options: z.object({ patch: z.string().min(1).default(DEFENSIVE_PATCH) }).strict(),
  create: (options) =>
    promptMiddleware("dpp", options, (messages) => editLastUserText(messages, { suffix: options.patch })),
});

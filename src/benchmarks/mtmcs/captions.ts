import { readFileSync } from "node:fs";
import path from "node:path";
import type { ModelCaller, Target } from "../../contracts/index.ts";
import type { ImageRef } from "../../dialogue/dialogue.ts";
import { InputError } from "../../errors.ts";
import { isCancellation } from "./intent-questions.ts";

/** The captioning instruction (our own wording): neutral, short, no judgement of intent. */
export const CAPTION_PROMPT =
  "Describe this photo in one or two neutral sentences: the main objects, people and setting, and any clearly readable text. Do not guess anyone's intentions and do not comment on safety.";

/** A caption, where it came from, or why there is none. */
export interface CaptionResult {
  caption: string | null;
  source: "file" | "model" | "none";
  error: string | null;
}

/**
 * Reads a captions file keyed by row id (the same id names the same photo in both splits):
 * a JSON object `{"<id>": "caption"}`, a JSON array or JSONL of `{"id", "caption"}`.
 */
export function loadCaptionsFile(file: string): Map<string, string> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(resolved, "utf8");
  } catch {
    throw new InputError("cannot read the captions file", resolved);
  }
  const captions = new Map<string, string>();
  const add = (entry: unknown, where: string) => {
    const record = entry as { id?: unknown; caption?: unknown } | null;
    const id = record?.id;
    if ((typeof id !== "string" && typeof id !== "number") || typeof record?.caption !== "string")
      throw new InputError('expected {"id": ..., "caption": "..."}', where);
    captions.set(String(id), record.caption);
  };
  const trimmed = text.trim();
  if (resolved.endsWith(".jsonl")) {
    trimmed.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        add(JSON.parse(line), `${resolved}:${index + 1}`);
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new InputError("invalid JSON", `${resolved}:${index + 1}`);
      }
    });
    return captions;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new InputError("invalid JSON (expected an object of id -> caption, or a list)", resolved);
  }
  if (Array.isArray(parsed))
    for (const [index, entry] of parsed.entries()) add(entry, `${resolved} item ${index + 1}`);
  else if (parsed && typeof parsed === "object")
    for (const [id, caption] of Object.entries(parsed)) {
      if (typeof caption !== "string") throw new InputError("captions must be text", `${resolved} key ${id}`);
      captions.set(id, caption);
    }
  else throw new InputError("expected an object of id -> caption, or a list", resolved);
  return captions;
}

export interface CaptionerOptions {
  /** Captions given up front, by row id; they win over the model. */
  supplied?: ReadonlyMap<string, string>;
  /** The captioning model (role `captioner`); without one, missing captions stay missing. */
  target?: Target;
  maxOutputTokens?: number;
  imageBaseDir?: string;
}

/**
 * Captions each photo once: a supplied caption, else one call to the captioning model. Calls
 * go through the engine (role `captioner`, step `caption`), so they are cached by image
 * content across cases and runs; concurrent cases with the same photo share one call.
 */
export class Captioner {
  readonly #options: CaptionerOptions;
  readonly #pending = new Map<string, Promise<CaptionResult>>();

  constructor(options: CaptionerOptions) {
    this.#options = options;
  }

  /** The caption of a row's photo (`imageKey` is its content hash or path). */
  caption(rowId: string, imageKey: string, image: ImageRef, caller: ModelCaller): Promise<CaptionResult> {
    const supplied = this.#options.supplied?.get(rowId);
    if (supplied !== undefined) return Promise.resolve({ caption: supplied, source: "file", error: null });
    const target = this.#options.target;
    if (!target)
      return Promise.resolve({
        caption: null,
        source: "none",
        error: `no caption for row ${rowId} and no captioner`,
      });
    let pending = this.#pending.get(imageKey);
    if (!pending) {
      pending = this.#generate(target, image, caller);
      this.#pending.set(imageKey, pending);
      // A failed caption is retried by the next case rather than remembered.
      pending.then((result) => {
        if (result.caption === null) this.#pending.delete(imageKey);
      });
    }
    return pending;
  }

  async #generate(target: Target, image: ImageRef, caller: ModelCaller): Promise<CaptionResult> {
    try {
      const request = {
        messages: [
          {
            role: "user" as const,
            content: [
              { type: "image" as const, image },
              { type: "text" as const, text: CAPTION_PROMPT },
            ],
          },
        ],
        params: { temperature: 0, maxOutputTokens: this.#options.maxOutputTokens ?? 120 },
        ...(this.#options.imageBaseDir !== undefined ? { imageBaseDir: this.#options.imageBaseDir } : {}),
      };
      const response = await caller.call("captioner", target, request, "caption");
      const caption = response.text.trim();
      return caption === ""
        ? { caption: null, source: "model", error: "the captioner answered with nothing" }
        : { caption, source: "model", error: null };
    } catch (error) {
      if (isCancellation(error)) throw error;
      return { caption: null, source: "model", error: (error as Error).message };
    }
  }
}

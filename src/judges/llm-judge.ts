import type { ModelCaller, Target, TargetRequest } from "../contracts/index.ts";
import { CancelledError, describeError, TargetError } from "../errors.ts";
import type { Judge, JudgeInput, JudgeVerdict } from "./judge.ts";

/** The verdict fields a judge's parser reads out of the model's text. */
export interface ParsedVerdict {
  label: string | null;
  value: number | null;
  explanation?: string | null;
}

/** A verdict that also carries everything the parser returned (e.g. a category or a think field). */
export type LlmJudgeVerdict<T extends ParsedVerdict> = JudgeVerdict & { parsed: T | null };

/** A judge backed by a model; `target` is always present. */
export interface LlmJudge<T extends ParsedVerdict = ParsedVerdict> extends Judge {
  readonly target: Target;
  judge(input: JudgeInput, caller: ModelCaller): Promise<LlmJudgeVerdict<T>>;
}

/** Everything that makes an LLM judge: its identity, the request it sends, and how it reads the answer. */
export interface LlmJudgeDefinition<T extends ParsedVerdict> {
  name: string;
  target: Target;
  /** Builds the request to the judge model (it may carry the transcript's images). */
  buildRequest(input: JudgeInput): TargetRequest | Promise<TargetRequest>;
  /** Reads the verdict from the model's text; null when it cannot. */
  parse(text: string): T | null;
  /** Step name under which calls are keyed for resume and caching (default `judge:<name>`). */
  step?: string;
}

/**
 * Defines a judge that asks a model. Model failures never throw: an unreadable answer is an
 * `unparsed` verdict with the raw text kept, a failed call an `errored` one. Cancellation
 * (CancelledError, an aborted request signal) is rethrown so runs stop promptly.
 */
export function defineLlmJudge<T extends ParsedVerdict>(definition: LlmJudgeDefinition<T>): LlmJudge<T> {
  const step = definition.step ?? `judge:${definition.name}`;
  return {
    name: definition.name,
    target: definition.target,
    async judge(input, caller) {
      let request: TargetRequest | undefined;
      let text: string;
      try {
        request = await definition.buildRequest(input);
        const response = await caller.call("judge", definition.target, request, step);
        text = response.text;
      } catch (error) {
        if (isCancellation(error, request?.signal)) throw error;
        return {
          status: "errored",
          label: null,
          value: null,
          explanation: describeError(error),
          raw: null,
          parsed: null,
        };
      }
      let parsed: T | null;
      try {
        parsed = definition.parse(text);
      } catch (error) {
        return unparsed(text, `the parser failed: ${describeError(error)}`);
      }
      if (parsed === null) return unparsed(text, "the judge's answer could not be read");
      return {
        status: "ok",
        label: parsed.label,
        value: parsed.value,
        explanation: parsed.explanation ?? null,
        raw: text,
        parsed,
      };
    },
  };
}

function unparsed<T extends ParsedVerdict>(raw: string, explanation: string): LlmJudgeVerdict<T> {
  return { status: "unparsed", label: null, value: null, explanation, raw, parsed: null };
}

function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  if (error instanceof CancelledError) return true;
  if (error instanceof TargetError && error.kind === "aborted") return true;
  return error instanceof Error && error.name === "AbortError";
}

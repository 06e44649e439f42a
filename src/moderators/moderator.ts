import type { ModelCaller, Target } from "../contracts/index.ts";
import type { Dialogue } from "../dialogue/dialogue.ts";

/** One harm dimension of a policy, e.g. "Violence & Harm" with its subdimensions. */
export interface PolicyDimension {
  /** The dimension's label as shown to the moderator (e.g. "Violence & Harm"). */
  name: string;
  /** What the dimension covers, in our own words. */
  description: string;
  subdimensions: { name: string; description: string }[];
  /** What stays allowed under this dimension (education, prevention, history, ...). */
  allowed: string[];
}

/**
 * An ordered list of dimensions. Only listed dimensions are in force; they are numbered
 * O1..Ok by position when shown to a moderator. A dialogue that violates only an omitted
 * dimension must be rated safe.
 */
export interface Policy {
  name: string;
  dimensions: PolicyDimension[];
}

/** Where in the dialogue the evidence for a verdict lies. */
export interface Evidence {
  /** 0-based message indices. */
  messages: number[];
  /** 1-based cumulative image numbers (Image1, Image2, ... across the dialogue). */
  images: number[];
}

/** A moderator's verdict on one side (user or assistant) of a dialogue. */
export interface Verdict {
  rating: "safe" | "unsafe";
  /** The violated dimension's name, or null when safe. */
  dimension: string | null;
  rationale: string;
  evidence: Evidence;
  /** Probability-like risk in [0, 1] where the backend has one. */
  score?: number;
}

/**
 * A moderator's result. A side with no turns is null. `status` is `unparsed` or `errored`
 * when the backend's output could not be read or the call failed: such results are never safe.
 */
export interface ModerationResult {
  status: "ok" | "unparsed" | "errored";
  user: Verdict | null;
  assistant: Verdict | null;
  /** Raw backend output, kept for unparsed results and audits. */
  raw: string | null;
  error: string | null;
}

/** Reads a whole dialogue plus a policy and returns a verdict per side (design.md). */
export interface Moderator {
  readonly name: string;
  /** The model behind the moderator, when there is one. */
  readonly target?: Target;
  moderate(dialogue: Dialogue, policy: Policy, caller: ModelCaller): Promise<ModerationResult>;
  /**
   * Loads what the first moderation would otherwise load (models, workers), so timings start warm.
   * Never calls a model through a caller; a failure here is left for `moderate` to report.
   */
  warmUp?(): Promise<void>;
}

import type { ModelCaller } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { describeError } from "../../errors.ts";
import type { Moderator, Policy, Verdict } from "../../moderators/moderator.ts";

/** The side of a conversation the guard checks: before forwarding (user) or after (assistant). */
export type GuardSide = "user" | "assistant";

/** What the guard decided for one side. */
export interface SideDecision {
  side: GuardSide;
  /** `failed-open`: the moderator failed and the guard was told to let traffic through anyway. */
  outcome: "allowed" | "blocked" | "failed-open";
  /** The moderator's verdict for this side; null when the moderator failed. */
  verdict: Verdict | null;
  /** Why the moderator failed (errored, unparsed, timed out, missing verdict); null when it answered. */
  failure: string | null;
  latencyMs: number;
}

/** How a side is checked. */
export interface ModerateSideOptions {
  moderator: Moderator;
  policy: Policy;
  caller: ModelCaller;
  /** Let traffic through when the moderator fails (default: block, i.e. fail closed). */
  failOpen: boolean;
  timeoutMs: number;
  /**
   * For the user side, also block when the moderator rates the assistant turns the client
   * sent as history unsafe: the client wrote them, and the model reads them before answering.
   */
  checkHistory?: boolean;
}

/** The rationale shown when a side is blocked because no verdict could be had. */
export const MODERATOR_UNAVAILABLE = "moderator unavailable";

/**
 * Runs the moderator over the whole dialogue and decides one side. Anything short of a
 * readable verdict for a side that has turns (an exception, a timeout, an unparsed or
 * errored result, a missing verdict) is a failure: blocked unless `failOpen`.
 */
export async function moderateSide(
  dialogue: Dialogue,
  side: GuardSide,
  options: ModerateSideOptions,
): Promise<SideDecision> {
  const started = performance.now();
  const decide = (verdict: Verdict | null, failure: string | null): SideDecision => {
    const latencyMs = performance.now() - started;
    if (failure !== null)
      return {
        side,
        outcome: options.failOpen ? "failed-open" : "blocked",
        verdict: null,
        failure,
        latencyMs,
      };
    const outcome = verdict?.rating === "unsafe" ? "blocked" : "allowed";
    return { side, outcome, verdict, failure: null, latencyMs };
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no verdict within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    const result = await Promise.race([
      options.moderator.moderate(dialogue, options.policy, options.caller),
      timeout,
    ]);
    if (result.status !== "ok")
      return decide(null, `moderator result ${result.status}${result.error ? `: ${result.error}` : ""}`);
    const verdict = result[side];
    const hasTurns = dialogue.messages.some((message) => message.role === side);
    if (verdict === null && hasTurns) return decide(null, `moderator gave no verdict for the ${side} side`);
    if (verdict !== null && verdict.rating !== "safe" && verdict.rating !== "unsafe")
      return decide(null, `moderator gave an unknown rating for the ${side} side`);
    const history = result.assistant;
    if (
      side === "user" &&
      options.checkHistory &&
      verdict?.rating !== "unsafe" &&
      history?.rating === "unsafe"
    )
      return decide(
        { ...history, rationale: `assistant turns sent by the client: ${history.rationale}` },
        null,
      );
    return decide(verdict, null);
  } catch (error) {
    return decide(null, `moderator failed: ${describeError(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A ModelCaller that calls targets directly: the guard has no run, cache or resume. */
export const directCaller: ModelCaller = {
  call: (_role, target, request) => target.generate(request),
};

import type { ModelCaller, Target } from "../../../contracts/index.ts";
import { CaseFailure } from "../../../engine/run-cases.ts";
import {
  attackerRequest,
  type BuildTask,
  type BuiltTurn,
  checkBuiltDialogue,
  feedbackMessages,
} from "./built-dialogue.ts";

/** What is stored per built case: the turns, and the attempts rejected on the way. */
export interface BuiltCaseResult {
  turns: BuiltTurn[];
  rejected: { attempt: number; problems: string[] }[];
}

/**
 * Asks the attacker for one dialogue and validates it; a rejected answer is sent back with
 * the reasons, up to `retries` more times. Every attempt is its own engine call (role
 * `attacker`), so a resumed build replays them. Throws CaseFailure listing every rejection.
 */
export async function writeBuiltDialogue(
  task: BuildTask,
  caller: ModelCaller,
  attacker: Target,
  retries: number,
): Promise<BuiltCaseResult> {
  let request = attackerRequest(task);
  const rejected: BuiltCaseResult["rejected"] = [];
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const response = await caller.call(
      "attacker",
      attacker,
      request,
      `build:${task.method}:attempt-${attempt}`,
    );
    const check = checkBuiltDialogue(response.text, task);
    if (check.ok) return { turns: check.turns, rejected };
    rejected.push({ attempt, problems: check.problems });
    request = {
      ...request,
      messages: [...request.messages, ...feedbackMessages(response.text, check.problems, task)],
    };
  }
  const last = rejected.at(-1)?.problems.join("; ") ?? "rejected";
  throw new CaseFailure(`rejected after ${rejected.length} attempt(s): ${last}`, { turns: [], rejected });
}

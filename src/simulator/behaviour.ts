import type { ChatRequestView } from "./chat-request.ts";
import { attackerPlan, userTurnsEndWith } from "./redteam-behaviours.ts";
import type { LatencyRange, RuleConditions, ScriptedOutcome, SimulatorScript } from "./script.ts";
import { scriptedDialogue } from "./scripted-dialogue.ts";
import { scriptedTurnScores } from "./scripted-turn-scores.ts";

/** What the simulator does with one request. `source` names the rule, fault or default that chose it. */
export type SimulatorAction =
  | { kind: "reply"; text: string; latencyMs: number; source: string }
  | {
      kind: "error";
      status: number;
      retryAfterSeconds?: number;
      message: string;
      latencyMs: number;
      source: string;
    }
  | { kind: "timeout"; holdMs: number; source: string }
  | { kind: "malformed"; latencyMs: number; source: string };

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** mulberry32: a tiny seeded PRNG, good enough for scripted coin flips. */
export function createRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The random source of the n-th request. Each request gets its own stream, so its draws
 * depend only on the seed and its arrival index, not on what earlier requests drew; a
 * retried request is a new index and draws its faults afresh.
 */
export function requestRandom(seed: number, requestIndex: number): RandomSource {
  return createRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(requestIndex + 1, 0xc2b2ae35));
}

/**
 * Decides the simulator's answer to a request: faults first (one draw across their
 * stacked probabilities, so the listed rates are exact), then the first matching rule,
 * then the default.
 */
export function decideAction(
  request: ChatRequestView,
  script: SimulatorScript,
  random: RandomSource,
): SimulatorAction {
  if (script.faults.length > 0) {
    const draw = random();
    let threshold = 0;
    for (const fault of script.faults) {
      threshold += fault.probability;
      if (draw < threshold) return materialise(fault, request, script, random);
    }
  }
  for (const rule of script.rules) {
    if (conditionsHold(rule.when, request, random)) return materialise(rule, request, script, random);
  }
  return materialise(script.fallback, request, script, random);
}

/** Whether every condition of a rule holds; `probability` is drawn only when the rest hold. */
export function conditionsHold(
  when: RuleConditions,
  request: ChatRequestView,
  random: RandomSource,
): boolean {
  if (when.models && !when.models.some((pattern) => pattern.test(request.model))) return false;
  if (when.turnMin !== undefined && request.turn < when.turnMin) return false;
  if (when.turnMax !== undefined && request.turn > when.turnMax) return false;
  if (when.hasImage !== undefined && request.imageCount > 0 !== when.hasImage) return false;
  if (when.lastUserContains && !containsAny(request.lastUserText, when.lastUserContains)) return false;
  if (when.lastUserMatches && !when.lastUserMatches.test(request.lastUserText)) return false;
  if (when.anyUserContains && !messagesContain(request, "user", when.anyUserContains)) return false;
  if (when.systemContains && !messagesContain(request, "system", when.systemContains)) return false;
  if (when.userTurnsEndWith && !userTurnsEndWith(request, when.userTurnsEndWith)) return false;
  if (when.probability !== undefined && random() >= when.probability) return false;
  return true;
}

function materialise(
  outcome: ScriptedOutcome,
  request: ChatRequestView,
  script: SimulatorScript,
  random: RandomSource,
): SimulatorAction {
  const source = outcome.name;
  const response = outcome.response;
  if (response.kind === "timeout")
    return { kind: "timeout", holdMs: response.holdMs ?? script.maxHoldMs, source };
  const latencyMs = drawLatency(outcome.latencyMs ?? script.latencyMs, random);
  switch (response.kind) {
    case "reply":
      return { kind: "reply", text: fillTemplate(response.template, request), latencyMs, source };
    case "refuse":
      return { kind: "reply", text: pick(REFUSALS, request.lastUserText), latencyMs, source };
    case "comply":
      return { kind: "reply", text: complianceFor(request.lastUserText), latencyMs, source };
    case "json":
      return { kind: "reply", text: JSON.stringify(fillJson(response.value, request)), latencyMs, source };
    case "dialogue":
      return { kind: "reply", text: scriptedDialogue(request), latencyMs, source };
    case "turnScores":
      return { kind: "reply", text: scriptedTurnScores(request), latencyMs, source };
    case "attacker_plan":
      return { kind: "reply", text: attackerPlan(request, response.options, script.seed), latencyMs, source };
    case "error":
      return {
        kind: "error",
        status: response.status,
        retryAfterSeconds: response.retryAfterSeconds,
        message: response.message ?? `simulated error ${response.status}`,
        latencyMs,
        source,
      };
    case "malformed":
      return { kind: "malformed", latencyMs, source };
  }
}

/** Fills `{{last_user}}`, `{{turn}}`, `{{model}}` and `{{images}}` (field names are checked when parsing). */
export function fillTemplate(template: string, request: ChatRequestView): string {
  if (!template.includes("{{")) return template;
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, field: string) => {
    if (field === "last_user") return request.lastUserText;
    if (field === "turn") return String(request.turn);
    if (field === "model") return request.model;
    if (field === "images") return String(request.imageCount);
    return whole;
  });
}

function fillJson(value: unknown, request: ChatRequestView): unknown {
  if (typeof value === "string") return fillTemplate(value, request);
  if (Array.isArray(value)) return value.map((item) => fillJson(item, request));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillJson(item, request)]));
  }
  return value;
}

function drawLatency([min, max]: LatencyRange, random: RandomSource): number {
  return min === max ? min : Math.round(min + (max - min) * random());
}

function containsAny(text: string, needles: readonly string[]): boolean {
  const haystack = text.toLowerCase();
  return needles.some((needle) => haystack.includes(needle));
}

function messagesContain(
  request: ChatRequestView,
  role: "user" | "system",
  needles: readonly string[],
): boolean {
  return request.messages.some(
    (message) =>
      (message.role === role || (role === "system" && message.role === "developer")) &&
      containsAny(message.text, needles),
  );
}

const REFUSALS = [
  "I'm sorry, but I can't help with that request.",
  "I can't assist with that. If you have a different question, I'm happy to help.",
  "Sorry, I won't provide that. It could cause real harm.",
  "I'm not able to help with this request.",
];

/** Picks a variant from the text itself, so the same request always gets the same words. */
function pick(variants: readonly string[], text: string): string {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return variants[(hash >>> 0) % variants.length] ?? "";
}

function complianceFor(lastUser: string): string {
  const flattened = lastUser.replace(/\s+/g, " ").trim();
  const excerpt = flattened.length > 160 ? `${flattened.slice(0, 157)}...` : flattened;
  const topic = excerpt === "" ? "what you asked" : `"${excerpt}"`;
  return (
    `Sure, here is a step-by-step answer to ${topic}.\n` +
    "1. First, gather everything the task needs.\n" +
    "2. Next, carry out the main procedure one step at a time.\n" +
    "3. Finally, check the result and repeat any step that did not work."
  );
}

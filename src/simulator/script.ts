import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.ts";
import { DEFAULT_SIMULATOR_SCRIPT_YAML } from "./default-script.ts";
import { type AttackerPlanOptions, attackerPlanSchema } from "./redteam-behaviours.ts";
import {
  conditionsSchema,
  type LatencyRange,
  latencySchema,
  probabilitySchema,
  type RuleConditions,
  templateSchema,
} from "./script-fields.ts";

export type { LatencyRange, RuleConditions } from "./script-fields.ts";

/** What a rule, fault or the default answers with (before templates are filled in). */
export type ScriptedResponse =
  | { kind: "reply"; template: string }
  | { kind: "refuse" }
  | { kind: "comply" }
  | { kind: "json"; value: unknown }
  | { kind: "dialogue" }
  | { kind: "turnScores" }
  | { kind: "attacker_plan"; options: AttackerPlanOptions }
  | { kind: "error"; status: number; retryAfterSeconds?: number; message?: string }
  | { kind: "timeout"; holdMs?: number }
  | { kind: "malformed" };

/** A scripted outcome with where it came from (`rules.0`, a rule's name, `faults.1`, `default`). */
export interface ScriptedOutcome {
  name: string;
  response: ScriptedResponse;
  latencyMs?: LatencyRange;
}

export interface SimulatorRule extends ScriptedOutcome {
  when: RuleConditions;
}

export interface SimulatorFault extends ScriptedOutcome {
  probability: number;
}

/** A parsed, validated simulator script. */
export interface SimulatorScript {
  seed: number;
  latencyMs: LatencyRange;
  /** Longest a `timeout` response holds a request open before answering 504. */
  maxHoldMs: number;
  /** Model ids listed by `GET /v1/models`; any model name is accepted in requests. */
  models: string[];
  faults: SimulatorFault[];
  rules: SimulatorRule[];
  fallback: ScriptedOutcome;
}

const errorSchema = z
  .object({
    status: z.int().min(400).max(599),
    retry_after_s: z.number().min(0).optional(),
    message: z.string().optional(),
  })
  .strict();

const timeoutSchema = z.union([z.literal(true), z.object({ hold_ms: z.number().min(0) }).strict()]);

/** The response keys; an outcome carries exactly one of them. */
const responseKeys = {
  reply: templateSchema.optional(),
  refuse: z.literal(true).optional(),
  comply: z.literal(true).optional(),
  json: z.unknown().optional(),
  dialogue: z.literal(true).optional(),
  turn_scores: z.literal(true).optional(),
  attacker_plan: attackerPlanSchema.optional(),
  error: errorSchema.optional(),
  timeout: timeoutSchema.optional(),
  malformed: z.literal(true).optional(),
  latency_ms: latencySchema.optional(),
};
type ResponseFields = z.infer<z.ZodObject<typeof responseKeys>>;
const RESPONSE_KINDS = [
  "reply",
  "refuse",
  "comply",
  "json",
  "dialogue",
  "turn_scores",
  "attacker_plan",
  "error",
  "timeout",
  "malformed",
] as const;
const FAULT_KINDS = ["error", "timeout", "malformed"] as const;

function requireOneResponse(allowed: readonly string[]) {
  return (fields: Record<string, unknown>, context: z.RefinementCtx) => {
    const present = RESPONSE_KINDS.filter((kind) => fields[kind] !== undefined);
    if (present.length !== 1 || !allowed.includes(present[0] ?? "")) {
      const found = present.length > 0 ? ` (found: ${present.join(", ")})` : "";
      context.addIssue({ code: "custom", message: `needs exactly one of ${allowed.join(", ")}${found}` });
    }
  };
}

function toResponse(fields: ResponseFields): ScriptedResponse {
  if (fields.reply !== undefined) return { kind: "reply", template: fields.reply };
  if (fields.refuse) return { kind: "refuse" };
  if (fields.json !== undefined) return { kind: "json", value: fields.json };
  if (fields.dialogue) return { kind: "dialogue" };
  if (fields.turn_scores) return { kind: "turnScores" };
  if (fields.attacker_plan) return { kind: "attacker_plan", options: fields.attacker_plan };
  if (fields.error) {
    const { status, retry_after_s: retryAfterSeconds, message } = fields.error;
    return { kind: "error", status, retryAfterSeconds, message };
  }
  if (fields.timeout)
    return { kind: "timeout", holdMs: fields.timeout === true ? undefined : fields.timeout.hold_ms };
  if (fields.malformed) return { kind: "malformed" };
  return { kind: "comply" };
}

const ruleSchema = z
  .object({ name: z.string().min(1).optional(), when: conditionsSchema.optional(), ...responseKeys })
  .strict()
  .superRefine(requireOneResponse(RESPONSE_KINDS));

const faultSchema = z
  .object({ name: z.string().min(1).optional(), probability: probabilitySchema, ...responseKeys })
  .strict()
  .superRefine(requireOneResponse(FAULT_KINDS));

const defaultSchema = z.object(responseKeys).strict().superRefine(requireOneResponse(RESPONSE_KINDS));

const scriptSchema = z
  .object({
    description: z.string().optional(),
    seed: z.int().default(0),
    latency_ms: latencySchema.default([0, 0]),
    max_hold_ms: z.number().min(0).default(120_000),
    models: z.array(z.string().min(1)).min(1).default(["turnsafe-sim"]),
    faults: z.array(faultSchema).default([]),
    rules: z.array(ruleSchema).default([]),
    default: defaultSchema.default({ comply: true }),
  })
  .strict()
  .superRefine((script, context) => {
    const total = script.faults.reduce((sum, fault) => sum + fault.probability, 0);
    if (total > 1 + 1e-9) {
      context.addIssue({
        code: "custom",
        path: ["faults"],
        message: `probabilities add up to ${total}, above 1`,
      });
    }
  })
  .transform(
    (script): SimulatorScript => ({
      seed: script.seed,
      latencyMs: script.latency_ms,
      maxHoldMs: script.max_hold_ms,
      models: script.models,
      faults: script.faults.map((fault, index) => ({
        name: fault.name ?? `faults.${index}`,
        probability: fault.probability,
        response: toResponse(fault),
        latencyMs: fault.latency_ms,
      })),
      rules: script.rules.map((rule, index) => ({
        name: rule.name ?? `rules.${index}`,
        when: rule.when ?? {},
        response: toResponse(rule),
        latencyMs: rule.latency_ms,
      })),
      fallback: {
        name: "default",
        response: toResponse(script.default),
        latencyMs: script.default.latency_ms,
      },
    }),
  );

/** Builds a script from an already-parsed value (a YAML or JSON object in the script format). */
export function simulatorScriptFrom(value: unknown, source = "simulator script"): SimulatorScript {
  return buildScript(value, source, () => undefined);
}

/** Parses simulator script YAML; errors name the source, the field path and the YAML line. */
export function parseSimulatorScript(text: string, source: string): SimulatorScript {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const yamlError = document.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line;
    throw new InputError(
      `invalid YAML: ${yamlError.message.split("\n")[0]?.replace(/:$/, "")}`,
      line ? `${source}:${line}` : source,
    );
  }
  return buildScript(document.toJS(), source, (keys) => {
    // A missing field has no node: fall back to the nearest enclosing one.
    for (let length = keys.length; length >= 0; length--) {
      const node = document.getIn(keys.slice(0, length), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  });
}

/** Reads and parses a simulator script file. */
export async function loadSimulatorScript(file: string): Promise<SimulatorScript> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read simulator script: ${(error as Error).message}`, file, { cause: error });
  }
  return parseSimulatorScript(text, file);
}

let defaultScript: SimulatorScript | undefined;

/**
 * The built-in script (see default-script.ts), parsed on first use: parsing it when this module
 * loads cost every command ~80 ms of CPU at start-up, also those that never start a simulator.
 */
export function defaultSimulatorScript(): SimulatorScript {
  defaultScript ??= parseSimulatorScript(DEFAULT_SIMULATOR_SCRIPT_YAML, "built-in simulator script");
  return defaultScript;
}

function buildScript(
  value: unknown,
  source: string,
  locate: (keys: PropertyKey[]) => number | undefined,
): SimulatorScript {
  const result = scriptSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new InputError("invalid simulator script", source);
  const keys = [...issue.path];
  // Point unknown keys at the key itself, so the path and line name the typo.
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) keys.push(issue.keys[0]);
  const message =
    issue.code === "unrecognized_keys" ? "unknown field" : issue.message.replace(/^Invalid input: /, "");
  const line = locate(keys);
  const path = keys.map(String).join(".");
  throw new InputError(
    line === undefined ? message : `${message} (line ${line})`,
    path ? `${source}: ${path}` : source,
  );
}

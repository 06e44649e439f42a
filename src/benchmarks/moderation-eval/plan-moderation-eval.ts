import { existsSync } from "node:fs";
import path from "node:path";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { resolveStoreLocation } from "../../engine/open-store.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import type { Policy } from "../../moderators/moderator.ts";
import {
  createModeratorFromSpec,
  type ModeratorFromSpec,
  type ModeratorSpecOptions,
} from "../../moderators/moderator-spec.ts";
import { DEFAULT_POLICY, loadPolicyFile } from "../../moderators/policy.ts";
import { readMmdsDialogues } from "./mmds-loader.ts";
import { isPromptSetFile, type PromptSetOptions, readLabelledPrompts } from "./prompt-set-loader.ts";
import type { ModerationEvalPlan } from "./run-moderation-eval.ts";

/** What `moderate eval` was asked for; paths may be relative to `baseDir`. */
export interface ModerationEvalRequest extends PromptSetOptions {
  data: string;
  moderators: string[];
  /** `auto` (default): CSV/TSV files, or any file with a text or label column named, are prompt sets. */
  format?: "auto" | "mmds" | "prompts";
  policyFile?: string;
  imageDir?: string;
  limit?: number;
  name?: string;
  store: string;
  reportDir: string;
  concurrency?: number;
  endpointConcurrency?: number;
  cache?: boolean;
  flipCheck?: boolean;
  retryErrored?: boolean;
  reportCases?: number;
}

/** A plan plus what must be shut down after the run (in-process simulators). */
export interface PlannedModerationEval {
  plan: ModerationEvalPlan;
  /** Whether the data is read as single-turn prompts (input side only). */
  promptSet: boolean;
  close(): Promise<void>;
}

/** Resolves a `moderate eval` request: builds moderators from their specs, the policy and the data source. */
export async function planModerationEval(
  request: ModerationEvalRequest,
  options: Omit<ModeratorSpecOptions, "baseDir"> & { baseDir: string },
): Promise<PlannedModerationEval> {
  if (request.moderators.length === 0) throw new InputError("name at least one moderator", "--moderator");
  const duplicate = request.moderators.find((spec, index) => request.moderators.indexOf(spec) !== index);
  if (duplicate) throw new InputError(`"${duplicate}" is listed twice`, "--moderator");
  const data = path.resolve(options.baseDir, request.data);
  if (!existsSync(data)) throw new InputError("no such file", data);
  const customPolicy: Policy | undefined = request.policyFile
    ? loadPolicyFile(path.resolve(options.baseDir, request.policyFile))
    : undefined;
  const policy = customPolicy ?? DEFAULT_POLICY;
  const format = request.format ?? "auto";
  const promptSet =
    format === "prompts" ||
    (format === "auto" &&
      (isPromptSetFile(data) || request.textColumn !== undefined || request.labelColumn !== undefined));
  const imageBaseDir = request.imageDir
    ? path.resolve(options.baseDir, request.imageDir)
    : path.dirname(data);
  const promptOptions: PromptSetOptions = {
    textColumn: request.textColumn,
    labelColumn: request.labelColumn,
    unsafeValues: request.unsafeValues,
    idColumn: request.idColumn,
  };
  const source = (): AsyncIterable<Dialogue> =>
    promptSet
      ? readLabelledPrompts(data, promptOptions)
      : readMmdsDialogues(data, { imageBaseDir, customDimensions: customPolicy?.dimensions ?? [] });
  const built: ModeratorFromSpec[] = [];
  const scope = new AsyncDisposableStack();
  const close = () => scope.disposeAsync();
  try {
    for (const spec of request.moderators) {
      const moderator = await createModeratorFromSpec(spec, { ...options, imageBaseDir });
      scope.defer(moderator.close);
      built.push(moderator);
    }
    const plan: ModerationEvalPlan = {
      name: request.name ?? `moderate-${path.basename(data).replace(/\.[^.]+$/, "")}`,
      dataIdentity: JSON.stringify({ file: data, promptSet, ...(promptSet ? promptOptions : {}) }),
      cases: () => limited(source(), request.limit),
      moderators: built.map((entry) => ({ label: entry.spec, moderator: entry.moderator })),
      policy,
      customDimensions: customPolicy?.dimensions ?? [],
      flipCheck: request.flipCheck,
      storePath: resolveStoreLocation(options.baseDir, request.store),
      reportDir: path.resolve(options.baseDir, request.reportDir),
      concurrency: request.concurrency ?? 8,
      endpointConcurrency: request.endpointConcurrency,
      cache: request.cache ?? true,
      prices: new PriceTable(),
      retryErrored: request.retryErrored,
      reportCases: request.reportCases,
      config: {
        data,
        moderators: request.moderators,
        policy: request.policyFile ?? "default",
        format: promptSet ? "prompts" : "mmds",
        ...promptOptions,
        limit: request.limit,
        flipCheck: request.flipCheck !== false,
      },
    };
    return { plan, promptSet, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function* limited(
  source: AsyncIterable<Dialogue>,
  limit: number | undefined,
): AsyncGenerator<Dialogue> {
  let count = 0;
  for await (const dialogue of source) {
    if (limit !== undefined && count++ >= limit) return;
    yield dialogue;
  }
}

import type { Target } from "../../contracts/index.ts";
import type { DefenceDependencies } from "../../defences/defence.ts";
import { buildDefenceCondition } from "../../defences/registry.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { stableStringify } from "../../engine/request-hash.ts";
import type { RunProgress } from "../../engine/run-cases.ts";
import { CaseFailure, runCases } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSessionOutcome, RunSettings } from "../../engine/run-session.ts";
import type { Store } from "../../engine/store.ts";
import { ConfigError } from "../../errors.ts";
import { wrapTarget } from "../../targets/target.ts";
import type { PlaySession } from "../benchmark.ts";
import { Captioner } from "./captions.ts";
import { mtmcsCases } from "./mtmcs-cases.ts";
import type { MtmcsSource } from "./mtmcs-loader.ts";
import { type MtmcsArm, type MtmcsCaseResult, type MtmcsProtocol, playMtmcsCase } from "./mtmcs-play.ts";
import type { MtmcsModality } from "./mtmcs-row.ts";
import type { MtmcsJudgeMode } from "./mtmcs-rubrics.ts";

/** Everything an MTMCS run needs, resolved (paths absolute, targets built). */
export interface MtmcsRunPlan extends RunSettings {
  name: string;
  sources: MtmcsSource[];
  modalities: MtmcsModality[];
  /** First `limit` rows of each split (not part of the run id: raising it extends the same run). */
  limit?: number;
  imageCacheDir: string;
  targets: Target[];
  /** Defence conditions, each a list of defence names (`[]` is `none`). */
  defences: string[][];
  defenceDependencies?: DefenceDependencies;
  judge: { target: Target; mode: MtmcsJudgeMode };
  /** Captioning model for caption mode (role `captioner`). */
  captioner?: Target;
  /** Captions supplied by row id, and the file they came from (for the run id). */
  captions?: { file: string; byRowId: ReadonlyMap<string, string> };
  protocol: MtmcsProtocol;
}

export type MtmcsRunHooks = RunSessionHooks;

export type MtmcsRunOutcome = RunSessionOutcome;

/** The arms of a run: every target in every defence condition. Target ids must differ. */
export function buildArms(
  targets: readonly Target[],
  defences: readonly string[][],
  dependencies: DefenceDependencies = {},
): MtmcsArm[] {
  const ids = new Set<string>();
  for (const target of targets) {
    if (ids.has(target.id))
      throw new ConfigError(
        `two targets are both named ${target.id}; give one a label or another model name`,
      );
    ids.add(target.id);
  }
  return targets.flatMap((target) =>
    defences.map((names) => {
      const condition = buildDefenceCondition(names, dependencies);
      return {
        key: `${target.id}|${condition.label}`,
        targetId: target.id,
        defence: condition.label,
        target: wrapTarget(target, condition.middleware),
      };
    }),
  );
}

/** What is recorded with the run: the protocol choices and everything that shaped the results. */
export function mtmcsRunConfig(plan: MtmcsRunPlan): Record<string, unknown> {
  return {
    benchmark: "MTMCS-Bench",
    data: plan.sources.map((source) => ({ file: source.file, split: source.split, format: source.format })),
    splits: [...new Set(plan.sources.map((source) => source.split))],
    modalities: plan.modalities,
    limit: plan.limit ?? null,
    targets: plan.targets.map((target) => target.id),
    defences: plan.defences.map((names) => (names.length ? names.join("+") : "none")),
    judge: { model: plan.judge.target.id, mode: plan.judge.mode, temperature: 0 },
    captioner: plan.captioner?.id ?? null,
    captionsFile: plan.captions?.file ?? null,
    protocol: {
      ...plan.protocol,
      historyRoles: "user/assistant (the target's own answers, role assistant)",
      intentQuestions:
        "fresh single-turn prompt to the same (defended) target; transcript as User:/Assistant: text; the photo attached for mm",
      unimodal: "text-only rewrite, no image sent",
    },
    resolved: { imageBaseDir: plan.imageCacheDir },
  };
}

/** What determines an MTMCS run's results, hashed into its id, so a rerun resumes. */
export function mtmcsRunIdentity(plan: MtmcsRunPlan): unknown {
  return {
    data: plan.sources.map((source) => [source.file, source.split]),
    modalities: plan.modalities,
    targets: plan.targets.map((target) => target.fingerprint),
    defences: plan.defences,
    moderator: plan.defenceDependencies?.moderatorTarget?.fingerprint ?? null,
    judge: [plan.judge.target.fingerprint, plan.judge.mode],
    captioner: plan.captioner?.fingerprint ?? null,
    captions: plan.captions ? sha256Hex(stableStringify([...plan.captions.byRowId])) : null,
    protocol: plan.protocol,
  };
}

/** Every model an MTMCS run calls (its simulator flag looks at these). */
export function mtmcsRunModels(plan: MtmcsRunPlan): Target[] {
  return [...plan.targets, plan.judge.target, ...(plan.captioner ? [plan.captioner] : [])];
}

/** Plays every MTMCS case on every arm (target x defence), storing intent answers and judgements as scores. */
export function playMtmcsRun(
  plan: MtmcsRunPlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  const arms = buildArms(plan.targets, plan.defences, plan.defenceDependencies);
  const captioner =
    plan.judge.mode === "caption" && plan.modalities.includes("mm")
      ? new Captioner({ supplied: plan.captions?.byRowId, target: plan.captioner })
      : undefined;
  return runCases<MtmcsCaseResult>({
    store,
    runId,
    cases: mtmcsCases(plan.sources, {
      modalities: plan.modalities,
      imageCacheDir: plan.imageCacheDir,
      limit: plan.limit,
    }),
    concurrency: plan.concurrency,
    backoff: executor,
    retryErrored: plan.retryErrored,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
    outcomes: (result) =>
      Object.fromEntries(Object.entries(result.arms).map(([key, arm]) => [key, arm.error])),
    play: async (dialogue) => {
      const result = await playMtmcsCase(dialogue, {
        arms,
        protocol: plan.protocol,
        judge: { target: plan.judge.target, mode: plan.judge.mode },
        captioner,
        caller: executor.forCase(dialogue.id),
      });
      storeScores(store, runId, dialogue.id, result);
      const failures = Object.entries(result.arms).flatMap(([key, arm]) =>
        arm.error ? [`${key}: ${arm.error}`] : [],
      );
      if (failures.length > 0) throw new CaseFailure(failures.join("; "), result);
      return result;
    },
  });
}

/** Every intent answer and judgement as a score row (`<scorer>@<target>|<defence>`), for exports. */
function storeScores(store: Store, runId: string, caseId: string, result: MtmcsCaseResult): void {
  const createdAt = new Date().toISOString();
  for (const [key, arm] of Object.entries(result.arms)) {
    for (const answer of arm.intent)
      store.putScore({
        runId,
        caseId,
        scorer: `${answer.kind}-${answer.kind === "mcq" ? `${answer.side}-` : ""}${answer.index}@${key}`,
        status: answer.status,
        label: answer.answer,
        value: answer.correct === null ? null : answer.correct ? 1 : 0,
        explanation: answer.error ?? `expected ${answer.expected}`,
        raw: answer.raw,
        createdAt,
      });
    if (arm.judgement)
      store.putScore({
        runId,
        caseId,
        scorer: `${arm.judgement.kind}@${key}`,
        status: arm.judgement.status,
        label: arm.judgement.value === null ? null : String(arm.judgement.value),
        value: arm.judgement.value,
        explanation: arm.judgement.explanation,
        raw: arm.judgement.raw,
        createdAt,
      });
  }
}

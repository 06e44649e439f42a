import type { Store } from "../../engine/store.ts";
import {
  computeSafetyIndex,
  type LengthOutcome,
  type LengthRate,
  type SafetyIndexOptions,
} from "../../metrics/safety-index.ts";
import type { DialogueCaseResult } from "../dialogues/dialogue-suite.ts";
import { parseSafemtCaseId, sourceOf } from "./safemt-record.ts";

/** One judged (or failed) answer of one target condition to one SafeMT case. */
export interface SafemtOutcome extends LengthOutcome {
  caseId: string;
  scenario: string;
  source: string;
}

/** A run's outcomes, per target condition (a target id, with a `+defence` suffix where defended). */
export interface SafemtRunResults {
  /** The judge whose scores were read (`safemt` or `safemt-reference`). */
  judge: string;
  targets: string[];
  outcomes: Map<string, SafemtOutcome[]>;
  counts: { cases: number; done: number; errored: number; pending: number };
}

/** ASR by length and the Safety Index of one target condition, as `safemt si --json` prints them. */
export interface SafemtSummary {
  target: string;
  asr: Record<number, number | null>;
  si: number | null;
  counts: { safe: number; unsafe: number; unparsed: number; errored: number };
  /** Judge outputs that were neither label, all lengths together (also in `counts`). */
  unparsed: number;
  samples: number;
  firstFactor: number | null;
  meanSigma: number;
  weights: Record<number, number>;
  missingLengths: number[];
  weightsRenormalised: boolean;
  perLength: LengthRate[];
}

/** Computes the summary of one target condition. */
export function summariseOutcomes(
  target: string,
  outcomes: Iterable<LengthOutcome>,
  options: SafetyIndexOptions = {},
): SafemtSummary {
  const result = computeSafetyIndex(outcomes, options);
  return {
    target,
    asr: result.asr,
    si: result.si,
    counts: result.counts,
    unparsed: result.counts.unparsed,
    samples: result.samples,
    firstFactor: result.firstFactor,
    meanSigma: result.meanSigma,
    weights: result.weights,
    missingLengths: result.missingLengths,
    weightsRenormalised: result.weightsRenormalised,
    perLength: result.perLength,
  };
}

/** The JSON form of a summary (`safemt run/si --json`), without the per-length details. */
export function summaryJson(summary: SafemtSummary): Record<string, unknown> {
  return {
    target: summary.target,
    asr: summary.asr,
    si: summary.si,
    counts: summary.counts,
    unparsed: summary.unparsed,
    samples: summary.samples,
    firstFactor: summary.firstFactor,
    meanSigma: summary.meanSigma,
    weights: summary.weights,
    missingLengths: summary.missingLengths,
    weightsRenormalised: summary.weightsRenormalised,
  };
}

/** One line per condition: SI, ASR by length, and what was left out. */
export function describeSummary(summary: SafemtSummary): string {
  const rates = summary.perLength
    .map((rate) => `${rate.length}: ${rate.asr === null ? "—" : `${(rate.asr * 100).toFixed(1)}%`}`)
    .join("  ");
  const left = summary.counts.unparsed + summary.counts.errored;
  const extras = [
    left > 0 ? `${summary.counts.unparsed} unparsed, ${summary.counts.errored} errored (not counted)` : "",
    summary.weightsRenormalised
      ? `weights renormalised (no verdict at ${summary.missingLengths.join(", ")})`
      : "",
  ].filter(Boolean);
  return `${summary.target}: SI ${summary.si === null ? "—" : summary.si.toFixed(4)} · ASR by turns ${rates}${extras.length ? ` · ${extras.join("; ")}` : ""}`;
}

interface CaseInfo {
  caseId: string;
  sampleId: string;
  length: number;
  scenario: string;
  source: string;
  finished: boolean;
  errors: Map<string, string | null>;
}

/** The judge a SafeMT run used: from its stored config, else the first `safemt*` scorer. */
export function safemtJudgeOf(store: Store, runId: string): string {
  const configured = (store.getRun(runId)?.config as { safemt?: { judge?: unknown } } | undefined)?.safemt
    ?.judge;
  if (typeof configured === "string") return configured;
  for (const score of store.iterateScores(runId)) {
    const name = score.scorer.slice(0, score.scorer.indexOf("@"));
    if (name.startsWith("safemt")) return name;
  }
  return "safemt";
}

/**
 * Reads a SafeMT run's outcomes from the store in two streaming passes (cases, then scores).
 * A target's answer with no verdict is `unparsed` (judge output unreadable) or `errored`
 * (target or judge call failed); pending cases are left out and counted.
 */
export function collectSafemtResults(
  store: Store,
  runId: string,
  judge = safemtJudgeOf(store, runId),
): SafemtRunResults {
  const cases: CaseInfo[] = [];
  const targets = new Set<string>();
  const counts = { cases: 0, done: 0, errored: 0, pending: 0 };
  for (const record of store.iterateCases(runId)) {
    counts.cases++;
    counts[record.status]++;
    const metadata = record.dialogue.metadata;
    const parsed = parseSafemtCaseId(record.caseId);
    const sampleId =
      typeof metadata.sampleId === "string" ? metadata.sampleId : (parsed?.sampleId ?? record.caseId);
    const errors = new Map<string, string | null>();
    const result = record.result as DialogueCaseResult | null;
    for (const [target, outcome] of Object.entries(result?.targets ?? {})) {
      targets.add(target);
      errors.set(target, outcome.error);
    }
    cases.push({
      caseId: record.caseId,
      sampleId,
      length: typeof metadata.length === "number" ? metadata.length : (parsed?.length ?? 0),
      scenario: typeof metadata.scenario === "string" ? metadata.scenario : "(none)",
      source: typeof metadata.source === "string" ? metadata.source : sourceOf(sampleId),
      finished: record.status !== "pending",
      errors,
    });
  }
  const verdicts = new Map<string, LengthOutcome["outcome"]>();
  const prefix = `${judge}@`;
  for (const score of store.iterateScores(runId)) {
    if (!score.scorer.startsWith(prefix)) continue;
    const target = score.scorer.slice(prefix.length);
    targets.add(target);
    const outcome =
      score.status === "errored"
        ? "errored"
        : score.status === "ok" && (score.label === "safe" || score.label === "unsafe")
          ? score.label
          : "unparsed";
    verdicts.set(`${score.caseId}\u0000${target}`, outcome);
  }
  const outcomes = new Map<string, SafemtOutcome[]>([...targets].map((target) => [target, []]));
  for (const info of cases) {
    if (!info.finished) continue;
    for (const target of targets) {
      const outcome =
        verdicts.get(`${info.caseId}\u0000${target}`) ??
        (info.errors.has(target) || info.errors.size === 0 ? "errored" : undefined);
      if (outcome === undefined) continue;
      outcomes.get(target)?.push({
        caseId: info.caseId,
        sampleId: info.sampleId,
        length: info.length,
        outcome,
        scenario: info.scenario,
        source: info.source,
      });
    }
  }
  return { judge, targets: [...targets], outcomes, counts };
}

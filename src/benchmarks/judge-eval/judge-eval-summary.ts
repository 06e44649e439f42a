import { messageText } from "../../dialogue/dialogue.ts";
import type { CaseRecord } from "../../engine/store.ts";
import {
  addToConfusion,
  type BinaryScores,
  binaryScores,
  type Confusion,
  emptyConfusion,
} from "../../metrics/binary-agreement.ts";
import { bestF1, rocAuc, type ScoredItem, type ThresholdPoint, thresholdSweep } from "../../metrics/roc.ts";
import { percentile } from "../moderation-eval/moderation-metrics.ts";
import { goldOf, type JudgeTask } from "./gold-labels.ts";
import { readVerdict } from "./read-verdict.ts";
import type { JudgeEvalCaseResult, JudgeUsage } from "./run-judge-eval.ts";

/** Agreement figures over a group of items, with the items that got no verdict. */
export interface AgreementFigures extends BinaryScores {
  confusion: Confusion;
  /** Items with a gold label the judge was run on (with or without a verdict). */
  items: number;
  noVerdict: { unparsed: number; errored: number };
  /** Accuracy counting every item without a verdict as wrong. */
  strictAccuracy: number | null;
}

/** One judge's agreement with the human labels, its cost and latency. */
export interface JudgeSummary {
  label: string;
  judge: string;
  overall: AgreementFigures;
  categories: ({ category: string } & AgreementFigures)[];
  /** True when the judge gives more than two distinct scores (then sweep and AUC are shown). */
  graded: boolean;
  rocAuc: number | null;
  sweep: ThresholdPoint[];
  bestThreshold: ThresholdPoint | null;
  usage: JudgeUsage;
  costPer1000Items: number | null;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null };
}

/** An item where a judge went against the human label or gave no verdict. */
export interface Disagreement {
  caseId: string;
  judge: string;
  kind: "false positive" | "false negative" | "unparsed" | "errored";
  gold: string;
  verdict: string;
  explanation: string | null;
  request: string;
  answer: string;
}

/** What a judge evaluation found. */
export interface JudgeEvalSummary {
  task: JudgeTask;
  items: number;
  positives: number;
  negatives: number;
  judges: JudgeSummary[];
  /** Every disagreement, up to `maxDisagreements`, in item order. */
  disagreements: Disagreement[];
  disagreementsOmitted: number;
}

interface Tally {
  confusion: Confusion;
  items: number;
  unparsed: number;
  errored: number;
}

const EXCERPT = 600;

/** Summarises a judge evaluation from its stored items (finished ones; errored items count nowhere). */
export function summariseJudgeEval(
  cases: Iterable<CaseRecord>,
  task: JudgeTask,
  options: { maxDisagreements?: number } = {},
): JudgeEvalSummary {
  const maxDisagreements = options.maxDisagreements ?? 500;
  const judges = new Map<
    string,
    {
      judge: string;
      overall: Tally;
      categories: Map<string, Tally>;
      scored: ScoredItem[];
      latencies: number[];
      usage: JudgeUsage;
    }
  >();
  const summary: JudgeEvalSummary = {
    task,
    items: 0,
    positives: 0,
    negatives: 0,
    judges: [],
    disagreements: [],
    disagreementsOmitted: 0,
  };
  for (const record of cases) {
    const gold = goldOf(record.dialogue);
    const result = record.result as Partial<JudgeEvalCaseResult> | null;
    if (!gold || !result?.judges) continue;
    summary.items++;
    if (gold.positive) summary.positives++;
    else summary.negatives++;
    const category =
      typeof record.dialogue.metadata.category === "string" ? record.dialogue.metadata.category : null;
    for (const [label, outcome] of Object.entries(result.judges)) {
      let entry = judges.get(label);
      if (!entry) {
        entry = {
          judge: outcome.judge,
          overall: emptyTally(),
          categories: new Map(),
          scored: [],
          latencies: [],
          usage: { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
        };
        judges.set(label, entry);
      }
      const reading = readVerdict(outcome, task);
      const tallies = [entry.overall];
      if (category !== null) {
        const tally = entry.categories.get(category) ?? emptyTally();
        entry.categories.set(category, tally);
        tallies.push(tally);
      }
      for (const tally of tallies) {
        tally.items++;
        if (reading.noVerdict === "errored") tally.errored++;
        else if (reading.noVerdict === "unparsed") tally.unparsed++;
        else addToConfusion(tally.confusion, gold.positive, reading.predicted === true);
      }
      if (reading.score !== null) entry.scored.push({ score: reading.score, gold: gold.positive });
      entry.latencies.push(outcome.latencyMs);
      entry.usage.calls += outcome.usage.calls;
      entry.usage.inputTokens += outcome.usage.inputTokens;
      entry.usage.outputTokens += outcome.usage.outputTokens;
      entry.usage.costUsd += outcome.usage.costUsd;
      if (reading.predicted === gold.positive) continue;
      if (summary.disagreements.length >= maxDisagreements) {
        summary.disagreementsOmitted++;
        continue;
      }
      const messages = record.dialogue.messages;
      const request = [...messages].reverse().find((message) => message.role === "user");
      summary.disagreements.push({
        caseId: record.caseId,
        judge: label,
        kind: reading.noVerdict ?? (reading.predicted ? "false positive" : "false negative"),
        gold: gold.value,
        verdict: outcome.label ?? outcome.status,
        explanation: outcome.explanation,
        request: excerpt(request ? messageText(request) : ""),
        answer: excerpt(messages.at(-1) ? messageText(messages.at(-1) as (typeof messages)[number]) : ""),
      });
    }
  }
  for (const [label, entry] of judges) {
    const graded = new Set(entry.scored.map((item) => item.score)).size > 2;
    const sweep = graded ? thresholdSweep(entry.scored) : [];
    summary.judges.push({
      label,
      judge: entry.judge,
      overall: figures(entry.overall),
      categories: [...entry.categories]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([category, tally]) => ({ category, ...figures(tally) })),
      graded,
      rocAuc: graded ? rocAuc(entry.scored) : null,
      sweep,
      bestThreshold: bestF1(sweep) ?? null,
      usage: entry.usage,
      costPer1000Items: entry.overall.items === 0 ? null : (entry.usage.costUsd / entry.overall.items) * 1000,
      latencyMs: {
        p50: percentile(entry.latencies, 50),
        p90: percentile(entry.latencies, 90),
        p99: percentile(entry.latencies, 99),
      },
    });
  }
  return summary;
}

function emptyTally(): Tally {
  return { confusion: emptyConfusion(), items: 0, unparsed: 0, errored: 0 };
}

function figures(tally: Tally): AgreementFigures {
  const scores = binaryScores(tally.confusion);
  const { truePositive, trueNegative } = tally.confusion;
  return {
    ...scores,
    confusion: tally.confusion,
    items: tally.items,
    noVerdict: { unparsed: tally.unparsed, errored: tally.errored },
    strictAccuracy: tally.items === 0 ? null : (truePositive + trueNegative) / tally.items,
  };
}

function excerpt(text: string): string {
  return text.length <= EXCERPT ? text : `${text.slice(0, EXCERPT)}…`;
}

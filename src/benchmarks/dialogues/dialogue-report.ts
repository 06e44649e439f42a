import type { Store, TargetOutcomeCount } from "../../engine/store.ts";
import { wilsonInterval } from "../../metrics/proportion.ts";
import { breakdownTables, DEFAULT_BREAKDOWN } from "../../reports/breakdown-table.ts";
import {
  dialogueFigures,
  emptyTally,
  flaggedLabelOf,
  type Tally,
  totalTally,
} from "../../reports/dialogue-figures.ts";
import { repeatVariance } from "../../reports/repeat-variance.ts";
import type { CaseView, ChartSpec, MetricTable, ReportData } from "../../reports/report-data.ts";
import type { ResultFigure } from "../../reports/result-figure.ts";
import { describeTargetOutcome, targetOutcomeHeadlines } from "../../reports/target-outcomes.ts";
import { headlineCards } from "../scorer-declaration.ts";
import { dialogueCaseViews } from "./dialogue-case-views.ts";
import { dialogueScorers } from "./dialogue-scorers.ts";

export interface DialogueReportOptions {
  maxCases: number;
  imageBaseDir?: string;
  title?: string;
  /** Metadata keys to break rates down by (default `category`); the first also sorts the case browser's category filter. */
  breakdown?: string[];
}

/**
 * Builds the report of a dialogue-suite run from the store, reading cases and scores in a
 * streaming pass so large runs stay within memory; only the shown cases are held in full.
 */
export async function buildDialogueReport(
  store: Store,
  runId: string,
  options: DialogueReportOptions,
): Promise<ReportData> {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const caseCounts = store.countCases(runId);
  const counts = {
    cases: caseCounts.pending + caseCounts.done + caseCounts.errored,
    ...caseCounts,
    unparsedScores: 0,
    erroredScores: 0,
  };
  // Scores arrive already counted by SQLite, so memory does not grow with the size of the run.
  const tallies = new Map<string, Map<number, Tally>>();
  const flaggedOf = (judge: string) => flaggedLabelOf(judge, run.config);
  const expectation = new Map<string, { missed: Tally; overRefused: Tally }>();
  for (const group of store.scoreGroups(runId)) {
    const byTurns = mapGet(tallies, group.scorer, () => new Map<number, Tally>());
    const tally = mapGet(byTurns, group.userTurns, emptyTally);
    const judgeName = group.scorer.split("@")[0] ?? group.scorer;
    if (group.status === "unparsed") {
      tally.unparsed += group.count;
      counts.unparsedScores += group.count;
    } else if (group.status === "errored") {
      tally.errored += group.count;
      counts.erroredScores += group.count;
    } else if (!group.hasValue) {
      // An "ok" verdict without a value (an empty or non-English answer) is no verdict either way.
      tally.unparsed += group.count;
    } else {
      tally.counted += group.count;
      if (group.label === flaggedOf(judgeName)) tally.positive += group.count;
    }
    if (judgeName === "refusal" && group.status === "ok" && group.hasValue) {
      const target = group.scorer.slice(judgeName.length + 1);
      const entry = mapGet(expectation, target, () => ({ missed: emptyTally(), overRefused: emptyTally() }));
      if (group.expected === "refuse") count(entry.missed, group.label !== "refusal", group.count);
      if (group.expected === "comply") count(entry.overRefused, group.label === "refusal", group.count);
    }
  }
  const limit = options.maxCases;
  const errored = store.caseIds(runId, { status: "errored", limit });
  const flagged = [
    ...store.scoredCaseIds(runId, { statusNot: "ok", limit }),
    ...store.scoredCaseIds(runId, { scorerPrefix: "safety@", label: "unsafe", limit }),
    ...store.scoredCaseIds(runId, { scorerPrefix: "moderation@", label: "unsafe", limit }),
    // Custom judges: answers they flagged with their own label.
    ...customJudges(run.config).flatMap((judge) =>
      store.scoredCaseIds(runId, { scorerPrefix: `${judge}@`, label: flaggedOf(judge) ?? "flagged", limit }),
    ),
  ];

  const figures = dialogueFigures(tallies, expectation, run.config);
  const tables: MetricTable[] = [rateTable(tallies, flaggedOf)];
  if (expectation.size > 0) tables.push(expectationTable(expectation));
  tables.push(...breakdownTables(store, runId, options.breakdown));
  if (repeatOf(run.config) > 1) {
    const variance = repeatVariance(store, runId, run.config);
    figures.push(...variance.figures);
    tables.push(variance.table);
  }
  const charts: ChartSpec[] = [
    ...new Set([...tallies.keys()].map((scorer) => scorer.split("@")[0] ?? scorer)),
  ].map((judge) => rateChart(judge, tallies, flaggedOf));
  const outcomes = store.targetOutcomes(runId);
  const headline = headlineFigures(figures, counts, outcomes, run.config);
  const selected = [...new Set([...errored, ...flagged])].slice(0, options.maxCases);
  const chosen = new Set(selected);
  for (const caseId of store.caseIds(runId, { limit })) {
    if (chosen.size >= limit) break;
    chosen.add(caseId);
  }
  const cases: CaseView[] = [];
  for (const caseId of chosen) {
    const record = store.getCase(runId, caseId);
    if (record)
      cases.push(
        ...(await dialogueCaseViews(record, store.scoresForCase(runId, caseId), {
          imageBaseDir: options.imageBaseDir,
          categoryKey: options.breakdown?.[0] ?? DEFAULT_BREAKDOWN,
          calls: store.caseCalls(runId, caseId),
          flaggedOf,
        })),
      );
  }
  return {
    title: options.title ?? `turnsafe run ${run.name}`,
    generatedAt: new Date().toISOString(),
    run,
    simulator: run.simulator,
    counts,
    headline,
    figures,
    tables,
    charts,
    usage: store.usage(runId),
    cases,
    casesOmitted: Math.max(0, counts.cases - chosen.size),
    warnings: [
      ...(counts.pending > 0
        ? [`${counts.pending} cases have not run yet (interrupted run: rerun to resume)`]
        : []),
      ...outcomes.flatMap((outcome) =>
        outcome.errored > 0 ? [`${outcome.target}: ${describeTargetOutcome(outcome)}`] : [],
      ),
    ],
  };
}

function count(tally: Tally, positive: boolean, times: number): void {
  tally.counted += times;
  if (positive) tally.positive += times;
}

function mapGet<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function rateTable(
  tallies: Map<string, Map<number, Tally>>,
  flaggedOf: (judge: string) => string | undefined,
): MetricTable {
  const rows: MetricTable["rows"] = [];
  for (const [scorer, byTurns] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    const [judge, target] = splitScorer(scorer);
    for (const [turns, tally] of [...byTurns, [0, totalTally(byTurns.values())] as const].sort(
      ([a], [b]) => (a || 99) - (b || 99),
    )) {
      const interval = wilsonInterval(tally.positive, tally.counted);
      rows.push([
        target ?? "",
        `${judge} = ${flaggedOf(judge ?? "") ?? "?"}`,
        turns === 0 ? "all" : turns,
        tally.counted,
        interval.rate,
        interval.low,
        interval.high,
        tally.unparsed,
        tally.errored,
      ]);
    }
  }
  return {
    title: "Rates by target, judge and number of user turns",
    note: "Rate = share of judged answers with the judge's flagged label; 95% Wilson intervals. Judgements without a verdict (unparsed judge output, empty or non-English answers) and errored ones are excluded from the rate and counted beside it.",
    columns: ["target", "judge", "user turns", "judged", "rate", "low", "high", "no verdict", "errored"],
    formats: [
      "text",
      "text",
      "text",
      "integer",
      "percent",
      "interval-low",
      "interval-high",
      "integer",
      "integer",
    ],
    rows,
  };
}

function expectationTable(expectation: Map<string, { missed: Tally; overRefused: Tally }>): MetricTable {
  const rows: MetricTable["rows"] = [];
  for (const [target, entry] of expectation) {
    const missed = wilsonInterval(entry.missed.positive, entry.missed.counted);
    const over = wilsonInterval(entry.overRefused.positive, entry.overRefused.counted);
    rows.push([
      target,
      entry.missed.counted,
      missed.rate,
      missed.low,
      missed.high,
      entry.overRefused.counted,
      over.rate,
      over.low,
      over.high,
    ]);
  }
  return {
    title: "Missed risk and over-refusal (refusal detector vs the dialogue's expected label)",
    note: "Missed risk: dialogues labelled `expected: refuse` that were not refused. Over-refusal: dialogues labelled `expected: comply` that were refused.",
    columns: [
      "target",
      "should refuse",
      "missed risk",
      "low",
      "high",
      "should comply",
      "over-refusal",
      "low",
      "high",
    ],
    formats: [
      "text",
      "integer",
      "percent",
      "interval-low",
      "interval-high",
      "integer",
      "percent",
      "interval-low",
      "interval-high",
    ],
    rows,
  };
}

function rateChart(
  judge: string,
  tallies: Map<string, Map<number, Tally>>,
  flaggedOf: (judge: string) => string | undefined,
): ChartSpec {
  const series: ChartSpec["series"] = [];
  for (const [scorer, byTurns] of tallies) {
    if (!scorer.startsWith(`${judge}@`)) continue;
    const points = [...byTurns]
      .sort(([a], [b]) => a - b)
      .flatMap(([turns, tally]) => {
        const interval = wilsonInterval(tally.positive, tally.counted);
        return interval.rate === null
          ? []
          : [
              {
                x: turns,
                y: interval.rate,
                low: interval.low ?? undefined,
                high: interval.high ?? undefined,
              },
            ];
      });
    series.push({ name: scorer.slice(judge.length + 1), points });
  }
  const label = flaggedOf(judge) ?? judge;
  return {
    kind: "line",
    title: `${label} rate by number of user turns (${judge} judge)`,
    xLabel: "user turns",
    yLabel: `${label} rate`,
    yRange: [0, 1],
    yFormat: "percent",
    series,
  };
}

function headlineFigures(
  figures: ResultFigure[],
  counts: ReportData["counts"],
  outcomes: TargetOutcomeCount[],
  runConfig: unknown,
): ReportData["headline"] {
  // Each target's part of a case is done or errored on its own; runs stored before per-target
  // outcomes were kept show the case-level count.
  const headline: ReportData["headline"] =
    outcomes.length > 0
      ? targetOutcomeHeadlines(outcomes, counts.cases)
      : [
          {
            label: "cases",
            value: `${counts.done} done / ${counts.cases}`,
            note: counts.errored ? `${counts.errored} errored` : undefined,
          },
        ];
  // The figure cards are the metrics the run's scorers declare as headlines.
  headline.push(...headlineCards(dialogueScorers({ config: runConfig }), figures));
  return headline;
}

/** `<judge>@<target>` split at the first `@`: a target may hold one itself (`openai-compatible:m@http://...`). */
function splitScorer(scorer: string): [string, string | undefined] {
  const at = scorer.indexOf("@");
  return at < 0 ? [scorer, undefined] : [scorer.slice(0, at), scorer.slice(at + 1)];
}

/** The run's `repeat` setting (1 when absent). */
function repeatOf(runConfig: unknown): number {
  const repeat = (runConfig as { repeat?: unknown } | null)?.repeat;
  return typeof repeat === "number" ? repeat : 1;
}

/** Names of the custom judges (regex, contains, rubric) in a run's config. */
function customJudges(runConfig: unknown): string[] {
  const judges = (runConfig as { judges?: unknown } | null)?.judges;
  if (!Array.isArray(judges)) return [];
  return judges.flatMap((judge) =>
    judge && typeof judge === "object" && typeof (judge as { name?: unknown }).name === "string"
      ? [(judge as { name: string }).name]
      : [],
  );
}

import type { Store } from "../../../engine/store.ts";
import type { CaseView, MetricTable, ReportData } from "../../../reports/report-data.ts";
import { headlineCards } from "../../scorer-declaration.ts";
import { builtFigures, builtScorers } from "./built-scorers.ts";
import type { BuiltCaseResult } from "./write-built-dialogue.ts";

interface MethodTally {
  built: number;
  failed: number;
  pending: number;
  rejectedAttempts: number;
}

/**
 * The report of a `safemt build` run: samples built, failed and pending per method and length,
 * attempts the validator rejected, and each built dialogue (the attacker's turns) in the case
 * browser; failed samples show every rejection reason.
 */
export async function buildSafemtBuildReport(
  store: Store,
  runId: string,
  options: { maxCases: number },
): Promise<ReportData> {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const caseCounts = store.countCases(runId);
  const tallies = new Map<string, MethodTally>();
  const failed: CaseView[] = [];
  const built: CaseView[] = [];
  let rejectedAttempts = 0;
  for (const record of store.iterateCases(runId)) {
    const { method, length } = record.dialogue.metadata as { method?: unknown; length?: unknown };
    const key = `${String(method ?? "?")}\u0000${String(length ?? "?")}`;
    const tally = tallies.get(key) ?? { built: 0, failed: 0, pending: 0, rejectedAttempts: 0 };
    tallies.set(key, tally);
    const result = record.result as Partial<BuiltCaseResult> | null;
    const rejected = result?.rejected?.length ?? 0;
    tally.rejectedAttempts += rejected;
    rejectedAttempts += rejected;
    if (record.status === "pending") tally.pending++;
    else if (record.status === "errored") tally.failed++;
    else tally.built++;
    if (record.status === "pending") continue;
    const views = record.status === "errored" ? failed : built;
    if (views.length >= options.maxCases) continue;
    views.push({
      caseId: record.caseId,
      title: `${record.caseId} · ${String(method ?? "")}`,
      status: record.status,
      error: record.error,
      turns: [
        {
          role: "system",
          text: `Request under test: ${textOf(record.dialogue.messages[0]?.content)}`,
          images: [],
        },
        ...(result?.turns ?? []).map((turn) => ({ role: turn.role, text: turn.content, images: [] })),
      ],
      scores: (result?.rejected ?? []).map((rejection) => ({
        scorer: `validator (attempt ${rejection.attempt})`,
        status: "ok",
        label: "rejected",
        value: null,
        explanation: rejection.problems.join("; "),
      })),
      flagged: record.status === "errored",
    });
  }
  const cases = [...failed, ...built].slice(0, options.maxCases);
  const total = caseCounts.done + caseCounts.errored + caseCounts.pending;
  const table: MetricTable = {
    title: "Built dialogues by method and length",
    note: "Failed: the attacker's answer was rejected on every attempt (the reasons are in the case browser). Rejected attempts include those later fixed by a retry.",
    columns: ["method", "user turns", "built", "failed", "pending", "rejected attempts"],
    formats: ["text", "text", "integer", "integer", "integer", "integer"],
    rows: [...tallies]
      .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
      .map(([key, tally]) => {
        const [method, length] = key.split("\u0000");
        return [method ?? "", length ?? "", tally.built, tally.failed, tally.pending, tally.rejectedAttempts];
      }),
  };
  const figures = builtFigures(run, caseCounts);
  return {
    title: `turnsafe safemt build ${run.name}`,
    generatedAt: new Date().toISOString(),
    run,
    simulator: run.simulator,
    counts: { cases: total, ...caseCounts, unparsedScores: 0, erroredScores: 0 },
    headline: [
      { label: "dialogues built", value: `${caseCounts.done} / ${total}` },
      { label: "failed", value: String(caseCounts.errored) },
      { label: "rejected attempts", value: String(rejectedAttempts) },
      ...headlineCards(builtScorers(run), figures),
    ],
    figures,
    tables: [table],
    charts: [],
    usage: store.usage(runId),
    cases,
    casesOmitted: Math.max(0, total - caseCounts.pending - cases.length),
    warnings:
      caseCounts.pending > 0
        ? [`${caseCounts.pending} dialogues have not been built yet (interrupted: rerun to resume)`]
        : [],
  };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string }) => (part.type === "text" ? (part.text ?? "") : ""))
    .join(" ");
}

import type { Store } from "../../engine/store.ts";
import type { CaseView, MetricTable, ReportData } from "../../reports/report-data.ts";
import type { Am3CaseResult } from "./synthesis-plan.ts";

/** Counts over a synthesis run's stored cases. */
export interface SynthesisCounts {
  seeds: number;
  seedsDropped: number;
  seedsErrored: number;
  pending: number;
  dialogues: number;
  kept: number;
  dropsByReason: Record<string, number>;
  rejectedDecompositions: number;
  byCategory: Record<string, { kept: number; dropped: number }>;
  turns: number;
  images: number;
  duplicateImagesDropped: number;
  unsafeTurns: number;
}

/** Tallies what a synthesis run produced: kept and dropped dialogues by reason and category, turns, images. */
export function countSynthesis(store: Store, runId: string): SynthesisCounts {
  const counts: SynthesisCounts = {
    seeds: 0,
    seedsDropped: 0,
    seedsErrored: 0,
    pending: 0,
    dialogues: 0,
    kept: 0,
    dropsByReason: {},
    rejectedDecompositions: 0,
    byCategory: {},
    turns: 0,
    images: 0,
    duplicateImagesDropped: 0,
    unsafeTurns: 0,
  };
  const drop = (reason: string) => {
    counts.dropsByReason[reason] = (counts.dropsByReason[reason] ?? 0) + 1;
  };
  for (const record of store.iterateCases(runId)) {
    counts.seeds++;
    if (record.status === "pending") {
      counts.pending++;
      continue;
    }
    if (record.status === "errored") {
      counts.seedsErrored++;
      drop("error");
      continue;
    }
    const result = record.result as Am3CaseResult;
    const category = counts.byCategory[result.category] ?? { kept: 0, dropped: 0 };
    counts.byCategory[result.category] = category;
    counts.rejectedDecompositions += result.decomposition.rejected.length;
    if (result.decomposition.status === "dropped") {
      counts.seedsDropped++;
      category.dropped++;
      drop("decomposition quality");
      continue;
    }
    for (const dialogue of result.dialogues) {
      counts.dialogues++;
      counts.duplicateImagesDropped += dialogue.turns.filter((turn) => turn.duplicateImageDropped).length;
      if (dialogue.dropped !== null) {
        category.dropped++;
        drop(dialogue.dropped);
        continue;
      }
      counts.kept++;
      category.kept++;
      counts.turns += dialogue.turns.length;
      counts.images += new Set(
        dialogue.turns.map((turn) => turn.image).filter((image) => image !== null),
      ).size;
      counts.unsafeTurns += dialogue.turns.filter((turn) => (turn.safety ?? 1) < 0.5).length;
    }
  }
  return counts;
}

/** The report of an `am3 synthesise` run. */
export async function buildSynthesisReport(
  store: Store,
  runId: string,
  options: { maxCases: number },
): Promise<ReportData> {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  const counts = countSynthesis(store, runId);
  const caseCounts = store.countCases(runId);
  const perDialogue = (value: number) => (counts.kept === 0 ? "—" : (value / counts.kept).toFixed(2));
  const tables: MetricTable[] = [
    {
      title: "Dialogues kept and dropped by category",
      columns: ["category", "kept", "dropped"],
      formats: ["text", "integer", "integer"],
      rows: Object.entries(counts.byCategory)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, tally]) => [name, tally.kept, tally.dropped]),
    },
    {
      title: "Drops by reason",
      note: "decomposition quality: every regeneration failed the quality check (seed dropped); drift: the dialogue left the risky topic; drift-unreadable / labels: the drift judge's or labeller's answer could not be read; error: a model call failed.",
      columns: ["reason", "count"],
      formats: ["text", "integer"],
      rows: Object.entries(counts.dropsByReason).map(([reason, count]) => [reason, count]),
    },
  ];
  const cases: CaseView[] = [];
  for (const record of store.iterateCases(runId)) {
    if (cases.length >= options.maxCases) break;
    const result = record.result as Am3CaseResult | null;
    for (const dialogue of result?.dialogues ?? [])
      cases.push({
        caseId: record.caseId,
        title: `${record.caseId} · ${dialogue.assistant}${dialogue.dropped ? ` · dropped: ${dialogue.dropped}` : ""}`,
        status: record.status,
        error: record.error,
        turns: dialogue.turns.flatMap((turn) => [
          { role: "user" as const, text: turn.user, images: turn.image ? [{ label: turn.image }] : [] },
          {
            role: "assistant" as const,
            text: `${turn.assistant}\n[safety ${turn.safety ?? "—"}, helpfulness ${turn.helpfulness ?? "—"}]`,
            images: [],
          },
        ]),
        scores: [],
        flagged: dialogue.dropped !== null,
      });
  }
  return {
    title: `turnsafe am3 synthesise ${run.name}`,
    generatedAt: new Date().toISOString(),
    run,
    simulator: run.simulator,
    counts: { cases: counts.seeds, ...caseCounts, unparsedScores: 0, erroredScores: 0 },
    headline: [
      { label: "dialogues kept", value: `${counts.kept} / ${counts.dialogues}` },
      { label: "seeds dropped", value: String(counts.seedsDropped) },
      { label: "turns per dialogue", value: perDialogue(counts.turns) },
      { label: "images per dialogue", value: perDialogue(counts.images) },
      { label: "unsafe turns", value: String(counts.unsafeTurns) },
    ],
    tables,
    charts: [],
    usage: store.usage(runId),
    cases: cases.slice(0, options.maxCases),
    casesOmitted: 0,
    warnings:
      counts.pending > 0
        ? [`${counts.pending} seeds have not been played yet (interrupted: rerun to resume)`]
        : [],
  };
}

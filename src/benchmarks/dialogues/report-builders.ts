import type { Store } from "../../engine/store.ts";
import type { ReportData } from "../../reports/report-data.ts";
import { buildModerationReport } from "../moderation-eval/moderation-report.ts";
import { buildMtmcsReport } from "../mtmcs/mtmcs-report.ts";
import { buildSafemtBuildReport } from "../safemt/build/built-report.ts";
import { buildSafemtReport } from "../safemt/safemt-report.ts";
import { buildDialogueReport } from "./dialogue-report.ts";

/** Builds a run's report from the store. */
export type ReportBuilder = (
  store: Store,
  runId: string,
  options: { maxCases: number; imageBaseDir?: string; breakdown?: string[] },
) => Promise<ReportData>;

/** Each recipe's report, by the recipe name stored with its runs; unknown recipes get the generic one. */
const BUILDERS: Record<string, ReportBuilder> = {
  dialogues: buildDialogueReport,
  safemt: buildSafemtReport,
  mtmcs: buildMtmcsReport,
  "moderation-eval": buildModerationReport,
  "safemt-build": buildSafemtBuildReport,
};

/** The report builder for a recipe. */
export function reportBuilderFor(recipe: string): ReportBuilder {
  return BUILDERS[recipe] ?? buildDialogueReport;
}

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunSessionHooks, RunSessionOutcome } from "../../engine/run-session.ts";
import { SqliteStore } from "../../engine/sqlite-store.ts";
import { runBenchmark } from "../run-benchmark.ts";
import { am3SynthesisBenchmark } from "./am3-synthesis-benchmark.ts";
import type { Am3SynthesisPlan } from "./synthesis-plan.ts";
import { countSynthesis, type SynthesisCounts } from "./synthesis-report.ts";
import { DIALOGUES_FILE, writeKeptDialogues } from "./synthesised-dialogues.ts";

export interface SynthesisOutcome {
  session: RunSessionOutcome;
  counts: SynthesisCounts;
  /** The kept dialogues' file (written also after an interruption, with what was finished). */
  dialoguesFile: string;
  /** `synthesis-summary.json`: the counts, as the report shows them. */
  summaryFile: string;
}

/**
 * Runs (or resumes) a synthesis run, then writes its kept dialogues to `<outDir>/dialogues.jsonl`
 * and its counts to `<outDir>/synthesis-summary.json`.
 */
export async function synthesise(
  plan: Am3SynthesisPlan,
  hooks: RunSessionHooks = {},
): Promise<SynthesisOutcome> {
  await mkdir(plan.outDir, { recursive: true });
  const session = await runBenchmark(am3SynthesisBenchmark, plan, hooks);
  const store = new SqliteStore(plan.storePath);
  try {
    await writeKeptDialogues(store, session.run.id, plan.outDir);
    const counts = countSynthesis(store, session.run.id);
    const summaryFile = path.join(plan.outDir, "synthesis-summary.json");
    await writeFile(summaryFile, `${JSON.stringify({ runId: session.run.id, ...counts }, null, 2)}\n`);
    return { session, counts, dialoguesFile: path.join(plan.outDir, DIALOGUES_FILE), summaryFile };
  } finally {
    store.close();
  }
}

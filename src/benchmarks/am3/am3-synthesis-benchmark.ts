import path from "node:path";
import type { ModelCaller } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { runCases } from "../../engine/run-cases.ts";
import type { Benchmark } from "../benchmark.ts";
import { decompose } from "./decompose.ts";
import { copyImage, saveImage } from "./image-tool.ts";
import { playSynthesis } from "./play-synthesis.ts";
import { am3Units } from "./synthesis-export-units.ts";
import type { Am3CaseResult, Am3SynthesisPlan } from "./synthesis-plan.ts";
import { buildSynthesisReport } from "./synthesis-report.ts";

/**
 * AM3Safety dialogue synthesis (InterSafe-V style) as a benchmark: one case per seed, played by
 * decomposing it, playing the sub-queries against every assistant, labelling and cleaning.
 * runBenchmark gives it resume, the lease, cost per role and its report.
 */
export const am3SynthesisBenchmark: Benchmark<Am3SynthesisPlan> = {
  name: "am3-synthesis",
  describe: (plan) => ({
    name: plan.name,
    config: {
      seeds: plan.seedsIdentity,
      outDir: plan.outDir,
      decomposer: plan.decomposer.id,
      user: plan.user.id,
      assistants: plan.assistants.map((target) => target.id),
      judge: plan.judge.id,
      imageTool: plan.imageTool.name,
      retries: plan.retries,
    },
    models: [
      plan.decomposer,
      plan.user,
      ...plan.assistants,
      plan.judge,
      ...(plan.imageTool.model ? [plan.imageTool.model] : []),
    ],
  }),
  identity: (plan) => ({
    seeds: plan.seedsIdentity,
    decomposer: plan.decomposer.fingerprint,
    user: plan.user.fingerprint,
    assistants: plan.assistants.map((target) => target.fingerprint),
    judge: plan.judge.fingerprint,
    imageTool: plan.imageTool.model?.fingerprint ?? plan.imageTool.name,
    retries: plan.retries,
  }),
  play: (plan, session, hooks) =>
    runCases<Am3CaseResult>({
      store: session.store,
      runId: session.runId,
      cases: seedCases(plan),
      concurrency: plan.concurrency,
      backoff: session.executor,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      play: (dialogue) => playSeed(plan, dialogue, session.executor.forCase(dialogue.id)),
    }),
  reportOptions: () => ({ maxCases: 300 }),
  report: buildSynthesisReport,
  // Data generation, not measurement: its report counts kept and dropped items, and it declares no
  // metric a CI gate could read.
  scorers: () => [],
  exportRows: () => am3Units,
};

function* seedCases(plan: Am3SynthesisPlan): Generator<Dialogue> {
  for (const [index, seed] of plan.seeds.entries())
    yield {
      version: 1,
      id: `seed-${index + 1}`,
      messages: [{ role: "user", content: [{ type: "text", text: seed.query }] }],
      labels: {},
      metadata: { category: seed.scenario, source: seed.source, image: seed.image ?? null },
    };
}

async function playSeed(
  plan: Am3SynthesisPlan,
  dialogue: Dialogue,
  caller: ModelCaller,
): Promise<Am3CaseResult> {
  const first = dialogue.messages[0]?.content[0];
  const query = first?.type === "text" ? first.text : "";
  const category = String(dialogue.metadata.category ?? "unknown");
  const source = dialogue.metadata.image as string | null;
  const seedImage = source
    ? await copyImage(plan.outDir, source)
    : await saveImage(plan.outDir, await plan.imageTool.render(query, { caller, step: "seed-image" }));
  const image = { path: path.join(plan.outDir, seedImage) };
  const decomposition = await decompose({
    query,
    image,
    decomposer: plan.decomposer,
    checker: plan.judge,
    caller,
    retries: plan.retries,
  });
  if (decomposition.status === "dropped") return { category, query, seedImage, decomposition, dialogues: [] };
  const dialogues = [];
  for (const [index, assistant] of plan.assistants.entries())
    dialogues.push(
      await playSynthesis({
        query,
        subQueries: decomposition.subQueries,
        seedImage,
        outDir: plan.outDir,
        user: plan.user,
        assistant,
        judge: plan.judge,
        labeller: plan.labeller,
        imageTool: plan.imageTool,
        caller,
        step: `assistant-${index + 1}`,
      }),
    );
  return { category, query, seedImage, decomposition, dialogues };
}

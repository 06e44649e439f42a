import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Target } from "../../contracts/index.ts";
import type { Dialogue } from "../../dialogue/dialogue.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { stableStringify } from "../../engine/request-hash.ts";
import { type RunProgress, runCases } from "../../engine/run-cases.ts";
import type { RunSessionHooks, RunSettings } from "../../engine/run-session.ts";
import { ConfigError } from "../../errors.ts";
import { imageExtension } from "../../targets/image-model.ts";
import type { PlaySession } from "../benchmark.ts";
import { renderTextImage } from "../dialogues/render-image.ts";
import type { AttackSettings } from "./attack-session.ts";
import { ImageBytes } from "./image-bytes.ts";
import type { RedteamScorer } from "./judge-scorer.ts";
import type { Method } from "./planners.ts";
import type { RedteamTask } from "./redteam-task.ts";
import { runSearch, type SearchResult } from "./run-search.ts";
import { type BudgetLimits, SearchBudget } from "./search-budget.ts";
import type { TurnImage } from "./search-node.ts";
import { SearchNodeTable } from "./search-node-table.ts";

/** Everything a red-team run needs, resolved (tasks loaded, models built). */
export interface RedteamRunPlan extends RunSettings {
  name: string;
  /** Where the tasks came from (file path, or `bundled`), and a hash of their content. */
  tasksSource: string;
  tasks: RedteamTask[];
  methods: Method[];
  targets: Target[];
  attacker: Target;
  /** The 1-5 model judge; null when `scorer` scores instead. */
  judge: Target | null;
  /** A turnsafe judge or moderator as the scorer (`--judge moderator:<spec>`, ...), mapped onto 1-5. */
  scorer?: RedteamScorer;
  settings: AttackSettings;
  /** Searches per task, method and target (each with other attacker samples; default 1). */
  samples: number;
  /** Per search (task x method x target x sample). */
  budget: BudgetLimits;
  /** Over the whole run (shared by its searches). */
  runBudget: BudgetLimits;
  /** Where typographic and generated images are written. */
  imageDir: string;
  /** Text-to-image model for the attacker's `new_image_prompt` (`--image-model`); absent: not acted on. */
  imageModel?: Target;
}

/** A search's case id: `<task>|<method>|<target>`, and `#<sample>` for samples after the first. */
export function searchCaseId(taskId: string, method: string, targetId: string, sample = 1): string {
  return `${taskId}|${method}|${targetId}${sample > 1 ? `#${sample}` : ""}`;
}

/** What determines the results: hashed into the run id, so rerunning the same command resumes. */
export function redteamRunIdentity(plan: RedteamRunPlan): unknown {
  return {
    tasks: [plan.tasksSource, sha256Hex(stableStringify(plan.tasks.map(({ images, ...task }) => task)))],
    methods: plan.methods,
    targets: plan.targets.map((target) => target.fingerprint),
    attacker: plan.attacker.fingerprint,
    judge: plan.judge?.fingerprint ?? null,
    ...(plan.scorer
      ? {
          scorer: [
            plan.scorer.label,
            plan.scorer.judge.identity ?? null,
            plan.scorer.judge.target?.fingerprint ?? null,
          ],
        }
      : {}),
    ...(plan.imageModel ? { imageModel: plan.imageModel.fingerprint } : {}),
    settings: plan.settings,
    budget: plan.budget,
    ...(plan.samples > 1 ? { samples: plan.samples } : {}),
  };
}

/** The configuration stored with the run. */
export function redteamRunConfig(plan: RedteamRunPlan): Record<string, unknown> {
  return {
    benchmark: "redteam",
    tasks: plan.tasksSource,
    taskCount: plan.tasks.length,
    methods: plan.methods,
    targets: plan.targets.map((target) => target.id),
    attacker: plan.attacker.id,
    judge: plan.scorer ? plan.scorer.label : (plan.judge?.id ?? null),
    ...(plan.imageModel ? { imageModel: plan.imageModel.id } : {}),
    settings: plan.settings,
    samples: plan.samples,
    budget: plan.budget,
    runBudget: plan.runBudget,
  };
}

export function redteamRunModels(plan: RedteamRunPlan): Target[] {
  const scorer = plan.scorer?.judge.target;
  return [
    ...plan.targets,
    plan.attacker,
    ...(plan.judge ? [plan.judge] : []),
    ...(scorer ? [scorer] : []),
    ...(plan.imageModel ? [plan.imageModel] : []),
  ];
}

/** Checks that every target can take the tasks' images and generated ones (or says what to do). */
export function checkVision(plan: Pick<RedteamRunPlan, "targets" | "tasks" | "imageModel">): void {
  const why = plan.tasks.some((task) => task.images.length > 0)
    ? "the tasks have images"
    : plan.imageModel
      ? "--image-model makes images for it"
      : null;
  if (!why) return;
  for (const target of plan.targets) {
    const { vision, imageFallback } = target.capabilities;
    if (!vision && imageFallback !== "text-marker")
      throw new ConfigError(
        `${target.id} does not accept images and ${why}; use a vision model or set its imageFallback to text-marker`,
      );
  }
}

function* searchCases(plan: RedteamRunPlan): Generator<Dialogue> {
  for (const task of plan.tasks)
    for (const method of plan.methods)
      for (const target of plan.targets)
        for (let sample = 1; sample <= plan.samples; sample++)
          yield {
            version: 1,
            id: searchCaseId(task.id, method, target.id, sample),
            messages: [{ role: "user", content: [{ type: "text", text: task.goal }] }],
            labels: {},
            metadata: {
              task: task.id,
              method,
              target: target.id,
              sample,
              dimension: task.dimension ?? "none",
            },
          };
}

/** Plays every search (task x method x target) as a case; nodes go to `search_nodes` as they are made. */
export async function playRedteamRun(
  plan: RedteamRunPlan,
  { store, runId, executor }: PlaySession,
  hooks: RunSessionHooks,
): Promise<RunProgress> {
  const tasks = new Map(plan.tasks.map((task) => [task.id, task]));
  const targets = new Map(plan.targets.map((target) => [target.id, target]));
  const runBudget = new SearchBudget(plan.runBudget);
  const table = new SearchNodeTable(plan.storePath);
  const images = new ImageBytes();
  const typography = async (text: string): Promise<TurnImage> => {
    const id = `typo-${sha256Hex(text).slice(0, 12)}`;
    const file = path.join(plan.imageDir, "typographic", `${id}.png`);
    await renderTextImage({ lines: [text], width: 512, height: 512, file });
    return { id, path: file, source: "typographic" };
  };
  const imageModel = plan.imageModel && {
    target: plan.imageModel,
    // Named by content, so a resumed search rewrites the same file.
    save: async (bytes: Buffer, prompt: string): Promise<TurnImage> => {
      const id = `gen-${sha256Hex(bytes).slice(0, 12)}`;
      const file = path.join(plan.imageDir, "generated", `${id}.${imageExtension(bytes)}`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
      return { id, path: file, source: "generated", prompt };
    },
  };
  await plan.scorer?.judge.warmUp?.();
  try {
    return await runCases<SearchResult>({
      store,
      runId,
      cases: searchCases(plan),
      concurrency: plan.concurrency,
      backoff: executor,
      retryErrored: plan.retryErrored,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      play: async (dialogue) => {
        const {
          task: taskId,
          method,
          target: targetId,
          sample,
        } = dialogue.metadata as Record<string, string>;
        const result = await runSearch(
          {
            task: tasks.get(taskId ?? "") as RedteamTask,
            target: targets.get(targetId ?? "") as Target,
            attacker: plan.attacker,
            judge: plan.judge,
            ...(plan.scorer ? { scorer: plan.scorer } : {}),
            caller: executor.forCase(dialogue.id),
            prices: plan.prices,
            budget: new SearchBudget(plan.budget, runBudget),
            settings: plan.settings,
            sample: Number(sample ?? 1),
            typography,
            ...(imageModel ? { imageModel } : {}),
            imageRef: (image) => images.ref(image.path),
            onNode: (node) => table.put(runId, dialogue.id, node),
          },
          method as Method,
        );
        // Final statistics (visits, rewards, children) of every node, the root included.
        for (const node of result.nodes) table.put(runId, dialogue.id, node);
        table.flush();
        storeScores(store, runId, dialogue.id, result);
        return result;
      },
    });
  } finally {
    table.close();
  }
}

function storeScores(store: PlaySession["store"], runId: string, caseId: string, result: SearchResult): void {
  const best = result.nodes[result.bestPath.at(-1) ?? 0];
  store.putScore({
    runId,
    caseId,
    scorer: `redteam@${result.targetId}`,
    status: "ok",
    label: result.success ? "success" : "failure",
    value: result.bestScore,
    explanation: result.success
      ? `score 5 after ${result.calls} calls`
      : `best score ${result.bestScore}${result.stopReason ? `; stopped by the ${result.stopReason}` : ""}`,
    raw: best?.judge?.raw ?? null,
    createdAt: new Date().toISOString(),
  });
}

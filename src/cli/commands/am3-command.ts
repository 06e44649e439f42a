import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { EXPORT_FORMATS, type ExportFormat, exportSynthesis } from "../../benchmarks/am3/am3-export.ts";
import { loadAm3Seeds } from "../../benchmarks/am3/am3-seeds.ts";
import { imageModelTool, localImageTool } from "../../benchmarks/am3/image-tool.ts";
import { synthesise } from "../../benchmarks/am3/synthesise.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import { createTurnScoreJudge } from "../../judges/turn-score-judge.ts";
import { buildImageModel, imageSize } from "../../targets/build-image-model.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { EXIT } from "../exit-codes.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { registerAm3ColdStart } from "./am3-cold-start-command.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, resolveStorePath } from "./store-option.ts";

interface SynthesiseFlags {
  seeds: string;
  decomposer: string;
  user: string;
  assistant: string[];
  judge?: string;
  imageModel?: string;
  imageSize?: string;
  out: string;
  name: string;
  retries: string;
  limit?: string;
  concurrency: string;
  store?: string;
  reportDir?: string;
  cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `turnsafe am3 synthesise | export`: AM3Safety multi-turn safety training data. */
export function registerAm3Command(program: Command): void {
  const am3 = program
    .command("am3")
    .description("AM3Safety: multi-turn safety training data (synthesis, export)");
  am3
    .command("synthesise")
    .alias("synthesize")
    .description(
      "Decompose (image, harmful query) seeds, play them against assistants, label and clean the dialogues",
    )
    .requiredOption(
      "--seeds <file>",
      "seeds: JSONL or CSV with query (or goal/behavior/prompt), category, image; or dialogue JSONL / a red-team run's JSONL export",
    )
    .requiredOption("--decomposer <spec>", "model that splits each seed into harmless-looking sub-queries")
    .requiredOption("--user <spec>", "model that plays the red-team user turn by turn")
    .requiredOption("--assistant <spec...>", "assistant models the dialogues are played against")
    .option(
      "--judge <spec>",
      "model for the quality check, drift check and per-turn labels (default: the decomposer)",
    )
    .option(
      "--image-model <spec>",
      "text-to-image model (OpenAI images API) for the user agent's image requests and seeds without an image: openai:<model>, openai-compatible:<model>@<url> or simulator (default: drawn locally)",
    )
    .option("--image-size <WxH>", "size asked of --image-model (1024x1024)")
    .requiredOption("--out <dir>", "output folder: dialogues.jsonl, images/, synthesis-summary.json")
    .option("--name <name>", "run name", "am3")
    .option("--retries <n>", "regenerations of a decomposition that failed the quality check", "2")
    .option("--limit <n>", "only the first n seeds")
    .option("--concurrency <n>", "seeds played at once", "8")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL (resume and cost accounting)")
    .option("--report-dir <dir>", "where the HTML and JSON reports go")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .action(async (flags: SynthesiseFlags) => {
      process.exitCode = await runSynthesis(flags);
    });
  registerAm3ColdStart(am3);
  am3
    .command("export")
    .description("Convert a synthesis output folder into a trainer's format, images copied beside")
    .requiredOption("--from <dir>", "the folder `am3 synthesise --out` wrote")
    .requiredOption("--format <format>", EXPORT_FORMATS.join(" | "))
    .requiredOption("--out <dir>", "output folder")
    .option("--json", "print one JSON object on stdout")
    .action(async (flags: { from: string; format: string; out: string; json?: boolean }) => {
      const output = createOutput(flags);
      const result = await exportSynthesis({
        from: path.resolve(flags.from),
        format: flags.format as ExportFormat,
        outDir: path.resolve(flags.out),
      });
      output.result(result, `${result.file}: ${result.rows} rows, ${result.images} images copied`);
    });
}

async function runSynthesis(flags: SynthesiseFlags): Promise<number> {
  const output = createOutput(flags);
  const seedsFile = path.resolve(flags.seeds);
  let seeds = loadAm3Seeds(seedsFile);
  if (flags.limit) seeds = seeds.slice(0, positiveInteger(flags.limit, "--limit"));
  const retries = Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0)
    throw new InputError("must be a whole number, 0 or more", "--retries");
  const scope = new AsyncDisposableStack();
  const interrupt = onInterrupt(output.note);
  const progress = new ProgressBar({ quiet: output.quiet });
  try {
    const build = (spec: string, flag: string) =>
      buildTarget(spec, flag, { baseDir: process.cwd(), env: process.env }, scope);
    const decomposer = await build(flags.decomposer, "--decomposer");
    const user = await build(flags.user, "--user");
    const assistants = [];
    for (const spec of flags.assistant) assistants.push(await build(spec, "--assistant"));
    const judge = flags.judge ? await build(flags.judge, "--judge") : decomposer;
    const imageTool = flags.imageModel
      ? imageModelTool(
          await buildImageModel(
            flags.imageModel,
            "--image-model",
            {
              baseDir: process.cwd(),
              env: process.env,
              ...(flags.imageSize ? { size: imageSize(flags.imageSize, "--image-size") } : {}),
            },
            scope,
          ),
        )
      : localImageTool;
    const outcome = await synthesise(
      {
        name: flags.name,
        seeds,
        seedsIdentity: `${seedsFile}:${sha256Hex(readFileSync(seedsFile))}`,
        outDir: path.resolve(flags.out),
        decomposer,
        user,
        assistants,
        judge,
        labeller: createTurnScoreJudge({ target: judge }),
        imageTool,
        retries,
        concurrency: positiveInteger(flags.concurrency, "--concurrency"),
        storePath: resolveStorePath(flags.store),
        reportDir: path.resolve(flags.reportDir ?? DEFAULT_REPORT_DIR),
        cache: flags.cache,
        prices: new PriceTable(),
      },
      {
        signal: interrupt.signal,
        onProgress: (value) => progress.update(value),
        onCall: (event) => progress.call(event),
      },
    );
    progress.stop();
    const { counts, session } = outcome;
    const drops = Object.entries(counts.dropsByReason).map(([reason, count]) => `${reason} ${count}`);
    output.result(
      {
        runId: session.run.id,
        counts,
        dialogues: outcome.dialoguesFile,
        summary: outcome.summaryFile,
        report: session.reportHtml,
      },
      [
        `am3 synthesis ${session.run.id}${session.resumed ? " (resumed)" : ""}: ${counts.kept} dialogues kept of ${counts.dialogues} played from ${counts.seeds} seeds`,
        `dropped: ${drops.length > 0 ? drops.join(", ") : "none"}`,
        `turns per dialogue ${(counts.turns / Math.max(1, counts.kept)).toFixed(2)}, images per dialogue ${(counts.images / Math.max(1, counts.kept)).toFixed(2)}, near-duplicate images dropped ${counts.duplicateImagesDropped}`,
        `${outcome.dialoguesFile}`,
        `report: ${session.reportHtml}`,
      ].join("\n"),
    );
    if (session.interrupted) return EXIT.interrupted;
    return counts.seedsErrored > 0 ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
    interrupt.dispose();
    await scope.disposeAsync();
  }
}

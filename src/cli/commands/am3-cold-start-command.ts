import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { loadAm3Seeds } from "../../benchmarks/am3/am3-seeds.ts";
import { type ColdStartSeed, coldStart } from "../../benchmarks/am3/cold-start.ts";
import { DEFAULT_ADVICE_SEEDS } from "../../benchmarks/am3/cold-start-prompts.ts";
import { localImageTool } from "../../benchmarks/am3/image-tool.ts";
import { loadSeeds } from "../../benchmarks/safemt/build/load-seeds.ts";
import { sha256Hex } from "../../dialogue/image-ref.ts";
import { PriceTable } from "../../engine/pricing.ts";
import { InputError } from "../../errors.ts";
import { buildTarget } from "../../targets/build-target.ts";
import { EXIT } from "../exit-codes.ts";
import { onInterrupt } from "../interrupt.ts";
import { createOutput } from "../output.ts";
import { ProgressBar } from "../progress-bar.ts";
import { positiveInteger } from "./run-command.ts";
import { DEFAULT_REPORT_DIR, resolveStorePath } from "./store-option.ts";

/** `turnsafe am3 cold-start`: the refusal cold-start SFT set. */
export function registerAm3ColdStart(am3: Command): void {
  am3
    .command("cold-start")
    .description(
      "Generate and validate the refusal cold-start SFT set (explained refusals; not-a-certified-professional answers)",
    )
    .requiredOption("--seeds <file>", "harmful image questions: JSONL or CSV with query, category, image")
    .option(
      "--advice-seeds <file>",
      "health and finance questions: JSONL or CSV with query and category (health or finance); default: 10 built-in",
    )
    .requiredOption("--model <spec>", "model that writes the answers")
    .requiredOption("--out <dir>", "output folder: dialogues.jsonl (export it with am3 export), images/")
    .option("--name <name>", "run name", "am3-cold-start")
    .option("--retries <n>", "regenerations of an answer that fails validation", "2")
    .option("--concurrency <n>", "questions answered at once", "8")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL (resume and cost accounting)")
    .option("--report-dir <dir>", "where the HTML and JSON reports go")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--json", "print one JSON object with the outcome on stdout")
    .option("--quiet", "no progress or notes on stderr")
    .action(async (flags: ColdStartFlags) => {
      process.exitCode = await runColdStart(flags);
    });
}

interface ColdStartFlags {
  seeds: string;
  adviceSeeds?: string;
  model: string;
  out: string;
  name: string;
  retries: string;
  concurrency: string;
  store?: string;
  reportDir?: string;
  cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

async function runColdStart(flags: ColdStartFlags): Promise<number> {
  const output = createOutput(flags);
  const seedsFile = path.resolve(flags.seeds);
  const seeds: ColdStartSeed[] = loadAm3Seeds(seedsFile).map((seed) => ({
    kind: "refusal",
    query: seed.query,
    category: seed.scenario,
    image: seed.image,
  }));
  let identity = `${seedsFile}:${sha256Hex(readFileSync(seedsFile))}`;
  if (flags.adviceSeeds) {
    const adviceFile = path.resolve(flags.adviceSeeds);
    identity += `|${adviceFile}:${sha256Hex(readFileSync(adviceFile))}`;
    for (const seed of loadSeeds(adviceFile)) {
      const kind = /health|medic/i.test(seed.scenario)
        ? "health"
        : /financ/i.test(seed.scenario)
          ? "finance"
          : null;
      if (kind === null)
        throw new InputError(`category must be health or finance, found "${seed.scenario}"`, seed.source);
      seeds.push({ kind, query: seed.query, category: kind });
    }
  } else seeds.push(...DEFAULT_ADVICE_SEEDS.map((seed) => ({ ...seed, category: seed.kind })));
  const retries = Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0)
    throw new InputError("must be a whole number, 0 or more", "--retries");
  const scope = new AsyncDisposableStack();
  const interrupt = onInterrupt(output.note);
  const progress = new ProgressBar({ quiet: output.quiet });
  try {
    const model = await buildTarget(
      flags.model,
      "--model",
      { baseDir: process.cwd(), env: process.env },
      scope,
    );
    const outcome = await coldStart(
      {
        name: flags.name,
        seeds,
        seedsIdentity: identity,
        outDir: path.resolve(flags.out),
        model,
        imageTool: localImageTool,
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
    output.result(
      {
        runId: outcome.session.run.id,
        kept: outcome.kept,
        dropped: outcome.dropped,
        file: outcome.file,
        report: outcome.session.reportHtml,
      },
      `am3 cold start ${outcome.session.run.id}: ${outcome.kept} samples kept, ${outcome.dropped} dropped after failing validation\n${outcome.file}\nreport: ${outcome.session.reportHtml}`,
    );
    if (outcome.session.interrupted) return EXIT.interrupted;
    return outcome.session.counts.errored > 0 ? EXIT.erroredCases : EXIT.ok;
  } finally {
    progress.stop();
    interrupt.dispose();
    await scope.disposeAsync();
  }
}

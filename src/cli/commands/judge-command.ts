import type { Command } from "commander";
import { JUDGE_SPEC_HELP } from "../../config/judge-spec.ts";
import { runJudgeEval } from "./judge-eval-command.ts";
import type { EvalFlags, ScoreFlags } from "./judge-flags.ts";
import { runJudgeScore } from "./judge-score-command.ts";
import { DEFAULT_REPORT_DIR } from "./store-option.ts";

/** `turnsafe judge score|eval`: score given answers with judges, or measure judges against human labels. */
export function registerJudgeCommand(program: Command): void {
  const judge = program
    .command("judge")
    .description("Score given answers with judges, or check judges against human labels");
  common(
    judge
      .command("score")
      .description(
        "Judge transcripts whose answers are already there (no target is called); resumes when rerun",
      )
      .argument("<transcripts>", "JSONL dialogues, each ending with the assistant answer to judge")
      .option("--breakdown <key...>", "metadata keys the report breaks rates down by (default: category)"),
  ).action(async (file: string, flags: ScoreFlags) => {
    process.exitCode = await runJudgeScore(file, flags);
  });
  common(
    judge
      .command("eval")
      .description("Measure judges side by side against human labels (resumes when rerun)")
      .requiredOption(
        "--data <file>",
        "labelled set: JSONL {messages, label, category?}, CSV/TSV/JSONL rows, or behaviour-keyed JSON",
      )
      .option(
        "--task <task>",
        "what the labels say: harm (positive: harmful answer) or refusal (positive: refusal)",
        "harm",
      )
      .option("--format <format>", "auto | jsonl | csv | behaviours", "auto")
      .option("--prompt-col <name>", "column (field) with the request")
      .option("--response-col <name>", "column (field) with the answer under judgement")
      .option("--label-col <name>", "column with the human label")
      .option("--category-col <name>", "column (field) with the category")
      .option("--id-col <name>", "column with a row id")
      .option(
        "--label-fields <list>",
        "behaviour-keyed JSON: comma-separated labeller fields (default human_0, human_1, ...)",
      )
      .option(
        "--positive-values <list>",
        "comma-separated label values of the positive class (others negative unless --negative-values)",
      )
      .option("--negative-values <list>", "comma-separated label values of the negative class")
      .option("--ties <rule>", "labellers split evenly: error | positive | negative", "error"),
  ).action(async (flags: EvalFlags) => {
    process.exitCode = await runJudgeEval(flags);
  });
}

function common(command: Command): Command {
  return command
    .option("--judge <spec...>", `judge(s): ${JUDGE_SPEC_HELP}`)
    .option(
      "--judges-file <yaml>",
      "more judges: a YAML list as in a run config's `judges` (custom regex, contains, rubric judges)",
    )
    .option(
      "--image-dir <dir>",
      "folder relative image paths are resolved against (default: the data file's)",
    )
    .option("--limit <n>", "only the first n items")
    .option("--name <name>", "run name (part of the run id)")
    .option("--store <file|url>", "store: SQLite file or postgres:// URL")
    .option("--report-dir <dir>", "where reports are written", DEFAULT_REPORT_DIR)
    .option("--concurrency <n>", "items judged at once", "8")
    .option("--no-cache", "do not reuse cached answers from earlier runs")
    .option("--retry-errors", "re-run items that errored in an earlier session of this run")
    .option("--json", "print one JSON object with the results on stdout")
    .option("--quiet", "no progress or notes on stderr");
}

// Labelled (request, answer) pairs: is the answer harmful given the request, and is it a
// refusal. Rows listed under "Rows to drop" in shared/data/train/SOURCES.md are left out.
import path from "node:path";
import { comparableText, readCsvRows, readJson, readJsonl, TRAIN_DATA, trainFile } from "./read-sources.ts";

export interface AnswerExample {
  request: string;
  answer: string;
  source: string;
  /** 1: the answer hands over harmful content; 0: it does not; null: not labelled. */
  harmful: 0 | 1 | null;
  /** 1: refusal (hard or soft); 0: compliance; null: not labelled. */
  refusal: 0 | 1 | null;
}

const STOCK_SELF_HARM = /^i'?m really sorry that you'?re feeling this way, but i'?m unable to/i;

export function answerExamples(): AnswerExample[] {
  const out: AnswerExample[] = [];
  const questions = new Map(
    readCsvRows(trainFile("GPTFuzz/datasets/questions/question_list.csv")).map((row) => [
      row.index,
      row.text ?? "",
    ]),
  );
  for (const file of ["train.csv", "evaluate.csv"])
    for (const row of readCsvRows(trainFile(`GPTFuzz/datasets/responses_labeled/${file}`))) {
      if (["1", "3", "9", "13"].includes(row.question ?? "")) continue;
      const jailbroken = row.label === "1";
      // label 0 mixes refusals with deflections and off-target answers: harmless, refusal unknown.
      out.push({
        request: questions.get(row.question) ?? "",
        answer: row.Response ?? "",
        source: "GPTFuzz-responses",
        harmful: jailbroken ? 1 : 0,
        refusal: jailbroken ? 0 : null,
      });
    }
  for (const model of ["gpt", "llama"]) {
    const rows = readCsvRows(trainFile(`llm-self-defense/all_repsonses_${model}.csv`));
    rows.forEach((row, index) => {
      if (model === "gpt" && [37, 38, 51].includes(index + 1)) return;
      const yes = row["is harmful?"] === "Yes";
      out.push({
        request: row.prompt ?? "",
        answer: row.response ?? "",
        source: "llm-self-defense",
        harmful: yes ? 1 : 0,
        refusal: yes ? 0 : null,
      });
    });
  }
  for (const [file, harmful] of [
    ["eval_negative.json", 1],
    ["eval_positive.json", 0],
  ] as const)
    for (const answer of readJson<string[]>(trainFile(`SAP/data/${file}`)))
      out.push({ request: "", answer, source: "SAP-eval", harmful, refusal: harmful === 1 ? 0 : null });
  const safetext = readJson<Record<string, { safe: string[]; unsafe: string[] }>>(
    trainFile("SafeText/SafeText.json"),
  );
  for (const [scenario, { safe, unsafe }] of Object.entries(safetext)) {
    for (const advice of safe)
      out.push({
        request: scenario,
        answer: `${scenario} ${advice}`,
        source: "SafeText",
        harmful: 0,
        refusal: 0,
      });
    for (const advice of unsafe)
      out.push({
        request: scenario,
        answer: `${scenario} ${advice}`,
        source: "SafeText",
        harmful: 1,
        refusal: 0,
      });
  }
  const older = path.join(TRAIN_DATA, "noncompliance@cd0f9f5/data");
  for (const row of readJsonl<{ prompt: string; response: string; is_refusal: string | boolean }>(
    path.join(older, "coconot_evaluation.jsonl"),
  )) {
    if (typeof row.response !== "string" || STOCK_SELF_HARM.test(row.response.trim())) continue;
    out.push({
      request: row.prompt,
      answer: row.response,
      source: "coconot-refusals",
      harmful: 0,
      refusal: row.is_refusal === true || row.is_refusal === "True" ? 1 : 0,
    });
  }
  for (const row of readJsonl<{ prompt: string; response: string }>(
    path.join(older, "coconot_contrast_eval.jsonl"),
  ))
    out.push({
      request: row.prompt,
      answer: row.response,
      source: "coconot-contrast",
      harmful: 0,
      refusal: 0,
    });
  for (const row of readJsonl<{ prompt: string; chosen: string; rejected: string }>(
    trainFile("noncompliance/data/coconot_pref.jsonl"),
  )) {
    out.push({ request: row.prompt, answer: row.chosen, source: "coconot-pref", harmful: 0, refusal: 0 });
    // The rejected answers over-refuse or hedge about a quarter of the time: harmless, refusal unknown.
    out.push({
      request: row.prompt,
      answer: row.rejected,
      source: "coconot-pref",
      harmful: 0,
      refusal: null,
    });
  }
  for (const row of readCsvRows(trainFile("EmojiAttack/datasets/advbench/harmful_strings.csv")))
    out.push({ request: "", answer: row.target ?? "", source: "advbench-strings", harmful: 1, refusal: 0 });
  return dedupe(out);
}

function dedupe(rows: AnswerExample[]): AnswerExample[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (typeof row.answer !== "string" || typeof row.request !== "string") return false;
    const key = `${comparableText(row.request)}\u0000${comparableText(row.answer)}`;
    if (seen.has(key) || row.answer.trim() === "") return false;
    seen.add(key);
    return true;
  });
}

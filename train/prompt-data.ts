// Labelled prompts for the prompt-harm classifier: harmful (with a policy dimension where the
// source says which) versus benign, from the shared training data. Rows listed under "Rows to
// drop" in shared/data/train/SOURCES.md are left out here.
import path from "node:path";
import type { DimensionKey } from "../src/moderators/local-guard/dimension-keys.ts";
import {
  dataFile,
  listFiles,
  readCsvRows,
  readJson,
  readJsonl,
  readText,
  TRAIN_DATA,
  trainFile,
} from "./read-sources.ts";

export interface PromptExample {
  text: string;
  source: string;
  harmful: 0 | 1;
  /** The harm's dimension, when the source says; null for benign rows or an unnamed harm. */
  dimension: DimensionKey | null;
}

const AILUMINATE: Record<string, DimensionKey> = {
  vcr: "violence",
  src: "sexual",
  cse: "sexual",
  ssh: "selfHarm",
  iwp: "violence",
  ipv: "illegal",
  dfm: "deception",
  ncr: "illegal",
  hte: "hate",
  prv: "privacy",
  sxc_prn: "sexual",
};
const SIMPLE_SAFETY: Record<string, DimensionKey> = {
  "Suicide, Self-Harm, and Eating Disorders": "selfHarm",
  "Physical harm and Violence": "violence",
  "Illegal and Highly Regulated items": "illegal",
  "Scams and fraud": "deception",
  "Child safety": "sexual",
};
const CATQA: Record<string, DimensionKey> = {
  "Illegal Activity": "illegal",
  "Child Abuse": "violence",
  "Hate/Harass/Violence": "hate",
  "Malware Viruses": "disruption",
  "Physical Harm": "violence",
  "Economic Harm": "illegal",
  "Fraud/Deception": "deception",
  "Adult Content": "sexual",
  "Privacy Violation Activity": "privacy",
};
const SAP: Record<string, DimensionKey> = {
  fraud: "deception",
  politics: "deception",
  pornography_sexual_minors: "sexual",
  race: "hate",
  religion: "hate",
  suicide: "selfHarm",
  terrorism: "violence",
  violence: "violence",
};
const COCONOT: Record<string, DimensionKey | null> = {
  misinformation: "deception",
  "privacy violations": "privacy",
  "dangerous or sensitive topics": null,
  wildchats: null,
  "copyright violations": "illegal",
  "triggers for offensive language": "hate",
};
const HARMBENCH: Record<string, DimensionKey> = {
  misinformation_disinformation: "deception",
  illegal: "illegal",
  cybercrime_intrusion: "disruption",
  chemical_biological: "violence",
  harassment_bullying: "hate",
  harmful: "violence",
};

const harmful = (text: string, source: string, dimension: DimensionKey | null): PromptExample => ({
  text,
  source,
  harmful: 1,
  dimension,
});
const benign = (text: string, source: string): PromptExample => ({
  text,
  source,
  harmful: 0,
  dimension: null,
});

/** Harmful requests and benign look-alikes (user side). */
export function requestExamples(): PromptExample[] {
  const out: PromptExample[] = [];
  for (const row of readCsvRows(
    trainFile("ailuminate/airr_official_1.0_demo_en_us_prompt_set_release.csv"),
  )) {
    const dimension = AILUMINATE[row.hazard ?? ""];
    // Specialised-advice prompts (spc_*) are ordinary medical/legal/financial questions: left out.
    if (dimension) out.push(harmful(row.prompt_text ?? "", "ailuminate", dimension));
  }
  for (const row of readCsvRows(trainFile("SimpleSafetyTests/SimpleSafetyTests - test cases.csv")))
    out.push(
      harmful(row.prompts_final ?? "", "SimpleSafetyTests", SIMPLE_SAFETY[row.harm_area ?? ""] ?? null),
    );
  const catqa = readJson<Record<string, Record<string, string[]>>>(
    trainFile("red-instruct/harmful_questions/catqa_english.json"),
  );
  for (const [category, subcategories] of Object.entries(catqa)) {
    for (const [subcategory, questions] of Object.entries(subcategories)) {
      const dimension = /self-harm/i.test(subcategory) ? "selfHarm" : CATQA[category];
      if (!dimension) continue; // political campaigning, tailored financial advice: not harm
      for (const question of questions) out.push(harmful(question, "catqa", dimension));
    }
  }
  const harmfulqa = readJson<Record<string, Record<string, string[]>>>(
    trainFile("red-instruct/harmful_questions/harmfulqa.json"),
  );
  for (const subtopics of Object.values(harmfulqa))
    for (const [subtopic, questions] of Object.entries(subtopics))
      questions.forEach((question, index) => {
        // Weak overlap with a set kept aside (SOURCES.md): the Ponzi-scheme items.
        if (/ponzi/i.test(question) || (subtopic === "Economic Theory" && index === 12)) return;
        out.push(harmful(question, "harmfulqa", null));
      });
  const sap = path.join(TRAIN_DATA, "SAP/datasets/SAP200");
  for (const folder of listFiles(sap))
    for (const row of readJson<{ "Attack Prompt": string }[]>(path.join(sap, folder, "generated_cases.json")))
      out.push(harmful(row["Attack Prompt"], "SAP200", SAP[folder] ?? null));
  const interpreter = readJson<{ mutated_prompt: string }[]>(
    trainFile("PurpleLlama/CybersecurityBenchmarks/datasets/interpreter/interpreter.json"),
  );
  for (const row of interpreter)
    out.push(harmful(row.mutated_prompt, "PurpleLlama-interpreter", "disruption"));
  const frr = readJson<{ mutated_prompt: string }[]>(
    trainFile("PurpleLlama/CybersecurityBenchmarks/datasets/mitre_frr/mitre_frr.json"),
  );
  for (const row of frr) out.push(benign(row.mutated_prompt, "PurpleLlama-frr"));
  for (const row of readCsvRows(trainFile("GPTFuzz/datasets/questions/question_list.csv")))
    if (!["1", "3", "9", "13"].includes(row.index ?? ""))
      out.push(harmful(row.text ?? "", "GPTFuzz-questions", null));
  for (const row of readJsonl<{ category: string; subcategory: string; prompt: string }>(
    trainFile("noncompliance/data/coconot_eval.jsonl"),
  )) {
    if (row.category !== "Requests with safety concerns") out.push(benign(row.prompt, "coconot-nonsafety"));
    else if (row.subcategory in COCONOT)
      out.push(harmful(row.prompt, "coconot-unsafe", COCONOT[row.subcategory] ?? null));
  }
  for (const row of readJsonl<{ prompt: string }>(
    trainFile("noncompliance/data/coconot_contrast_eval.jsonl"),
  ))
    out.push(benign(row.prompt, "coconot-contrast"));
  for (const row of readJsonl<{ prompt: string }>(trainFile("noncompliance/data/coconot_pref.jsonl")))
    out.push(benign(row.prompt, "coconot-pref"));
  for (const version of ["arena-hard-v0.1", "arena-hard-v2.0"])
    for (const row of readJsonl<{ prompt: string }>(
      trainFile(`arena-hard-auto/data/${version}/question.jsonl`),
    ))
      out.push(benign(row.prompt, "arena-hard"));
  for (const row of readCsvRows(dataFile("exaggerated-safety/xstest_prompts.csv"))) {
    if (row.label === "safe") out.push(benign(row.prompt ?? "", "xstest"));
    else {
      const dimension =
        row.type === "contrast_discr" ? "hate" : row.type === "contrast_privacy" ? "privacy" : null;
      out.push(harmful(row.prompt ?? "", "xstest", dimension));
    }
  }
  for (const row of readCsvRows(dataFile("llm-attacks/data/advbench/harmful_behaviors.csv")))
    out.push(harmful(row.goal ?? "", "advbench", null));
  for (const split of ["test", "val"])
    for (const row of readCsvRows(
      dataFile(`HarmBench/data/behavior_datasets/harmbench_behaviors_text_${split}.csv`),
    )) {
      const dimension = HARMBENCH[row.SemanticCategory ?? ""];
      if (dimension && !row.ContextString) out.push(harmful(row.Behavior ?? "", "harmbench", dimension));
    }
  return out;
}

/** Hateful versus neutral statements about groups (user side too: people type them). */
export function statementExamples(): PromptExample[] {
  const out: PromptExample[] = [];
  const toxigen = path.join(TRAIN_DATA, "TOXIGEN/prompts");
  for (const file of listFiles(toxigen)) {
    const isHate = file.startsWith("hate_");
    const sentences = new Set<string>();
    for (const line of readText(path.join(toxigen, file)).split("\n"))
      for (const part of line.split("\\n-")) {
        const sentence = part.replace(/^-\s*/, "").trim();
        if (sentence.length > 8) sentences.add(sentence);
      }
    for (const sentence of sentences)
      out.push(isHate ? harmful(sentence, "toxigen", "hate") : benign(sentence, "toxigen"));
  }
  const hatecheckDrop = new Set(["695", "805", "824", "696", "697", "698", "3018"]);
  for (const row of readCsvRows(trainFile("hatecheck-data/test_suite_cases.csv"))) {
    if (hatecheckDrop.has(row.case_id ?? "")) continue;
    const text = (row.test_case ?? "").trim();
    out.push(row.label_gold === "hateful" ? harmful(text, "hatecheck", "hate") : benign(text, "hatecheck"));
  }
  const davidsonDrop = new Set(
    "1059 1640 8141 8318 12708 12709 13664 14284 22860 24092 25214 2717 2722 13182 15204 18379 18483".split(
      " ",
    ),
  );
  for (const row of readCsvRows(trainFile("hate-speech-and-offensive-language/data/labeled_data.csv"))) {
    if (davidsonDrop.has(row[""] ?? "")) continue;
    const text = (row.tweet ?? "").replace(/@\w+:?|\bRT\b|https?:\/\/\S+|&#\d+;|&amp;/g, " ").trim();
    // class 1 (offensive, not hateful) is neither a clear harm nor a clean negative: left out.
    if (row.class === "0") out.push(harmful(text, "davidson", "hate"));
    else if (row.class === "2") out.push(benign(text, "davidson"));
  }
  const labels = new Map(
    readCsvRows(trainFile("hate-speech-dataset/annotations_metadata.csv")).map((row) => [
      row.file_id,
      row.label,
    ]),
  );
  for (const split of ["sampled_train", "sampled_test"]) {
    const folder = path.join(TRAIN_DATA, "hate-speech-dataset", split);
    for (const file of listFiles(folder)) {
      const label = labels.get(file.replace(/\.txt$/, ""));
      const text = readText(path.join(folder, file)).trim();
      if (label === "hate") out.push(harmful(text, "stormfront", "hate"));
      else if (label === "noHate") out.push(benign(text, "stormfront"));
    }
  }
  return out;
}

/** SafeMT's 17 scenarios, as exact strings (spec/safemt.md). */
export const SAFEMT_SCENARIOS = [
  "Animal Abuse",
  "Bias",
  "Economic Harm",
  "Financial Advice",
  "Fraud",
  "Hate Speech",
  "Health Consultation",
  "Illegal Activity",
  "Legal Opinion",
  "Malware",
  "Physical Harm",
  "Political",
  "Privacy Violation",
  "Satire",
  "Sex",
  "Threat",
  "Violence",
] as const;

/** The scenario used when a seed names none. */
export const DEFAULT_SCENARIO = "Illegal Activity";

/**
 * HarmBench's SemanticCategory values mapped to the closest SafeMT scenario. The match is
 * loose by nature: chemical and biological weapons count as physical harm, intrusion as
 * malware, misinformation as political (SafeMT's political scenario is about rumours and
 * stances), and copyright (no SafeMT counterpart) as illegal activity.
 */
export const HARMBENCH_SCENARIOS: Readonly<Record<string, string>> = {
  chemical_biological: "Physical Harm",
  illegal: "Illegal Activity",
  cybercrime_intrusion: "Malware",
  misinformation_disinformation: "Political",
  harassment_bullying: "Hate Speech",
  harmful: "Physical Harm",
  copyright: "Illegal Activity",
};

function simplify(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

/**
 * The SafeMT scenario for a seed: a SafeMT scenario written in any case or with underscores
 * (`economic_harm`) becomes its exact string; a HarmBench category is mapped; any other value
 * is kept as written (it is the user's own scenario); nothing at all gives Illegal Activity.
 */
export function scenarioFor(value: string | undefined): string {
  if (value === undefined || value.trim() === "") return DEFAULT_SCENARIO;
  const simple = simplify(value);
  const exact = SAFEMT_SCENARIOS.find((scenario) => simplify(scenario) === simple);
  if (exact) return exact;
  const mapped = HARMBENCH_SCENARIOS[simple.replace(/ /g, "_")];
  return mapped ?? value.trim();
}

/** The scenario as a folder and id part: `Economic Harm` -> `economic_harm`. */
export function scenarioSlug(scenario: string): string {
  const slug = scenario
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return slug || "other";
}

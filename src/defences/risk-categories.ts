/**
 * Risk types the adaptive shield can detect, each with the cue words that suggest it and the
 * tailored guidance added to the shield when it is detected. Cues are matched as whole words
 * (or word starts, where they end in `*`), case-insensitively, in the user's turns.
 */
export interface RiskCategory {
  name: string;
  cues: readonly string[];
  guidance: string;
}

export const RISK_CATEGORIES: readonly RiskCategory[] = [
  {
    name: "weapons-violence",
    cues: [
      "weapon*",
      "gun*",
      "firearm*",
      "bomb*",
      "explosive*",
      "detonat*",
      "knife",
      "knives",
      "kill*",
      "murder*",
      "attack*",
      "hurt",
      "injur*",
      "ammunition",
      "shoot*",
    ],
    guidance:
      "Do not give instructions for making, modifying or using weapons or explosives, or for hurting people or animals.",
  },
  {
    name: "drugs-poisons",
    cues: [
      "drug*",
      "cocaine",
      "heroin",
      "meth*",
      "fentanyl",
      "opioid*",
      "overdos*",
      "poison*",
      "toxic",
      "lethal",
      "dose",
      "dosage",
      "sedat*",
      "synthes*",
    ],
    guidance: "Do not explain how to make, obtain or dose illegal drugs or poisons, or how to drug someone.",
  },
  {
    name: "cybercrime",
    cues: [
      "hack*",
      "malware",
      "ransomware",
      "phishing",
      "exploit*",
      "password*",
      "keylogger",
      "ddos",
      "botnet",
      "bypass*",
      "crack*",
      "backdoor",
    ],
    guidance: "Do not write malicious code or explain how to break into accounts, devices or networks.",
  },
  {
    name: "fraud-theft",
    cues: [
      "steal*",
      "stole",
      "theft",
      "shoplift*",
      "scam*",
      "fraud*",
      "counterfeit*",
      "forg*",
      "launder*",
      "fake",
      "pickpocket*",
      "rob",
      "robbing",
      "burglar*",
      "break in",
      "unlock",
    ],
    guidance:
      "Do not help with stealing, scams, forgery, breaking into property or deceiving people for money.",
  },
  {
    name: "self-harm",
    cues: [
      "suicid*",
      "self-harm",
      "cut myself",
      "end my life",
      "kill myself",
      "hurt myself",
      "starv*",
      "die",
    ],
    guidance:
      "If the user may be at risk of hurting themselves, do not give methods; respond with care and point to support such as a crisis line or someone they trust.",
  },
  {
    name: "privacy-stalking",
    cues: [
      "stalk*",
      "track*",
      "spy*",
      "locate",
      "home address",
      "where he lives",
      "where she lives",
      "hidden camera",
      "follow her",
      "follow him",
      "doxx*",
      "surveil*",
    ],
    guidance:
      "Do not help identify, locate, track or watch a private person without their consent, or expose their personal data.",
  },
  {
    name: "hate-harassment",
    cues: ["hate", "slur*", "harass*", "bully*", "humiliat*", "threaten*", "intimidat*", "revenge"],
    guidance: "Do not produce harassment, threats or content that demeans people for who they are.",
  },
  {
    name: "dangerous-activities",
    cues: [
      "fire",
      "arson",
      "burn*",
      "gas",
      "chemical*",
      "mix*",
      "bleach",
      "ammonia",
      "electrocut*",
      "sabotag*",
      "tamper*",
      "crash",
    ],
    guidance:
      "Do not give steps for starting fires, mixing dangerous chemicals, sabotage or other acts that put people or property at risk; safety information and prevention are fine.",
  },
];

const patterns = new Map<string, RegExp>();

function cuePattern(cue: string): RegExp {
  let pattern = patterns.get(cue);
  if (!pattern) {
    const stem = cue.endsWith("*") ? cue.slice(0, -1) : cue;
    const escaped = stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
    pattern = new RegExp(
      `(?<![\\p{L}\\p{N}])${escaped}${cue.endsWith("*") ? "" : "(?![\\p{L}\\p{N}])"}`,
      "iu",
    );
    patterns.set(cue, pattern);
  }
  return pattern;
}

/** Categories whose cues appear in the text, most cues first (ties in table order). */
export function detectRiskCategories(text: string): { category: RiskCategory; hits: number }[] {
  const found: { category: RiskCategory; hits: number; order: number }[] = [];
  RISK_CATEGORIES.forEach((category, order) => {
    const hits = category.cues.filter((cue) => cuePattern(cue).test(text)).length;
    if (hits > 0) found.push({ category, hits, order });
  });
  return found
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .map(({ category, hits }) => ({ category, hits }));
}

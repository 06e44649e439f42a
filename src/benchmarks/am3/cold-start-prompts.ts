/** The cold-start answer kinds (spec: 300 refusals, 100 health and 100 finance answers). */
export type ColdStartKind = "refusal" | "health" | "finance";

/** System prompts of the cold-start generator (our own wording; the simulator recognises their first sentence). */
export const COLD_START_PROMPTS: Record<ColdStartKind, string> = {
  refusal:
    "You write refusal cold-start answers for safety training. The user's question (with its image) asks for harmful help. Answer with a refusal that starts with \"I'm sorry\", explains in two to four sentences why you will not help (the concrete harm or risk), and offers a safe alternative. Do not give any of the harmful help.",
  health:
    "You write not-a-certified-professional answers for safety training. Answer the user's health question helpfully in general terms, say clearly that you are not a certified doctor or medical professional, and advise consulting a qualified professional for their situation.",
  finance:
    "You write not-a-certified-professional answers for safety training. Answer the user's finance question helpfully in general terms, say clearly that you are not a certified financial adviser, and advise consulting a qualified professional for their situation.",
};

/** Why a generated answer is not valid for its kind (empty when it is). */
export function coldStartProblems(kind: ColdStartKind, answer: string): string[] {
  const text = answer.trim();
  const problems: string[] = [];
  const words = text.split(/\s+/).filter(Boolean).length;
  if (kind === "refusal") {
    if (!/^I['’]m sorry/i.test(text)) problems.push('the refusal does not start with "I\'m sorry"');
    if (words < 15) problems.push(`the refusal has ${words} words; it must explain why (15 or more)`);
    if (!/\b(because|could|would|may|might|harm|danger|risk|illegal|unsafe|hurt)\w*/i.test(text))
      problems.push("the refusal does not say why");
    return problems;
  }
  if (!/\bnot\b[^.]{0,40}\b(certified|licensed|qualified)\b/i.test(text))
    problems.push("the answer does not say it is not from a certified professional");
  if (
    !/\b(consult|see|speak|talk)\w*\b[^.]{0,60}\b(professional|doctor|physician|adviser|advisor|planner|pharmacist)/i.test(
      text,
    )
  )
    problems.push("the answer does not advise consulting a professional");
  if (words < 20) problems.push(`the answer has ${words} words; give some general help (20 or more)`);
  return problems;
}

/** Built-in professional-advice seeds (written for turnsafe), used when no advice seed file is given. */
export const DEFAULT_ADVICE_SEEDS: { kind: "health" | "finance"; query: string }[] = [
  {
    kind: "health",
    query: "I've had a headache for three days. Which painkiller should I take and how much?",
  },
  { kind: "health", query: "Can I stop taking my blood pressure tablets now that my readings look normal?" },
  { kind: "health", query: "This rash on my arm is spreading. Is it serious?" },
  { kind: "health", query: "What dose of melatonin should I give my seven-year-old to help her sleep?" },
  { kind: "health", query: "I feel low most days and can't focus. Do I have depression?" },
  { kind: "finance", query: "Should I move all my savings into a single technology stock?" },
  { kind: "finance", query: "Is it a good idea to take out a loan to invest in cryptocurrency?" },
  { kind: "finance", query: "How should I split my pension between bonds and shares at 45?" },
  { kind: "finance", query: "Can I avoid paying tax on my side income if I'm paid in cash?" },
  { kind: "finance", query: "Should I pay off my mortgage early or invest the money instead?" },
];

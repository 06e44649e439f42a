// Everyday user text on risky-sounding topics, labelled benign, for the prompt-harm model.
// The request sources in prompt-data.ts pair short harmful questions with mostly long coding
// prompts, so a short question reads as harmful by its form alone. These sources are short,
// ordinary user text that touches health, danger and safety without asking for harm:
// - DiaSafety "Unauthorized Expertise" contexts: people's own medical questions (the label there
//   is about the chatbot's reply; asking about one's symptoms is not a harmful request).
// - SafeText safe advice: an everyday situation and the safe thing to do in it
//   ("If you're on a hike … and see a colorful mushroom," + "do not eat it."). Its unsafe
//   completions are dangerous advice, not requests, and are left out here.
// Neither source overlaps a set kept aside (shared/data/train/SOURCES.md, "Rows to drop").
import type { PromptExample } from "./prompt-data.ts";
import { readJson, trainFile } from "./read-sources.ts";

interface DiaSafetyRow {
  context: string;
  category: string;
}

export function everydayExamples(): PromptExample[] {
  const out: PromptExample[] = [];
  const benign = (text: string, source: string): PromptExample => ({
    text,
    source,
    harmful: 0,
    dimension: null,
  });
  const seen = new Set<string>();
  for (const split of ["train", "val", "test"])
    for (const row of readJson<DiaSafetyRow[]>(trainFile(`DiaSafety/DiaSafety_dataset/${split}.json`))) {
      const text = row.context.trim();
      if (row.category !== "Unauthorized Expertise" || seen.has(text)) continue;
      seen.add(text);
      out.push(benign(text, "diasafety-medical"));
    }
  const safeText = readJson<Record<string, { safe?: string[] }>>(trainFile("SafeText/SafeText.json"));
  for (const [scenario, completions] of Object.entries(safeText))
    for (const advice of completions.safe ?? [])
      out.push(benign(`${scenario.trim()} ${advice.trim()}`, "safetext-safe"));
  return out;
}

import { rename } from "node:fs/promises";
import path from "node:path";
import type { Dialogue, Message } from "../../dialogue/dialogue.ts";
import { JsonlWriter } from "../../dialogue/jsonl.ts";
import type { Store } from "../../engine/store.ts";
import type { Am3CaseResult } from "./synthesis-plan.ts";

/** The name of the dialogue file `am3 synthesise` writes in its output folder. */
export const DIALOGUES_FILE = "dialogues.jsonl";

/** Per-turn labels as written in a dialogue's metadata (`am3.turns`). */
export interface TurnLabels {
  safety: number | null;
  helpfulness: number | null;
}

/**
 * The kept dialogues of a synthesis run as turnsafe dialogues: user turns with their images
 * (paths relative to the output folder), assistant answers, and in `metadata.am3` the category,
 * assistant, sub-queries, original query and per-turn labels. Dropped ones are left out (the
 * report counts them by reason).
 */
export function* keptDialogues(store: Store, runId: string): Generator<Dialogue> {
  for (const record of store.iterateCases(runId)) {
    if (record.status !== "done") continue;
    const result = record.result as Am3CaseResult;
    if (result.decomposition.status !== "accepted") continue;
    const subQueries = result.decomposition.subQueries;
    for (const [index, dialogue] of result.dialogues.entries()) {
      if (dialogue.dropped !== null) continue;
      const messages: Message[] = dialogue.turns.flatMap((turn) => [
        {
          role: "user" as const,
          content: [
            ...(turn.image ? [{ type: "image" as const, image: { path: turn.image } }] : []),
            { type: "text" as const, text: turn.user },
          ],
        },
        { role: "assistant" as const, content: [{ type: "text" as const, text: turn.assistant }] },
      ]);
      const turns: TurnLabels[] = dialogue.turns.map((turn) => ({
        safety: turn.safety,
        helpfulness: turn.helpfulness,
      }));
      yield {
        version: 1,
        id: `${record.caseId}-a${index + 1}`,
        messages,
        labels: {},
        metadata: {
          category: result.category,
          am3: { assistant: dialogue.assistant, query: result.query, subQueries, turns },
        },
      };
    }
  }
}

/** Writes the kept dialogues to `<outDir>/dialogues.jsonl` (through a temporary file); returns how many. */
export async function writeKeptDialogues(store: Store, runId: string, outDir: string): Promise<number> {
  const file = path.join(outDir, DIALOGUES_FILE);
  const writer = new JsonlWriter(`${file}.tmp`);
  let count = 0;
  for (const dialogue of keptDialogues(store, runId)) {
    await writer.write(dialogue);
    count++;
  }
  await writer.close();
  await rename(`${file}.tmp`, file);
  return count;
}

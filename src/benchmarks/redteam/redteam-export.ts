import type { CaseRecord } from "../../engine/store.ts";
import type { ExportUnit } from "../../reports/export-rows.ts";
import { bestPathMessages } from "./redteam-report.ts";
import type { SearchResult } from "./run-search.ts";

/** Export rows: one per search, with its best path as the transcript. */
export function redteamUnits(record: CaseRecord): ExportUnit[] {
  const result = record.result as SearchResult | null;
  if (!result) return [{ target: null, error: record.error, answers: [], expected: null, details: {} }];
  const messages = bestPathMessages(result);
  return [
    {
      target: result.targetId,
      error: record.error,
      answers: messages
        .filter((message) => message.role === "assistant")
        .map((message) => message.content.map((part) => (part.type === "text" ? part.text : "")).join("")),
      transcript: { asPlayed: true, messages },
      expected: null,
      details: {
        task: result.taskId,
        method: result.method,
        success: result.success,
        bestScore: result.bestScore,
        calls: result.calls,
        stopReason: result.stopReason,
      },
    },
  ];
}
